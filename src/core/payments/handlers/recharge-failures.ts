/**
 * Consecutive auto-recharge failures: after `auto_recharge.max_failures` of them
 * auto-recharge turns itself off, and the fan, the fan's topic and the owners are told.
 */
import { paymentTexts } from '../texts.js';
import { alertOwners, noteTopic, notifyFan, type HandlerContext } from './context.js';

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
  notifyFan(ctx, fanId, `recharge_off:${paymentIntentId}`, paymentTexts.rechargeDisabled(failures));
  const text = paymentTexts.rechargeDisabledAdmin(fanId, failures);
  noteTopic(ctx, fanId, `recharge_off:${paymentIntentId}:topic`, text);
  alertOwners(ctx, `recharge_off:${paymentIntentId}`, text);
}
