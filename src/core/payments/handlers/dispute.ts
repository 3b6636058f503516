/**
 * `charge.dispute.created` and `charge.dispute.closed`: an open dispute freezes the fan
 * (cannot spend); won unfreezes them (unless another dispute is open); lost removes credits
 * like a full refund of the disputed amount and the fan stays frozen. Admins are told.
 */
import { ledgerKeys } from '../../ledger.js';
import type { DisputeFacts } from '../events.js';
import type { PaymentRecord } from '../ports.js';
import { creditsBetween, nextDisputeStatus } from '../rules.js';
import { RetryLaterError } from '../retry-later.js';
import { teamTexts, type MoneyView } from '../texts.js';
import { alertOwners, noteTopic, type HandlerContext, type Render } from './context.js';

/** Freezes the fan while the dispute is open. */
export async function onDisputeCreated<Tx>(
  ctx: HandlerContext<Tx>,
  d: DisputeFacts,
): Promise<void> {
  const row = await disputedPayment(ctx, d);
  if (!row || row.disputeStatus !== null) return;
  const status = nextDisputeStatus(null, d.status);
  await ctx.store.updatePayment(
    row.id,
    { disputeId: d.disputeId, disputeStatus: status },
    {},
    ctx.tx,
  );
  if (status !== 'open') return;
  const fanId = row.fanId;
  await ctx.store.setFrozen(fanId, true, ctx.tx);
  const text: Render = (t) => teamTexts.disputeOpened(t, fanId, disputed(d), d.reason);
  noteTopic(ctx, fanId, `dispute:${d.disputeId}:open`, text);
  alertOwners(ctx, `dispute:${d.disputeId}:open`, text);
}

/** Records the dispute's end: won unfreezes, lost takes the disputed credits back. */
export async function onDisputeClosed<Tx>(ctx: HandlerContext<Tx>, d: DisputeFacts): Promise<void> {
  const row = await disputedPayment(ctx, d);
  if (!row || row.disputeStatus === 'won' || row.disputeStatus === 'lost') return;
  const status = nextDisputeStatus(row.disputeStatus, d.status);
  if (status === 'open') return;
  await ctx.store.updatePayment(
    row.id,
    { disputeId: d.disputeId, disputeStatus: status },
    {},
    ctx.tx,
  );
  const text = status === 'won' ? await disputeWon(ctx, row, d) : await disputeLost(ctx, row, d);
  noteTopic(ctx, row.fanId, `dispute:${d.disputeId}:closed`, text);
  alertOwners(ctx, `dispute:${d.disputeId}:closed`, text);
}

async function disputeWon<Tx>(
  ctx: HandlerContext<Tx>,
  row: PaymentRecord,
  d: DisputeFacts,
): Promise<Render> {
  const fanId = row.fanId;
  const wasOpen = row.disputeStatus === 'open';
  const otherOpen = await ctx.store.hasOtherOpenDispute(fanId, row.id, ctx.tx);
  if (wasOpen && !otherOpen) await ctx.store.setFrozen(fanId, false, ctx.tx);
  return (t) => teamTexts.disputeWon(t, fanId, disputed(d), !otherOpen);
}

async function disputeLost<Tx>(
  ctx: HandlerContext<Tx>,
  row: PaymentRecord,
  d: DisputeFacts,
): Promise<Render> {
  const fanId = row.fanId;
  const credits = creditsBetween(
    row.creditsGranted,
    row.amountPaidCents,
    row.amountRefundedCents,
    Math.min(row.amountPaidCents, row.amountRefundedCents + d.amount),
  );
  if (credits > 0) {
    await ctx.ledger.refundCredits(
      fanId,
      credits,
      ledgerKeys.refund(d.disputeId),
      { reference: d.chargeId, note: 'dispute lost' },
      ctx.tx,
    );
  }
  await ctx.store.refreshSpend(fanId, ctx.thresholds, ctx.tx);
  return (t) => teamTexts.disputeLost(t, fanId, disputed(d), credits);
}

/** The disputed amount, as the notes show it. */
function disputed(d: DisputeFacts): MoneyView {
  return { amountCents: d.amount, currency: d.currency };
}

/** The disputed payment, locked; retried later when it may be ours but is not recorded yet. */
async function disputedPayment<Tx>(
  ctx: HandlerContext<Tx>,
  d: DisputeFacts,
): Promise<PaymentRecord | null> {
  const row = d.paymentIntentId
    ? await ctx.store.lockExisting(ctx.tx, { paymentIntentId: d.paymentIntentId })
    : null;
  if (!row && d.paymentIntentId) {
    // Disputes carry no metadata: until the payment is recorded, it may be one of ours
    // whose events arrived out of order, so Stripe's retry gets another chance.
    throw new RetryLaterError(
      `Dispute ${d.disputeId} is about payment ${d.paymentIntentId}, not recorded yet`,
    );
  }
  return row;
}
