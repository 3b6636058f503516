/**
 * Jobs that end without delivery, as one use case. The outbox worker decides *that* a job
 * ended (failed, dead, dropped, blocked, uncertain); this decides what follows
 * (`followUpUndelivered`, pure) and records it in the transaction that closes the jobs: a
 * paid fan relay that certainly did not arrive gives its credits back
 * (`relay_refund:<spend key>`, so a retry or a second worker never refunds twice) and the fan
 * is told once; a relay that may have arrived is shown in the fan's topic with a Resend
 * button for the team. An album closed by one call gets one notice for all its credits.
 */
import type { InlineKeyboard } from '../keyboards.js';
import { ledgerKeys } from '../ledger.js';
import type { Translate } from '../templates.js';
import { followUpUndelivered } from '../traffic/delivery-policy.js';
import { PRIORITY, type NewOutboxJob, type OutboxJob } from '../traffic/outbox.js';
import { fanNotice } from './notices.js';
import type { UndeliveredClose, UndeliveredDeps, UndeliveredTransaction } from './ports.js';

export type { UndeliveredClose } from './ports.js';

/** What closing them did. */
export interface UndeliveredResult {
  /** Credits given back per fan (only what moved this time). */
  refunded: Map<number, number>;
  /** Jobs offered to the team for a resend. */
  offered: number;
}

/** Callback data of the Resend button: the first and last job of the uncertain call. */
export function resendCallback(fromJobId: number, toJobId: number): string {
  return `resend:${fromJobId}:${toJobId}`;
}

/** The job range a Resend button names, or null for other callback data. */
export function parseResendCallback(data: string): { fromJobId: number; toJobId: number } | null {
  const match = /^resend:(\d+):(\d+)$/.exec(data);
  if (!match) return null;
  const fromJobId = Number(match[1]);
  const toJobId = Number(match[2]);
  if (!Number.isSafeInteger(fromJobId) || !Number.isSafeInteger(toJobId) || toJobId < fromJobId)
    return null;
  return { fromJobId, toJobId };
}

/** Gives back every spend of `jobs` (each spend once); the credits returned now per fan. */
async function refundSpends(
  tx: UndeliveredTransaction,
  jobs: readonly OutboxJob[],
): Promise<Map<number, { credits: number; firstKey: string }>> {
  const byFan = new Map<number, { credits: number; firstKey: string }>();
  const keys = new Set<string>();
  for (const job of jobs) if (job.spendKey !== null) keys.add(job.spendKey);
  for (const spendKey of keys) {
    const back = await tx.returnSpend(spendKey, ledgerKeys.relayRefund(spendKey));
    if (!back || back.duplicate || back.credits <= 0) continue;
    const sum = byFan.get(back.fanId) ?? { credits: 0, firstKey: spendKey };
    sum.credits += back.credits;
    byFan.set(back.fanId, sum);
  }
  return byFan;
}

/** The topic notice offering the team to resend an uncertain call's relays. */
function resendOffer(
  jobs: readonly OutboxJob[],
  adminChatId: number,
  t: Translate,
): NewOutboxJob | null {
  const head = jobs[0];
  if (!head || head.target.type !== 'topic') return null;
  const fanId = head.target.fanId;
  const from = Math.min(...jobs.map((j) => j.id));
  const to = Math.max(...jobs.map((j) => j.id));
  const keyboard: InlineKeyboard = {
    inline_keyboard: [
      [{ text: t('relay.resend_button'), callback_data: resendCallback(from, to) }],
    ],
  };
  return {
    kind: 'notice.topic',
    target: { type: 'topic', chatId: adminChatId, fanId },
    method: 'sendMessage',
    params: { text: t('relay.uncertain', { count: jobs.length }), reply_markup: keyboard },
    priority: PRIORITY.teamAnswer,
    fanId,
    dedupeKey: `resend_offer:${from}:${to}`,
  };
}

/** Builds `closeUndelivered(jobs, close)`: closes the jobs and records their follow-ups. */
export function createUndeliveredHandler(
  deps: UndeliveredDeps,
): (jobs: readonly OutboxJob[], close: UndeliveredClose) => Promise<UndeliveredResult> {
  return async function closeUndelivered(jobs, close) {
    const toRefund = jobs.filter((j) => followUpUndelivered(j, close.outcome) === 'refund');
    const toOffer = jobs.filter((j) => followUpUndelivered(j, close.outcome) === 'offer_resend');
    const result = await deps.store.inTransaction(async (tx) => {
      await tx.finish(
        jobs.map((j) => j.id),
        close,
      );
      const notices: NewOutboxJob[] = [];
      const refunds = await refundSpends(tx, toRefund);
      for (const [fanId, { credits, firstKey }] of refunds) {
        const t = deps.templates.forLanguage(await tx.languageOf(fanId));
        notices.push(
          fanNotice(fanId, t('relay.refunded', { credits }), {
            dedupeKey: ledgerKeys.relayRefund(firstKey),
            priority: PRIORITY.payment,
          }),
        );
      }
      const offer = resendOffer(
        toOffer,
        deps.adminChatId,
        deps.templates.forLanguage(deps.adminLanguage),
      );
      if (offer) notices.push(offer);
      if (notices.length > 0) await tx.enqueue(notices);
      const refunded = new Map([...refunds].map(([fanId, r]) => [fanId, r.credits]));
      return { refunded, offered: offer ? toOffer.length : 0 };
    });
    if (result.refunded.size > 0 || result.offered > 0) deps.wake();
    for (const fanId of result.refunded.keys()) deps.cards?.request(fanId);
    return result;
  };
}
