/**
 * Lost sales: a fan who writes without enough credits is not relayed, but the team sees
 * it — one line per fan per window (`lost_sales.window_minutes`), "Maya (@maya, id 42) tried
 * to write 3 times with no credits", with the card's 🎁 Gift credits button. The line goes
 * to the fan's topic when they have one (they paid before), else to the Alerts topic (a fan
 * who never paid has no topic), at background priority: it spends the group's budget once
 * per burst and is edited in place, never reposted, when the fan tries again in the window.
 *
 * The fan message use case reports each refused message after its commit (`attempted`);
 * attempts are stored keyed by message (a redelivered update counts once), so the count
 * survives a restart and is the same for every instance.
 */
import type { FanAccount } from '../fan-account.js';
import { cardCallback, displayName } from '../info-card.js';
import type { InlineKeyboard } from '../keyboards.js';
import type { Translate } from '../templates.js';
import { PRIORITY, type NewOutboxJob, type OutboxStatus } from '../traffic/outbox.js';

/** A message the fan could not pay for. */
export interface LostSaleAttempt {
  fanId: number;
  messageId: number;
  at: Date;
}

/** Told by the fan message use case after each refused message (never waits). */
export interface LostSalesPort {
  attempted(attempt: LostSaleAttempt): void;
}

/** The persisted attempts and lines (adapters/db/lost-sales-store.ts). */
export interface LostSalesStore {
  /** Stores an attempt once per message; drops the fan's attempts older than `pruneBefore`. */
  record(attempt: LostSaleAttempt, pruneBefore: Date): Promise<void>;
  /** How many attempts the fan made in [from, to). */
  count(fanId: number, from: Date, to: Date): Promise<number>;
  /** The window's line: the outbox job that posts it and the count it shows. */
  line(fanId: number, windowStart: Date): Promise<{ jobId: number; shown: number } | null>;
  /** Remembers the window's line (the first instance to save it wins). */
  saveLine(fanId: number, windowStart: Date, jobId: number, shown: number): Promise<void>;
  /** Raises the count shown to `count` if it was lower; false when another edit got there. */
  raiseShown(fanId: number, windowStart: Date, count: number): Promise<boolean>;
}

export interface LostSalesDeps {
  store: LostSalesStore;
  outbox: {
    enqueue(jobs: readonly NewOutboxJob[]): Promise<number[]>;
    get(id: number): Promise<{ status: OutboxStatus; sentMessageId: number | null } | null>;
  };
  accounts: { get(fanId: number): Promise<FanAccount | null> };
  /** `lost_sales.window_minutes` (0: off). */
  windowMinutes: () => Promise<number>;
  /** The team's translator (admin language). */
  t: Translate;
  adminChatId: number;
}

/** What a flush did: `wait` means the line is still queued, try again later. */
export type LostSaleFlush = 'off' | 'posted' | 'edited' | 'unchanged' | 'wait';

/** The start of the window `at` falls in (fixed windows, the same on every instance). */
export function lostSaleWindow(at: Date, minutes: number): { start: Date; end: Date } {
  const size = minutes * 60_000;
  const start = Math.floor(at.getTime() / size) * size;
  return { start: new Date(start), end: new Date(start + size) };
}

/** The line's text: who, how often, with how many credits. */
export function lostSaleText(account: FanAccount, attempts: number, t: Translate): string {
  const name = displayName(account);
  const fan = account.username
    ? t('lost_sale.fan', { name, username: account.username, id: account.fanId })
    : t('lost_sale.fan_plain', { name, id: account.fanId });
  return t('lost_sale.line', { fan, count: attempts, credits: account.credits });
}

/** The card's 🎁 Gift credits button (card-actions opens the preset amounts on this line). */
export function lostSaleKeyboard(fanId: number, t: Translate): InlineKeyboard {
  return {
    inline_keyboard: [
      [
        {
          text: t('card.button_gift'),
          callback_data: cardCallback({ action: 'gift_menu', fanId }),
        },
      ],
    ],
  };
}

