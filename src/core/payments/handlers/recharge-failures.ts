/**
 * Consecutive auto-recharge failures: after `auto_recharge.max_failures` of them
 * auto-recharge turns itself off, and the fan, the fan's topic and the owners are told.
 */
import { fanTexts, teamTexts } from '../texts.js';
import {
  alertOwners,
  fanLabel,
  noteTopic,
  notifyFan,
  type HandlerContext,
  type Render,
} from './context.js';

/** Counts one failed auto-recharge charge of `fanId` (PaymentIntent `paymentIntentId`). */
export async function countRechargeFailure<Tx>(
  ctx: HandlerContext<Tx>,
  fanId: number,
  paymentIntentId: string,
): Promise<void> {
  const { store } = ctx;
  const fan = await store.fan(fanId, ctx.tx);
  if (!fan) return;
  const failures = fan.autoRecharge.consecutiveFailures + 1;
  if (failures < ctx.maxFailures || !fan.autoRecharge.enabled) {
    await store.setAutoRecharge(fanId, { consecutiveFailures: failures }, ctx.tx);
    return;
  }
  await store.setAutoRecharge(fanId, { consecutiveFailures: failures, enabled: false }, ctx.tx);
  await notifyFan(ctx, fanId, `recharge_off:${paymentIntentId}`, (t) =>
    fanTexts.rechargeDisabled(t, failures),
  );
  const label = await fanLabel(ctx, fanId);
  const text: Render = (t) => teamTexts.rechargeDisabledAdmin(t, label, failures);
  noteTopic(ctx, fanId, `recharge_off:${paymentIntentId}:topic`, text);
  alertOwners(ctx, `recharge_off:${paymentIntentId}`, text);
}
