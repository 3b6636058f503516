/**
 * Telegram Stars upkeep, run by the scheduler (`jobs/stars-upkeep.ts`) and by
 * `premiumbot payments reconcile`:
 *
 * 1. **Reconcile**: reads the bot's Star transactions (`getStarTransactions`) and applies,
 *    through the payment processor, every payment of ours whose `successful_payment` never
 *    reached us (an update lost, a restore from backup) and every refund we did not record —
 *    keyed on `telegram_payment_charge_id` like the updates, so nothing applies twice.
 * 2. **Lapsed subscriptions**: Telegram says nothing when a fan cancels a Star subscription
 *    or lacks the Stars for its renewal; a subscription whose paid period ended (plus a
 *    grace) with no renewal is told to the fan and noted in their topic, once.
 * 3. **Unpaid invoices**: pending Stars invoices older than a day are marked expired (a late
 *    tap on Pay is refused with "this invoice has expired").
 */
import type { Logger } from '../logger.js';
import type { ReceivedEvent } from './events.js';
import type { PaymentProcessor } from './processor.js';
import type { PaymentStore, StarsUpkeepStore } from './ports.js';
import { decodeStarsPayload, starsReceivedEvent, starsRefundEvent } from './stars.js';

/** One Star transaction of the bot, as `getStarTransactions` lists it (ours or not). */
export interface StarTransaction {
  /** The `telegram_payment_charge_id` of the payment (a refund repeats its payment's id). */
  id: string;
  amount: number;
  /** Unix seconds. */
  date: number;
  /** `in`: a fan paid the bot; `out`: Stars went back to a fan (a refund). */
  direction: 'in' | 'out';
  /** The fan (a `user` partner); null for other partners (Fragment, ads, Telegram). */
  fanId: number | null;
  /** `invoice_payment`, `paid_media_payment`…; null when Telegram gives none. */
  transactionType: string | null;
  /** The invoice payload; null for anything but an invoice payment. */
  invoicePayload: string | null;
  /** A subscription payment's period (seconds). */
  subscriptionPeriod: number | null;
}

/** Reads the bot's Star transactions, newest first (Telegram's order). */
export interface StarTransactionsSource {
  list(offset: number, limit: number): Promise<StarTransaction[]>;
}

export interface StarsUpkeepDeps {
  store: StarsUpkeepStore & Pick<PaymentStore<unknown>, 'isEventProcessed'>;
  processor: PaymentProcessor;
  /** Absent: no reconcile (no bot token, e.g. a test of the sweeps). */
  transactions?: StarTransactionsSource;
  logger: Logger;
}

/** How far back the scheduled reconcile reads (a restore or a long outage: use the command). */
export const STARS_RECONCILE_WINDOW_SECONDS = 3 * 86_400;
/** Time after a subscription's period end for its renewal to arrive before it counts as lapsed. */
export const STARS_LAPSE_GRACE_SECONDS = 3_600;
/** A Stars invoice not paid within a day is expired. */
export const STARS_INVOICE_TTL_SECONDS = 86_400;

const PAGE = 100;
const MAX_PAGES = 100;
const LAPSES_PER_RUN = 200;

export interface StarsReconcileSummary {
  listed: number;
  paid: number;
  refunded: number;
  alreadyProcessed: number;
  /** Payments that are not premiumbot invoices (paid media, another bot's payload…): left alone. */
  skipped: number;
  appliedCharges: string[];
}