function lineKey(fanId: number, windowStart: Date): string {
  return `lost_sale:${fanId}:${windowStart.getTime()}`;
}

/** The job that posts the window's line: in the fan's topic if any, else the Alerts topic. */
function postJob(deps: LostSalesDeps, account: FanAccount, attempts: number, start: Date) {
  const params = {
    text: lostSaleText(account, attempts, deps.t),
    reply_markup: lostSaleKeyboard(account.fanId, deps.t),
    disable_notification: true,
  };
  const job: NewOutboxJob = account.topic
    ? {
        kind: 'notice.topic',
        target: { type: 'topic', chatId: account.topic.chatId, fanId: account.fanId },
        method: 'sendMessage',
        params,
        priority: PRIORITY.background,
        fanId: account.fanId,
        dedupeKey: lineKey(account.fanId, start),
      }
    : {
        // `alert` to the admin group goes to the Alerts topic (outbox/call.ts).
        kind: 'alert',
        target: { type: 'chat', chatId: deps.adminChatId },
        method: 'sendMessage',
        params,
        priority: PRIORITY.background,
        fanId: account.fanId,
        dedupeKey: lineKey(account.fanId, start),
      };
  return job;
}

/** The edit of a posted line to a new count (one job per count, whoever asks). */
function editJob(deps: LostSalesDeps, account: FanAccount, attempts: number, start: Date) {
  const job: NewOutboxJob = {
    kind: 'lost_sale.edit',
    // Where the line is: the fan's topic's group (overflow groups), else the main one.
    target: { type: 'chat', chatId: account.topic?.chatId ?? deps.adminChatId },
    method: 'editMessageText',
    params: {
      text: lostSaleText(account, attempts, deps.t),
      reply_markup: lostSaleKeyboard(account.fanId, deps.t),
    },
    priority: PRIORITY.background,
    fanId: account.fanId,
    dedupeKey: `${lineKey(account.fanId, start)}:${attempts}`,
  };
  return job;
}

/** Records an attempt (idempotent per message). */
export async function recordLostSale(
  deps: Pick<LostSalesDeps, 'store' | 'windowMinutes'>,
  attempt: LostSaleAttempt,
): Promise<void> {
  const minutes = await deps.windowMinutes();
  if (minutes <= 0) return;
  const { start } = lostSaleWindow(attempt.at, minutes);
  await deps.store.record(attempt, new Date(start.getTime() - minutes * 60_000));
}

/**
 * Posts or edits the line of the fan's window that `at` falls in, with the stored count.
 * The line's own message id is known once the outbox sent it: until then, `wait`.
 */
export async function flushLostSale(
  deps: LostSalesDeps,
  fanId: number,
  at: Date,
): Promise<LostSaleFlush> {
  const minutes = await deps.windowMinutes();
  if (minutes <= 0) return 'off';
  const { start, end } = lostSaleWindow(at, minutes);
  const [attempts, account, line] = await Promise.all([
    deps.store.count(fanId, start, end),
    deps.accounts.get(fanId),
    deps.store.line(fanId, start),
  ]);
  if (!account || attempts === 0) return 'unchanged';
  if (!line) {
    const [jobId] = await deps.outbox.enqueue([postJob(deps, account, attempts, start)]);
    await deps.store.saveLine(fanId, start, jobId!, attempts);
    return 'posted';
  }
  if (attempts <= line.shown) return 'unchanged';
  const job = await deps.outbox.get(line.jobId);
  if (!job || job.status === 'failed' || job.status === 'dead') return 'unchanged';
  if (job.status !== 'sent' || job.sentMessageId === null) return 'wait';
  if (!(await deps.store.raiseShown(fanId, start, attempts))) return 'unchanged';
  const edit = editJob(deps, account, attempts, start);
  edit.params.message_id = job.sentMessageId;
  await deps.outbox.enqueue([edit]);
  return 'edited';
}
