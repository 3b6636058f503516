/**
 * The auto-recharge trigger, called after a spend commits: only the spend that crosses the
 * fan's threshold starts a charge, and the store refuses a second attempt while one is in
 * flight. The attempt row's key is the Stripe Idempotency-Key, so a retry never charges twice.
 * Credits arrive with `payment_intent.succeeded`.
 */
import type { FanProfile } from '../../fan.js';
import type { SpendObserver } from '../../balance.js';
import type { Logger } from '../../logger.js';
import { PRIORITY } from '../../traffic/outbox.js';
import type { ChargeOutcome, FanReply, RechargeAttempt } from '../ports.js';
import { crossesThreshold, DEFAULT_RECHARGE_THRESHOLD } from '../rules.js';
import { confirmOnSession } from './checkout.js';
import { activeProduct, type CommandContext } from './context.js';
import { stopWhenFrozen } from './frozen.js';
import { chargeSavedCard, needsAuthentication } from './off-session.js';
import { renderReply } from './reply.js';

/** An attempt still pending after this long is treated as abandoned (crash between steps). */
const STALE_ATTEMPT_MS = 15 * 60_000;

/** Starts one off-session charge when the spend from `before` to `after` crossed the threshold. */
export async function rechargeAfterSpend<Tx>(
  ctx: CommandContext<Tx>,
  fanId: number,
  before: number,
  after: number,
): Promise<void> {
  const { store } = ctx;
  const acct = await store.fan(fanId);
  const ar = acct?.autoRecharge;
  if (!acct || !ar?.enabled || ar.productId === null) return;
  const threshold = ar.threshold ?? DEFAULT_RECHARGE_THRESHOLD;
  if (!crossesThreshold(before, after, threshold)) return;
  if (acct.isFrozen) return stopWhenFrozen(ctx, acct);
  if (!acct.savedCard || !acct.stripeCustomerId) return;
  const product = await activeProduct(ctx, ar.productId);
  if (!product || product.type !== 'credits') return;
  const attempt = await store.startRechargeAttempt(
    fanId,
    product.id,
    new Date(ctx.now().getTime() - STALE_ATTEMPT_MS),
  );
  if (!attempt) return;
  const fan: FanProfile = {
    id: fanId,
    firstName: acct.firstName,
    username: acct.username,
    languageCode: acct.languageCode,
  };
  let outcome: ChargeOutcome;
  try {
    outcome = await chargeSavedCard(
      ctx,
      acct,
      product,
      { paymentId: null, attemptId: attempt.id },
      attempt.idempotencyKey,
    );
  } catch (err) {
    // The attempt stays pending: the same key is reused if it is retried, never a new charge.
    const log = ctx.logger.child({ fanId, attempt: attempt.id });
    log.error({ err }, 'auto-recharge charge failed to reach Stripe');
    return;
  }
  await recordOutcome(ctx, attempt, outcome);
  if (needsAuthentication(outcome)) {
    const link = await confirmOnSession(ctx, fan, product);
    if (link.reply)
      await enqueueReply(ctx, fanId, `authlink:${attempt.idempotencyKey}`, link.reply);
  }
}

/** The attempt after Stripe's answer, unless the webhook already settled it. */
async function recordOutcome<Tx>(
  ctx: CommandContext<Tx>,
  attempt: RechargeAttempt,
  outcome: ChargeOutcome,
): Promise<void> {
  const current = await ctx.store.findAttempt({ id: attempt.id });
  if (current?.status === 'pending') {
    await ctx.store.updateAttempt(attempt.id, {
      paymentIntentId: outcome.paymentIntentId ?? null,
      status: attemptStatus(outcome),
      failureCode:
        outcome.status === 'declined'
          ? (outcome.failure.declineCode ?? outcome.failure.code)
          : null,
    });
  } else if (current && current.paymentIntentId === null && outcome.paymentIntentId) {
    await ctx.store.updateAttempt(attempt.id, { paymentIntentId: outcome.paymentIntentId });
  }
}

function attemptStatus(outcome: ChargeOutcome): RechargeAttempt['status'] {
  if (outcome.status === 'declined') {
    return needsAuthentication(outcome) ? 'requires_action' : 'failed';
  }
  return outcome.status === 'requires_action' ? 'requires_action' : 'processing';
}

/** Queues a reply to the fan's private chat in the outbox and wakes the worker. */
async function enqueueReply<Tx>(
  ctx: CommandContext<Tx>,
  fanId: number,
  dedupeKey: string,
  reply: FanReply,
): Promise<void> {
  await ctx.store.enqueue([
    {
      kind: 'notice.payment',
      target: { type: 'chat', chatId: fanId },
      method: 'sendMessage',
      params: renderReply(reply),
      priority: PRIORITY.payment,
      dedupeKey,
      fanId,
    },
  ]);
  ctx.onEnqueued?.();
}

/**
 * The spend hook: an auto-recharge that fails is logged, never raised into the spend that
 * triggered it (that spend has committed already).
 */
export function rechargeOnSpend(
  commands: { onCreditsSpent(fanId: number, before: number, after: number): Promise<void> },
  logger: Logger,
): SpendObserver {
  return {
    async onCreditsSpent(fanId, before, after) {
      try {
        await commands.onCreditsSpent(fanId, before, after);
      } catch (err) {
        logger.error({ err, fanId }, 'auto-recharge failed');
      }
    },
  };
}
