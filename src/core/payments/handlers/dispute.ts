/**
 * `charge.dispute.created` and `charge.dispute.closed`. Freezes are counted per dispute: an
 * open or lost dispute keeps the fan frozen (cannot spend), and a won one unfreezes them only
 * when no other dispute of theirs is open or lost. A lost dispute takes back the disputed
 * share like a refund (credits, or pass time) and freezes the fan even when it arrives before
 * its `created` event. A dispute about a charge premiumbot never made is noted, not retried.
 */
import { ledgerKeys } from '../../ledger.js';
import type { DisputeFacts } from '../events.js';
import type { PaymentRecord } from '../ports.js';
import { creditsBetween, nextDisputeStatus } from '../rules.js';
import { RetryLaterError } from '../retry-later.js';
import { teamTexts, type MoneyView } from '../texts.js';
import { alertOwners, fanLabel, noteTopic, type HandlerContext, type Render } from './context.js';
import { noteForeignCharge } from './foreign.js';
import { revokePassTime } from './pass-revoke.js';

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
  const fan = await fanLabel(ctx, fanId);
  const text: Render = (t) => teamTexts.disputeOpened(t, fan, disputed(d), d.reason);
  noteTopic(ctx, fanId, `dispute:${d.disputeId}:open`, text);
  alertOwners(ctx, `dispute:${d.disputeId}:open`, text);
}

/** Records the dispute's end: won unfreezes (per dispute), lost takes the disputed share back. */
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
  const stillFrozen = await ctx.store.hasOtherFreezingDispute(fanId, row.id, ctx.tx);
  if (wasOpen && !stillFrozen) await ctx.store.setFrozen(fanId, false, ctx.tx);
  const fan = await fanLabel(ctx, fanId);
  return (t) => teamTexts.disputeWon(t, fan, disputed(d), !stillFrozen);
}

async function disputeLost<Tx>(
  ctx: HandlerContext<Tx>,
  row: PaymentRecord,
  d: DisputeFacts,
): Promise<Render> {
  const fanId = row.fanId;
  // Lost before its `created` event was applied: the fan was never frozen for it.
  await ctx.store.setFrozen(fanId, true, ctx.tx);
  const granted = row.secondsGranted > 0 ? row.secondsGranted : row.creditsGranted;
  const units = creditsBetween(
    granted,
    row.amountPaidCents,
    row.amountRefundedCents,
    Math.min(row.amountPaidCents, row.amountRefundedCents + d.amount),
  );
  let credits = 0;
  if (units > 0 && row.secondsGranted > 0) {
    const source = { id: d.disputeId, reference: d.chargeId, money: disputed(d) };
    await revokePassTime(ctx, fanId, units, source);
  } else if (units > 0) {
    credits = units;
    await ctx.ledger.refundCredits(
      fanId,
      credits,
      ledgerKeys.refund(d.disputeId),
      { reference: d.chargeId, note: 'dispute lost' },
      ctx.tx,
    );
  }
  await ctx.store.refreshSpend(fanId, ctx.thresholds, ctx.tx);
  const fan = await fanLabel(ctx, fanId);
  return (t) => teamTexts.disputeLost(t, fan, disputed(d), credits);
}

/** The disputed amount, as the notes show it. */
function disputed(d: DisputeFacts): MoneyView {
  return { amountCents: d.amount, currency: d.currency };
}

/**
 * The disputed payment, locked. Missing: retried later when the charge is ours (or could
 * not be read), noted for the team when premiumbot never made it.
 */
async function disputedPayment<Tx>(
  ctx: HandlerContext<Tx>,
  d: DisputeFacts,
): Promise<PaymentRecord | null> {
  const row = d.paymentIntentId
    ? await ctx.store.lockExisting(ctx.tx, { paymentIntentId: d.paymentIntentId })
    : null;
  if (row) return row;
  if (d.purchase === null || !d.paymentIntentId) {
    noteForeignCharge(ctx, 'dispute', d.chargeId, d.amount, d.currency);
    return null;
  }
  // Ours, or not known: the payment's events may still be on their way.
  throw new RetryLaterError(
    `Dispute ${d.disputeId} is about payment ${d.paymentIntentId}, not recorded yet`,
  );
}
