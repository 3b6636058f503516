/**
 * Applies Stripe events exactly once. Each event is recorded and its effects applied in ONE
 * database transaction: the ledger movement, the `transactions` row, the tier, and the
 * receipts and notes persisted in the outbox. A failed handler rolls everything back, so the
 * event stays unprocessed and Stripe's retry applies it. Fulfilment is keyed on the Checkout
 * Session or PaymentIntent id (the ledger key and the locked payment row), so two events
 * about one payment grant once whatever their order.
 */
import { describeAmount } from '../catalog.js';
import { ErrorCodes, PremiumbotError } from '../errors.js';
import { ledgerKeys, type Balance, type LedgerStore } from '../ledger.js';
import type { Logger } from '../logger.js';
import type { TierThresholds } from '../tiers.js';
import { PRIORITY, type NewOutboxJob } from '../traffic/outbox.js';
import type {
  ChargeFacts,
  CheckoutSessionFacts,
  DisputeFacts,
  PaymentEvent,
  PaymentIntentFacts,
  PaymentMethodFacts,
  PurchaseMetadata,
  ReceivedEvent,
} from './events.js';
import type { NewPayment, PaymentRecord, PaymentSettings, PaymentStore } from './ports.js';
import {
  creditsForRefundedAmount,
  declineReason,
  isFulfilled,
  nextDisputeStatus,
  refundShares,
  statusAfterRefund,
  type RefundShare,
} from './rules.js';
import { paymentTexts, type PurchaseView } from './texts.js';

/**
 * The event depends on another one not applied yet (a refund of a payment not yet recorded):
 * the webhook answers 5xx and Stripe's retry applies it later.
 */
export class RetryLaterError extends PremiumbotError {
  constructor(message: string) {
    super(ErrorCodes.stripe, message, { details: { retry: true } });
    this.name = 'RetryLaterError';
  }
}

export type ProcessResult = 'processed' | 'duplicate';

export interface PaymentProcessorDeps<Tx> {
  store: PaymentStore<Tx>;
  ledger: LedgerStore<Tx>;
  settings: PaymentSettings;
  /** The admin group (sale notes go to the fan's topic); without it, topic notes are skipped. */
  adminChatId?: number;
  /** Owners get dispute alerts in private. */
  ownerIds: readonly number[];
  logger: Logger;
}

interface Context<Tx> {
  tx: Tx;
  jobs: NewOutboxJob[];
  thresholds: TierThresholds;
  receipts: boolean;
  maxFailures: number;
}

export interface PaymentProcessor {
  /** Records and applies one event; throws (nothing applied) when its handler fails. */
  process(received: ReceivedEvent): Promise<ProcessResult>;
}

function purchaseView(p: PurchaseMetadata, amountCents: number, currency: string): PurchaseView {
  return {
    label: p.productLabel ?? describeAmount(p.productType, p.productAmount),
    type: p.productType,
    amount: p.productAmount,
    amountCents,
    currency,
  };
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.slice(0, 1000);
}