/** Applies every Stars payment and refund of the window the database has not processed. */
export async function reconcileStars(
  deps: StarsUpkeepDeps,
  nowSeconds: number,
  sinceSeconds: number,
): Promise<StarsReconcileSummary> {
  const summary: StarsReconcileSummary = {
    listed: 0,
    paid: 0,
    refunded: 0,
    alreadyProcessed: 0,
    skipped: 0,
    appliedCharges: [],
  };
  if (!deps.transactions) return summary;
  const since = nowSeconds - sinceSeconds;
  const listed = await listSince(deps.transactions, since);
  summary.listed = listed.length;
  // Oldest first, payments before refunds: a refund applies to a payment recorded by then.
  const ordered = [...listed].sort(
    (a, b) => Number(a.direction === 'out') - Number(b.direction === 'out') || a.date - b.date,
  );
  for (const tx of ordered) {
    const event = eventOf(tx, nowSeconds);
    if (!event) {
      summary.skipped++;
      continue;
    }
    if (await deps.store.isEventProcessed(event.id)) {
      summary.alreadyProcessed++;
      continue;
    }
    const result = await deps.processor.process(event);
    if (result !== 'processed') {
      summary.alreadyProcessed++;
      continue;
    }
    if (tx.direction === 'in') summary.paid++;
    else summary.refunded++;
    summary.appliedCharges.push(tx.id);
    deps.logger.info({ charge: tx.id, direction: tx.direction }, 'stars transaction reconciled');
  }
  return summary;
}

/** The processor event of one of our transactions; null for anything else. */
function eventOf(tx: StarTransaction, nowSeconds: number): ReceivedEvent | null {
  if (tx.fanId === null || tx.transactionType !== 'invoice_payment') return null;
  const invoice = decodeStarsPayload(tx.invoicePayload ?? '');
  if (!invoice) return null;
  if (tx.direction === 'out') {
    return starsRefundEvent({ fanId: tx.fanId, chargeId: tx.id }, nowSeconds);
  }
  const period = tx.subscriptionPeriod;
  return starsReceivedEvent(
    {
      fanId: tx.fanId,
      chargeId: tx.id,
      stars: tx.amount,
      invoice,
      // Telegram lists the period, not the end: a payment pays the period from its date.
      subscription: period ? { expiresAt: tx.date + period, first: false } : null,
    },
    nowSeconds,
  );
}

/** The transactions from `since` on, page by page (newest first, so it stops at the first older). */
async function listSince(
  source: StarTransactionsSource,
  since: number,
): Promise<StarTransaction[]> {
  const all: StarTransaction[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const rows = await source.list(page * PAGE, PAGE);
    for (const row of rows) if (row.date >= since) all.push(row);
    if (rows.length < PAGE || rows.some((row) => row.date < since)) break;
  }
  return all;
}

export interface StarsUpkeepResult {
  reconciled: number;
  lapsed: number;
  expired: number;
}

/** One run of the upkeep: reconcile, then lapsed subscriptions, then unpaid invoices. */
export async function runStarsUpkeep(deps: StarsUpkeepDeps, now: Date): Promise<StarsUpkeepResult> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  let reconciled = 0;
  try {
    const summary = await reconcileStars(deps, nowSeconds, STARS_RECONCILE_WINDOW_SECONDS);
    reconciled = summary.paid + summary.refunded;
  } catch (err) {
    // Telegram unreachable: the sweeps still run; the next run reconciles.
    deps.logger.warn({ err }, 'stars reconcile failed');
  }
  const before = new Date((nowSeconds - STARS_LAPSE_GRACE_SECONDS) * 1000);
  let lapsed = 0;
  for (const lapse of await deps.store.lapsedStarsSubscriptions(before, LAPSES_PER_RUN)) {
    const result = await deps.processor.process({
      id: `tg_stars_lapse:${lapse.id}:${Math.floor(lapse.expiresAt.getTime() / 1000)}`,
      type: 'telegram.subscription_lapsed',
      objectId: String(lapse.id),
      created: nowSeconds,
      installId: null,
      event: { kind: 'stars.subscription_lapsed', lapse },
    });
    if (result === 'processed') lapsed++;
  }
  const expired = await deps.store.expireStarsInvoices(
    new Date((nowSeconds - STARS_INVOICE_TTL_SECONDS) * 1000),
  );
  return { reconciled, lapsed, expired };
}
