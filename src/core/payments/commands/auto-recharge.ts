/**
 * The auto-recharge trigger, called after a spend commits: only the spend that crosses the
 * fan's threshold starts a charge, and the store refuses a second attempt while one is in
 * flight. The attempt row's key is the Stripe Idempotency-Key, so a retry never charges twice;
 * a charge that never reached Stripe is retried with backoff under that key. Credits arrive
 * with `payment_intent.succeeded`.
 */
import type { FanProfile } from '../../fan.js';
import type { SpendObserver } from '../../balance.js';
import type { Logger } from '../../logger.js';
import { PRIORITY } from '../../traffic/outbox.js';
import type { LocalProduct } from '../../catalog.js';
import { PremiumbotError } from '../../errors.js';
import type { ChargeOutcome, FanReply, PaymentFan, RechargeAttempt } from '../ports.js';
import { crossesThreshold, DEFAULT_RECHARGE_THRESHOLD } from '../rules.js';
import { confirmOnSession } from './checkout.js';
import { activeProduct, type CommandContext } from './context.js';
import { stopWhenFrozen } from './frozen.js';
import { chargeSavedCard, needsAuthentication } from './off-session.js';
import { tellPackageGone } from './package-gone.js';
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
  if (!product) return tellPackageGone(ctx, acct, ar.productId);
  if (product.type !== 'credits') return;
  const attempt = await store.startRechargeAttempt(
    fanId,
    product.id,
    new Date(ctx.now().getTime() - STALE_ATTEMPT_MS),
    // A crossing seen late (its recharge already landed) charges nothing more.
    threshold,
  );
  if (!attempt) return;
  const fan: FanProfile = {
    id: fanId,
    firstName: acct.firstName,
    username: acct.username,
    languageCode: acct.languageCode,
  };
  const charged = await tryCharge(ctx, acct, product, attempt);
  if (charged === 'unreached') {
    // In the background: the spend that triggered it is not held up by the backoff.
    void retryUnreached(ctx, fan, product, attempt);
    return;
  }
  if (charged !== 'failed') await settleCharge(ctx, fan, product, attempt, charged);
}

/** One charge call: Stripe's outcome, `unreached` (network or 5xx: retry), or `failed`. */
async function tryCharge<Tx>(
  ctx: CommandContext<Tx>,
  acct: PaymentFan,
  product: LocalProduct,
  attempt: RechargeAttempt,
): Promise<ChargeOutcome | 'unreached' | 'failed'> {
  try {
    const rows = { paymentId: null, attemptId: attempt.id };
    return await chargeSavedCard(ctx, acct, product, rows, attempt.idempotencyKey);
  } catch (err) {
    // The attempt stays pending: the same key is reused if it is retried, never a new charge.
    const log = ctx.logger.child({ fanId: acct.id, attempt: attempt.id });
    log.error({ err }, 'auto-recharge charge failed to reach Stripe');
    return isTransient(err) ? 'unreached' : 'failed';
  }
}

/** A Stripe failure that says nothing happened yet (network, 5xx, rate limit). */
function isTransient(err: unknown): boolean {
  return err instanceof PremiumbotError && err.details?.transient === true;
}

/**
 * Retries a charge that never reached Stripe after each delay of `ctx.retry`, under the
 * attempt's own idempotency key (a call that did reach Stripe is answered from its cache,
 * never charged twice). Stops when the webhook settled the attempt, or when the fan can no
 * longer be charged (auto-recharge off, frozen, card removed).
 */
async function retryUnreached<Tx>(
  ctx: CommandContext<Tx>,
  fan: FanProfile,
  product: LocalProduct,
  attempt: RechargeAttempt,
): Promise<void> {
  try {
    for (const delayMs of ctx.retry?.delaysMs ?? []) {
      await ctx.retry!.wait(delayMs);
      const current = await ctx.store.findAttempt({ id: attempt.id });
      const acct = await ctx.store.fan(fan.id);
      if (current?.status !== 'pending' || !acct?.autoRecharge.enabled) return;
      if (acct.isFrozen || !acct.savedCard || !acct.stripeCustomerId) return;
      const charged = await tryCharge(ctx, acct, product, attempt);
      if (charged === 'failed') return;
      if (charged !== 'unreached') return settleCharge(ctx, fan, product, attempt, charged);
    }
  } catch (err) {
    ctx.logger.error({ err, fanId: fan.id, attempt: attempt.id }, 'auto-recharge retry failed');
  }
}

/** Records Stripe's answer; a bank that wants the fan present gets them a Checkout link. */
async function settleCharge<Tx>(
  ctx: CommandContext<Tx>,
  fan: FanProfile,
  product: LocalProduct,
  attempt: RechargeAttempt,
  outcome: ChargeOutcome,
): Promise<void> {
  await recordOutcome(ctx, attempt, outcome);
  if (needsAuthentication(outcome)) {
    const link = await confirmOnSession(ctx, fan, product);
    if (link.reply)
      await enqueueReply(ctx, fan.id, `authlink:${attempt.idempotencyKey}`, link.reply);
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