/** Builds the processor over its ports. */
export function createPaymentProcessor<Tx>(deps: PaymentProcessorDeps<Tx>): PaymentProcessor {
  const { store, ledger } = deps;

  const fanJob = (fanId: number, dedupeKey: string, text: string): NewOutboxJob => ({
    kind: 'notice.payment',
    target: { type: 'chat', chatId: fanId },
    method: 'sendMessage',
    params: { text },
    priority: PRIORITY.payment,
    dedupeKey,
    fanId,
  });

  function noteTopic(ctx: Context<Tx>, fanId: number, dedupeKey: string, text: string): void {
    if (deps.adminChatId === undefined) return;
    ctx.jobs.push({
      kind: 'notice.topic',
      target: { type: 'topic', chatId: deps.adminChatId, fanId },
      method: 'sendMessage',
      params: { text },
      priority: PRIORITY.payment,
      dedupeKey,
      fanId,
    });
  }

  function alertOwners(ctx: Context<Tx>, dedupeKey: string, text: string): void {
    for (const owner of deps.ownerIds) {
      ctx.jobs.push({
        kind: 'alert',
        target: { type: 'chat', chatId: owner },
        method: 'sendMessage',
        params: { text },
        priority: PRIORITY.alert,
        dedupeKey: `${dedupeKey}:${owner}`,
      });
    }
  }

  /** The payment row of a purchase: ours by id when metadata names it, else by the Stripe id. */
  async function lockPurchase(
    ctx: Context<Tx>,
    purchase: PurchaseMetadata,
    lookup: { checkoutSessionId: string } | { paymentIntentId: string },
    currency: string,
  ): Promise<PaymentRecord> {
    await store.ensureFan(purchase.fanId, ctx.tx);
    if (purchase.paymentId !== null) {
      const own = await store.lockExisting(ctx.tx, { id: purchase.paymentId });
      if (own && own.userId === purchase.fanId) {
        const patch: Parameters<typeof store.updatePayment>[1] = {};
        if ('checkoutSessionId' in lookup && own.checkoutSessionId === null)
          patch.checkoutSessionId = lookup.checkoutSessionId;
        if ('paymentIntentId' in lookup && own.paymentIntentId === null)
          patch.paymentIntentId = lookup.paymentIntentId;
        if (Object.keys(patch).length > 0) {
          await store.updatePayment(own.id, patch, {}, ctx.tx);
          return { ...own, ...patch };
        }
        return own;
      }
    }
    const init: NewPayment = {
      userId: purchase.fanId,
      productId: purchase.productId,
      source: purchase.source,
      currency,
    };
    return store.lockPayment(ctx.tx, lookup, init);
  }

  async function fulfil(
    ctx: Context<Tx>,
    row: PaymentRecord,
    purchase: PurchaseMetadata,
    paid: {
      amountCents: number;
      currency: string;
      checkoutSessionId: string | null;
      paymentIntentId: string | null;
    },
  ): Promise<void> {
    if (isFulfilled(row.status)) return;
    const fanId = purchase.fanId;
    const reference = paid.checkoutSessionId ?? paid.paymentIntentId ?? String(row.id);
    const note = `${purchase.source}: ${purchase.productLabel ?? purchase.productType}`;
    let balance: Balance;
    let settled = 0;
    if (purchase.productType === 'credits') {
      const key = paid.checkoutSessionId
        ? ledgerKeys.grantCheckout(paid.checkoutSessionId)
        : ledgerKeys.grantPaymentIntent(paid.paymentIntentId!);
      const result = await ledger.grantCredits(
        fanId,
        purchase.productAmount,
        key,
        { reference, note },
        ctx.tx,
      );
      balance = result.balance;
      settled = result.duplicate ? 0 : result.debtSettled;
    } else {
      const key = paid.checkoutSessionId
        ? ledgerKeys.passGrantCheckout(paid.checkoutSessionId)
        : ledgerKeys.passGrantPaymentIntent(paid.paymentIntentId!);
      const result = await ledger.grantTime(
        fanId,
        purchase.productAmount,
        key,
        { reference, note },
        ctx.tx,
      );
      balance = result.balance;
    }
    await store.updatePayment(
      row.id,
      {
        status: 'paid',
        amountPaidCents: paid.amountCents,
        currency: paid.currency,
        creditsGranted: purchase.productType === 'credits' ? purchase.productAmount : 0,
        secondsGranted: purchase.productType === 'time' ? purchase.productAmount : 0,
        ...(paid.paymentIntentId && row.paymentIntentId === null
          ? { paymentIntentId: paid.paymentIntentId }
          : {}),
        failureCode: null,
      },
      {},
      ctx.tx,
    );
    const spend = await store.refreshSpend(fanId, ctx.thresholds, ctx.tx);
    const view = purchaseView(purchase, paid.amountCents, paid.currency);
    if (ctx.receipts) {
      ctx.jobs.push(
        fanJob(
          fanId,
          `receipt:${reference}`,
          paymentTexts.receipt(
            view,
            { credits: balance.credits, seconds: balance.seconds, debt: balance.debt },
            settled,
          ),
        ),
      );
    }
    noteTopic(
      ctx,
      fanId,
      `sale:${reference}`,
      paymentTexts.saleNote(view, purchase.source, spend.totalSpentCents, spend.tier),
    );
  }

  async function onCheckout(
    ctx: Context<Tx>,
    kind: 'completed' | 'succeeded' | 'failed',
    s: CheckoutSessionFacts,
  ): Promise<void> {
    const purchase = s.purchase;
    if (!purchase || purchase.source !== 'checkout') return;
    const row = await lockPurchase(ctx, purchase, { checkoutSessionId: s.sessionId }, s.currency);
    if (s.paymentIntentId && row.paymentIntentId === null) {
      await store.updatePayment(row.id, { paymentIntentId: s.paymentIntentId }, {}, ctx.tx);
      row.paymentIntentId = s.paymentIntentId;
    }
    const view = purchaseView(purchase, s.amountTotal, s.currency);
    const paid =
      kind === 'succeeded' ||
      (kind === 'completed' &&
        (s.paymentStatus === 'paid' || s.paymentStatus === 'no_payment_required'));
    if (paid) {
      await fulfil(ctx, row, purchase, {
        amountCents: s.amountTotal,
        currency: s.currency,
        checkoutSessionId: s.sessionId,
        paymentIntentId: s.paymentIntentId,
      });
      return;
    }
    if (isFulfilled(row.status) || row.status === 'failed') return;
    if (kind === 'completed') {
      ctx.jobs.push(
        fanJob(purchase.fanId, `processing:${s.sessionId}`, paymentTexts.paymentProcessing(view)),
      );
      return;
    }
    await store.updatePayment(row.id, { status: 'failed' }, {}, ctx.tx);
    ctx.jobs.push(fanJob(purchase.fanId, `failed:${s.sessionId}`, paymentTexts.asyncFailed(view)));
  }

  async function onIntentSucceeded(ctx: Context<Tx>, pi: PaymentIntentFacts): Promise<void> {
    const purchase = pi.purchase;
    // Checkout's own PaymentIntents are fulfilled from the Checkout events.
    if (!purchase || purchase.source === 'checkout') return;
    const row = await lockPurchase(
      ctx,
      purchase,
      { paymentIntentId: pi.paymentIntentId },
      pi.currency,
    );
    await fulfil(ctx, row, purchase, {
      amountCents: pi.amountReceived || pi.amount,
      currency: pi.currency,
      checkoutSessionId: null,
      paymentIntentId: pi.paymentIntentId,
    });
    if (pi.chargeId && row.chargeId === null)
      await store.updatePayment(row.id, { chargeId: pi.chargeId }, {}, ctx.tx);
    if (purchase.source === 'auto_recharge') {
      const attempt = await attemptOf(ctx, purchase, pi.paymentIntentId);
      if (attempt && attempt.status !== 'succeeded') {
        await store.updateAttempt(
          attempt.id,
          { status: 'succeeded', paymentIntentId: pi.paymentIntentId, failureCode: null },
          ctx.tx,
        );
      }
      await store.setAutoRecharge(purchase.fanId, { consecutiveFailures: 0 }, ctx.tx);
    }
  }

  function attemptOf(ctx: Context<Tx>, purchase: PurchaseMetadata, paymentIntentId: string) {
    return purchase.attemptId !== null
      ? store.findAttempt({ id: purchase.attemptId }, ctx.tx)
      : store.findAttempt({ paymentIntentId }, ctx.tx);
  }

  async function onIntentFailed(ctx: Context<Tx>, pi: PaymentIntentFacts): Promise<void> {
    const purchase = pi.purchase;
    // A decline on the Checkout page is shown to the fan there; the session stays open.
    if (!purchase || purchase.source === 'checkout') return;
    const row = await lockPurchase(
      ctx,
      purchase,
      { paymentIntentId: pi.paymentIntentId },
      pi.currency,
    );
    if (isFulfilled(row.status) || row.status === 'failed') return;
    const failure = pi.failure ?? { code: null, declineCode: null, message: null };
    const code = failure.declineCode ?? failure.code;
    await store.updatePayment(row.id, { status: 'failed', failureCode: code }, {}, ctx.tx);
    const view = purchaseView(purchase, pi.amount, pi.currency);
    const needsAuth =
      failure.code === 'authentication_required' ||
      failure.declineCode === 'authentication_required';
    // For an authentication need, the charger sends a link to complete the payment on-session.
    if (!needsAuth) {
      ctx.jobs.push(
        fanJob(
          purchase.fanId,
          `payfail:${pi.paymentIntentId}`,
          paymentTexts.chargeDeclined(view, declineReason(failure)),
        ),
      );
    }
    if (purchase.source !== 'auto_recharge') return;
    const attempt = await attemptOf(ctx, purchase, pi.paymentIntentId);
    if (attempt) {
      await store.updateAttempt(
        attempt.id,
        {
          status: needsAuth ? 'requires_action' : 'failed',
          paymentIntentId: pi.paymentIntentId,
          failureCode: code,
        },
        ctx.tx,
      );
    }
    const fan = await store.fan(purchase.fanId, ctx.tx);
    if (!fan) return;
    const failures = fan.autoRecharge.consecutiveFailures + 1;
    if (failures >= ctx.maxFailures && fan.autoRecharge.enabled) {
      await store.setAutoRecharge(
        purchase.fanId,
        { consecutiveFailures: failures, enabled: false },
        ctx.tx,
      );
      ctx.jobs.push(
        fanJob(
          purchase.fanId,
          `recharge_off:${pi.paymentIntentId}`,
          paymentTexts.rechargeDisabled(failures),
        ),
      );
      const text = paymentTexts.rechargeDisabledAdmin(purchase.fanId, failures);
      noteTopic(ctx, purchase.fanId, `recharge_off:${pi.paymentIntentId}:topic`, text);
      alertOwners(ctx, `recharge_off:${pi.paymentIntentId}`, text);
    } else {
      await store.setAutoRecharge(purchase.fanId, { consecutiveFailures: failures }, ctx.tx);
    }
  }

  async function onCardAttached(ctx: Context<Tx>, pm: PaymentMethodFacts): Promise<void> {
    if (!pm.customerId) return;
    const fanId = await store.fanByCustomer(pm.customerId, ctx.tx);
    if (fanId === null) return;
    await store.setSavedCard(
      fanId,
      { paymentMethodId: pm.paymentMethodId, brand: pm.brand, last4: pm.last4 },
      ctx.tx,
    );
    ctx.jobs.push(
      fanJob(fanId, `card:${pm.paymentMethodId}`, paymentTexts.cardSaved(pm.brand, pm.last4)),
    );
  }

  async function onRefund(ctx: Context<Tx>, charge: ChargeFacts): Promise<void> {
    const row = charge.paymentIntentId
      ? await store.lockExisting(ctx.tx, { paymentIntentId: charge.paymentIntentId })
      : null;
    if (!row || !isFulfilled(row.status)) {
      if (charge.purchase) {
        throw new RetryLaterError(
          `Refund of charge ${charge.chargeId} arrived before its payment was recorded`,
        );
      }
      return;
    }
    const fanId = row.userId;
    const shares = charge.refunds
      ? refundShares(row.creditsGranted, row.amountPaidCents, charge.refunds)
      : cumulativeShare(row, charge);
    for (const share of shares) {
      let removed = 0;
      let addedDebt = 0;
      let balance: Balance | null = null;
      let fresh = true;
      if (share.credits > 0) {
        const result = await ledger.refundCredits(
          fanId,
          share.credits,
          ledgerKeys.refund(share.refundId),
          { reference: charge.chargeId, note: `refund of ${charge.currency} ${share.amount}` },
          ctx.tx,
        );
        fresh = !result.duplicate;
        removed = result.removed;
        addedDebt = result.addedDebt;
        balance = result.balance;
      }
      if (!fresh) continue;
      const current = balance ?? (await ledger.balance(fanId, ctx.tx));
      ctx.jobs.push(
        fanJob(
          fanId,
          `refund:${share.refundId}`,
          paymentTexts.refund(
            share.amount,
            charge.currency,
            share.credits,
            { credits: current.credits, seconds: current.seconds, debt: current.debt },
            addedDebt,
          ),
        ),
      );
      noteTopic(
        ctx,
        fanId,
        `refund:${share.refundId}:topic`,
        paymentTexts.refundNote(share.amount, charge.currency, removed, addedDebt),
      );
    }
    const refunded = Math.max(row.amountRefundedCents, charge.amountRefunded);
    await store.updatePayment(
      row.id,
      {
        amountRefundedCents: refunded,
        status: statusAfterRefund(row.amountPaidCents, refunded),
        chargeId: charge.chargeId,
      },
      {},
      ctx.tx,
    );
    await store.refreshSpend(fanId, ctx.thresholds, ctx.tx);
  }

  /** Without a refund list: what the cumulative refunded amount adds since the last one applied. */
  function cumulativeShare(row: PaymentRecord, charge: ChargeFacts): RefundShare[] {
    if (charge.amountRefunded <= row.amountRefundedCents) return [];
    const before = creditsForRefundedAmount(
      row.creditsGranted,
      row.amountPaidCents,
      row.amountRefundedCents,
    );
    const after = creditsForRefundedAmount(
      row.creditsGranted,
      row.amountPaidCents,
      charge.amountRefunded,
    );
    return [
      {
        refundId: `${charge.chargeId}-${charge.amountRefunded}`,
        amount: charge.amountRefunded - row.amountRefundedCents,
        credits: after - before,
      },
    ];
  }

  async function disputedPayment(ctx: Context<Tx>, d: DisputeFacts): Promise<PaymentRecord | null> {
    const row = d.paymentIntentId
      ? await store.lockExisting(ctx.tx, { paymentIntentId: d.paymentIntentId })
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

  async function onDisputeCreated(ctx: Context<Tx>, d: DisputeFacts): Promise<void> {
    const row = await disputedPayment(ctx, d);
    if (!row || row.disputeStatus !== null) return;
    const status = nextDisputeStatus(null, d.status);
    await store.updatePayment(
      row.id,
      { disputeId: d.disputeId, disputeStatus: status },
      {},
      ctx.tx,
    );
    if (status !== 'open') return;
    await store.setFrozen(row.userId, true, ctx.tx);
    const text = paymentTexts.disputeOpened(row.userId, d.amount, d.currency, d.reason);
    noteTopic(ctx, row.userId, `dispute:${d.disputeId}:open`, text);
    alertOwners(ctx, `dispute:${d.disputeId}:open`, text);
  }

  async function onDisputeClosed(ctx: Context<Tx>, d: DisputeFacts): Promise<void> {
    const row = await disputedPayment(ctx, d);
    if (!row || row.disputeStatus === 'won' || row.disputeStatus === 'lost') return;
    const status = nextDisputeStatus(row.disputeStatus, d.status);
    if (status === 'open') return;
    await store.updatePayment(
      row.id,
      { disputeId: d.disputeId, disputeStatus: status },
      {},
      ctx.tx,
    );
    const wasOpen = row.disputeStatus === 'open';
    let text: string;
    if (status === 'won') {
      const otherOpen = await store.hasOtherOpenDispute(row.userId, row.id, ctx.tx);
      if (wasOpen && !otherOpen) await store.setFrozen(row.userId, false, ctx.tx);
      text = paymentTexts.disputeWon(row.userId, d.amount, d.currency, !otherOpen);
    } else {
      const before = creditsForRefundedAmount(
        row.creditsGranted,
        row.amountPaidCents,
        row.amountRefundedCents,
      );
      const after = creditsForRefundedAmount(
        row.creditsGranted,
        row.amountPaidCents,
        Math.min(row.amountPaidCents, row.amountRefundedCents + d.amount),
      );
      const credits = after - before;
      if (credits > 0) {
        await ledger.refundCredits(
          row.userId,
          credits,
          ledgerKeys.refund(d.disputeId),
          { reference: d.chargeId, note: 'dispute lost' },
          ctx.tx,
        );
      }
      await store.refreshSpend(row.userId, ctx.thresholds, ctx.tx);
      text = paymentTexts.disputeLost(row.userId, d.amount, d.currency, credits);
    }
    noteTopic(ctx, row.userId, `dispute:${d.disputeId}:closed`, text);
    alertOwners(ctx, `dispute:${d.disputeId}:closed`, text);
  }

  async function apply(ctx: Context<Tx>, event: PaymentEvent): Promise<void> {
    switch (event.kind) {
      case 'checkout.completed':
        return onCheckout(ctx, 'completed', event.session);
      case 'checkout.async_succeeded':
        return onCheckout(ctx, 'succeeded', event.session);
      case 'checkout.async_failed':
        return onCheckout(ctx, 'failed', event.session);
      case 'intent.succeeded':
        return onIntentSucceeded(ctx, event.intent);
      case 'intent.failed':
        return onIntentFailed(ctx, event.intent);
      case 'card.attached':
        return onCardAttached(ctx, event.method);
      case 'charge.refunded':
        return onRefund(ctx, event.charge);
      case 'dispute.created':
        return onDisputeCreated(ctx, event.dispute);
      case 'dispute.closed':
        return onDisputeClosed(ctx, event.dispute);
    }
  }

  return {
    async process(received) {
      const envelope = { id: received.id, type: received.type, objectId: received.objectId };
      // Fast path for redeliveries: no transaction, one indexed read. The claim inside the
      // transaction below stays the real guard.
      if (await store.isEventProcessed(received.id)) return 'duplicate';
      // Settings are read before the transaction: SQLite has a single connection.
      const [thresholds, receipts, maxFailures] = await Promise.all([
        deps.settings.tierThresholds(),
        deps.settings.receiptsEnabled(),
        deps.settings.maxRechargeFailures(),
      ]);
      try {
        return await store.transaction(async (tx) => {
          if (!(await store.claimEvent(tx, envelope))) return 'duplicate' as const;
          const ctx: Context<Tx> = { tx, jobs: [], thresholds, receipts, maxFailures };
          if (received.event) await apply(ctx, received.event);
          if (ctx.jobs.length > 0) await store.enqueue(ctx.jobs, tx);
          return 'processed' as const;
        });
      } catch (err) {
        await store.recordEventFailure(envelope, errorText(err)).catch((recordErr: unknown) => {
          deps.logger.error({ err: recordErr, event: received.id }, 'could not record a failure');
        });
        throw err;
      }
    },
  };
}
