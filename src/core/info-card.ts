/**
 * The pinned user info card of a fan's topic: who the fan is and where they stand, with
 * quick actions for the team. The text is built with entities (fan names stay literal).
 */
import { TextBuilder, type FormattedText } from './formatted-text.js';
import type { FanAccount } from './fan-account.js';
import { formatMoney } from './money.js';
import { passState } from './passes.js';
import type { Translate } from './templates.js';
import { formatDateTime, formatMoment } from './time-format.js';

/** `1 h 5 min`, `42 min`, `30 s` (rounded to the minute above one minute). */
export function formatDuration(seconds: number): string {
  // Whole minutes once above a minute: "4 min" rather than "3 min 59 s" a moment later.
  const s = seconds >= 60 ? Math.round(seconds / 60) * 60 : Math.max(0, Math.round(seconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const parts: string[] = [];
  if (days > 0) parts.push(`${days} d`);
  if (hours > 0) parts.push(`${hours} h`);
  if (minutes > 0) parts.push(`${minutes} min`);
  if (parts.length === 0) parts.push(`${s % 60} s`);
  return parts.join(' ');
}

/** `2026-11-26 14:05 UTC`: for logs and operators; readers get `formatDateTime` (time-format.ts). */
export function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The fan's display name: first and last name, or `Fan <id>`. */
export function displayName(account: Pick<FanAccount, 'fanId' | 'firstName' | 'lastName'>): string {
  const name = [account.firstName, account.lastName].filter(Boolean).join(' ').trim();
  return name || `Fan ${account.fanId}`;
}

/**
 * A one-line description of the fan's pass (running, banked or none); its end in the
 * reader's language (`t.locale`) and `timeZone`.
 */
export function describePass(
  account: FanAccount,
  now: Date,
  t: Translate,
  timeZone?: string,
): string {
  const state = passState({ startedAt: account.passStartedAt, endsAt: account.passEndsAt }, now, 0);
  const running =
    state.status === 'active' || state.status === 'ending_soon'
      ? t('pass.running', {
          ends: formatMoment(state.endsAt!, now, { locale: t.locale, timeZone }),
          left: formatDuration(state.remainingSeconds),
        })
      : '';
  const banked =
    account.bankedSeconds > 0
      ? t('pass.banked', { time: formatDuration(account.bankedSeconds) })
      : '';
  return [running, banked].filter(Boolean).join('; ') || t('pass.none');
}

export interface CardOptions {
  now: Date;
  currency: string;
  /** `display.time_zone` (default UTC). */
  timeZone?: string;
  /** The team member who holds the fan (absent or null: nobody, no line). */
  claimedBy?: string | null;
  /** The fan's latest purchase, already described (absent or null: none, no line). */
  latestPurchase?: string | null;
}

/**
 * The card's text: name, @username, id, tier, balance, pass, total spent, latest purchase,
 * first seen.
 */
export function renderCard(account: FanAccount, t: Translate, options: CardOptions): FormattedText {
  const b = new TextBuilder();
  b.plain('👤 ').bold(displayName(account)).newline();
  if (account.username) b.plain(`@${account.username}`).plain(' · ');
  b.plain(t('card.id', { id: account.fanId })).newline();
  const line = (label: string, value: string) => b.bold(`${label}: `).plain(value).newline();
  line(t('card.tier'), t(`tier.${account.tier}`));
  line(t('card.balance'), t('card.credits', { credits: account.credits }));
  line(t('card.pass'), describePass(account, options.now, t, options.timeZone));
  line(t('card.total_spent'), formatMoney(account.totalSpentCents, options.currency, t.locale));
  if (options.latestPurchase) line(t('capacity.card.latest_purchase'), options.latestPurchase);
  const display = { locale: t.locale, timeZone: options.timeZone };
  line(t('card.first_seen'), formatDateTime(account.firstSeen, display));
  if (options.claimedBy) line(t('team.card_claimed'), `🔒 ${options.claimedBy}`);
  const flags = [
    account.banned ? t('card.flag_banned') : '',
    account.blocked ? t('card.flag_blocked') : '',
    account.frozen ? t('card.flag_frozen') : '',
  ].filter(Boolean);
  if (flags.length > 0) line(t('card.status'), flags.join(', '));
  const built = b.build();
  return { text: built.text.trimEnd(), entities: built.entities };
}

/** The quick actions of a card, as callback data (at most 64 bytes). */
export type CardAction =
  | { action: 'info'; fanId: number }
  | { action: 'gift_menu'; fanId: number }
  /** `menu`: the callback query that opened the gift menu (null on buttons made before it was carried). */
  | { action: 'gift'; fanId: number; amount: number; menu: string | null }
  | { action: 'back'; fanId: number }
  | { action: 'ban'; fanId: number }
  | { action: 'unban'; fanId: number }
  | { action: 'unfreeze'; fanId: number };

/** Callback data for a card action. */
export function cardCallback(action: CardAction): string {
  switch (action.action) {
    case 'gift':
      return `card:gift:${action.fanId}:${action.amount}${action.menu ? `:${action.menu}` : ''}`;
    case 'gift_menu':
      return `card:giftmenu:${action.fanId}`;
    default:
      return `card:${action.action}:${action.fanId}`;
  }
}

/** Parses callback data made by cardCallback (null for anything else). */
export function parseCardCallback(data: string): CardAction | null {
  const match =
    /^card:(info|giftmenu|gift|back|ban|unban|unfreeze):(\d{1,16})(?::(\d{1,9}))?(?::(\d{1,24}))?$/.exec(
      data,
    );
  if (!match) return null;
  const menu = match[4] ?? null;
  if (menu !== null && match[1] !== 'gift') return null;
  const fanId = Number(match[2]);
  if (!Number.isSafeInteger(fanId)) return null;
  const amount = match[3] === undefined ? undefined : Number(match[3]);
  switch (match[1]) {
    case 'gift':
      return amount === undefined || amount <= 0 ? null : { action: 'gift', fanId, amount, menu };
    case 'giftmenu':
      return amount === undefined ? { action: 'gift_menu', fanId } : null;
    default:
      return amount === undefined ? ({ action: match[1], fanId } as CardAction) : null;
  }
}
