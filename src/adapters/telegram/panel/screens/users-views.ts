/**
 * What /users shows: the lists (search results, by spend, by activity, by tier) and the user
 * screen — the fan card (core/info-card.ts) plus notes, the tier set by hand and the
 * payments — with its sub-views (gift credits or pass time, tier, refund confirmation).
 * Fan names and notes are plain text with entities, never markup.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  isUserSort,
  isStarsPayment,
  lastRefundable,
  PASS_GIFT_PRESETS,
  parseUserQuery,
  refundableCents,
  type FanAdminFacts,
  type FanPayment,
  type UserListRow,
  type UserSort,
} from '../../../../core/fan-admin.js';
import type { FanAccount } from '../../../../core/fan-account.js';
import { TextBuilder, type FormattedText } from '../../../../core/formatted-text.js';
import { topicLink } from '../../../../core/inbox.js';
import { displayName, formatDuration, renderCard } from '../../../../core/info-card.js';
import { formatMoney } from '../../../../core/money.js';
import { pageLabel, pageOf } from '../../../../core/panel/paging.js';
import type { Translate } from '../../../../core/templates.js';
import { backButton, pagerRow } from '../keyboards.js';
import type { PanelButton, ScreenContext, ScreenView } from '../types.js';
import { formatWhen } from './settings-views.js';

export const USERS_SCREEN = 'users';
export const USERS_PAGE_SIZE = 10;
/** Payments listed on the user screen. */
export const PAYMENTS_SHOWN = 5;

/** Where ⬅️ Back leads (a list of /users, or /conversations). */
export interface BackTo {
  screen: string;
  state: unknown;
}

export type UsersState =
  | { view: 'list'; sort: UserSort; page: number; query?: string }
  | { view: 'user'; fanId: number; back?: BackTo }
  | { view: 'gift'; fanId: number; kind: 'credits' | 'pass'; nonce: string; back?: BackTo }
  | { view: 'tier'; fanId: number; back?: BackTo }
  | { view: 'refund'; fanId: number; paymentId: number; back?: BackTo };

export type UserView = Exclude<UsersState, { view: 'list' }>;

const SORT_LABELS: Record<UserSort, string> = {
  spend: '💰 By spend',
  activity: '🕒 By activity',
  tier: '⭐ By tier',
};

export function adminT(ctx: ScreenContext): Translate {
  return ctx.deps.fan.templates.forLanguage(ctx.deps.fan.adminLanguage);
}

/** A fresh nonce: one gift per opened gift menu (its ledger key). */
export function giftNonce(): string {
  return randomBytes(9).toString('base64url');
}

function listLine(text: TextBuilder, n: number, row: UserListRow, c: ViewContext): void {
  text.newline().plain(`${n}. `).bold(displayName(row));
  if (row.username) text.plain(` @${row.username}`);
  text.plain(` · ${row.fanId} · ${c.t(`tier.${row.tier}`)}`);
  text.plain(` · ${formatMoney(row.totalSpentCents, c.currency, 'en')}`);
  text.plain(` · ${c.t('card.credits', { credits: row.credits })}`);
}

interface ViewContext {
  t: Translate;
  currency: string;
  timeZone: string;
  now: Date;
}

type UserViewContext = ViewContext & { giftPresets: readonly number[] };

export async function viewContext(ctx: ScreenContext): Promise<ViewContext> {
  const timeZone = await ctx.panel.settings.get('display.time_zone').catch(() => 'UTC');
  return { t: adminT(ctx), currency: ctx.deps.fan.currency, timeZone, now: ctx.deps.fan.now() };
}

/** A list: search results (`query`) or every fan in `sort` order. */
export async function renderList(
  ctx: ScreenContext,
  state: Extract<UsersState, { view: 'list' }>,
): Promise<ScreenView> {
  const store = ctx.panel.fanAdmin!;
  const sort = isUserSort(state.sort) ? state.sort : 'spend';
  const query = parseUserQuery(state.query ?? '');
  const read = (p: { offset: number; limit: number }) =>
    query.kind === 'none' ? store.list(sort, p) : store.search(query, p);
  const wanted = Math.max(0, state.page) * USERS_PAGE_SIZE;
  let result = await read({ offset: wanted, limit: USERS_PAGE_SIZE });
  const page = pageOf(result.total, state.page, USERS_PAGE_SIZE);
  if (page.offset !== wanted) result = await read(page);
  const c = await viewContext(ctx);
  const text = new TextBuilder().bold('👥 Fans');
  if (query.kind === 'none') text.plain(` — ${SORT_LABELS[sort]} · ${result.total}`);
  else text.plain(` matching “${state.query!.trim()}” — ${result.total}`);
  if (page.count > 1) text.plain(` · ${pageLabel(page)}`);
  text.newline();
  if (result.rows.length === 0)
    text.newline().plain('No fan found. Try a part of the name, @username or id.');
  const keyboard: PanelButton[][] = [];
  result.rows.forEach((row, i) => {
    const n = page.offset + i + 1;
    listLine(text, n, row, c);
    const back: BackTo = { screen: USERS_SCREEN, state: { ...state, page: page.index } };
    keyboard.push([
      {
        text: `${n}. ${displayName(row).slice(0, 40)}`,
        go: { state: { view: 'user', fanId: row.fanId, back } },
      },
    ]);
  });
  const pager = pagerRow(page, (index) => ({ ...state, page: index }));
  if (pager.length > 0) keyboard.push(pager);
  keyboard.push(
    (Object.keys(SORT_LABELS) as UserSort[]).map((s) => ({
      text: query.kind === 'none' && s === sort ? `✅ ${SORT_LABELS[s]}` : SORT_LABELS[s],
      go: { state: { view: 'list', sort: s, page: 0 } satisfies UsersState },
    })),
  );
  keyboard.push([{ text: '🔍 Search', act: 'search' }]);
  return { text: text.build(), keyboard };
}

/** `a` then `b`, entities shifted. */
function concat(a: FormattedText, b: FormattedText): FormattedText {
  const shift = a.text.length;
  return {
    text: a.text + b.text,
    entities: [...a.entities, ...b.entities.map((e) => ({ ...e, offset: e.offset + shift }))],
  };
}

function paymentLine(text: TextBuilder, p: FanPayment, c: ViewContext): void {
  const what =
    p.secondsGranted > 0
      ? `${formatDuration(p.secondsGranted)} pass`
      : `${p.creditsGranted} credits`;
  text.newline().plain(`• #${p.id} ${formatWhen(p.createdAt, c.timeZone)} — `);
  text.bold(formatMoney(p.amountPaidCents, p.currency, 'en')).plain(` · ${what} · ${p.status}`);
  if (p.amountRefundedCents > 0) {
    text.plain(` (refunded ${formatMoney(p.amountRefundedCents, p.currency, 'en')})`);
  }
  if (p.disputeStatus) text.plain(` · dispute ${p.disputeStatus}`);
}

function extras(account: FanAccount, facts: FanAdminFacts, c: ViewContext): FormattedText {
  const text = new TextBuilder().newline();
  if (facts.tierOverride) text.newline().plain('⭐ Tier set by hand (the spend rule is paused).');
  if (facts.creditDebt > 0)
    text.newline().plain(`Debt: ${c.t('card.credits', { credits: facts.creditDebt })}`);
  if (facts.pinned) text.newline().plain('📌 Pinned in /conversations');
  text.newline().newline().bold('📝 Notes: ');
  if (facts.notes) text.plain(facts.notes);
  else text.plain(account.topic ? '—' : '— (possible once the fan has a topic)');
  text.newline().newline().bold(`💳 Payments (${facts.paymentCount})`);
  if (facts.payments.length === 0) text.newline().plain('None yet.');
  for (const p of facts.payments) paymentLine(text, p, c);
  if (facts.paymentCount > facts.payments.length) text.newline().plain('…');
  return text.build();
}

/** What the user screen's actions act on: a tap on a menu older than these refreshes it. */
function stampOf(account: FanAccount, facts: FanAdminFacts): string {
  const refundable = lastRefundable(facts.payments);
  const parts = [
    account.banned,
    account.frozen,
    account.tier,
    facts.tierOverride,
    facts.notes ?? '',
    refundable ? `${refundable.id}:${refundable.amountRefundedCents}` : '-',
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function actionRows(
  state: UserView,
  account: FanAccount,
  facts: FanAdminFacts,
  c: ViewContext,
): PanelButton[][] {
  const user = { view: 'user', fanId: account.fanId, back: state.back } as const;
  const rows: PanelButton[][] = [
    [
      {
        text: '🎁 Gift credits',
        go: { state: { ...user, view: 'gift', kind: 'credits', nonce: giftNonce() } },
      },
      {
        text: '⏳ Gift pass time',
        go: { state: { ...user, view: 'gift', kind: 'pass', nonce: giftNonce() } },
      },
    ],
    [
      account.banned
        ? { text: '✅ Unban', act: 'ban', args: { ban: false }, permission: 'fans:ban' }
        : { text: '🚫 Ban', act: 'ban', args: { ban: true }, permission: 'fans:ban' },
      {
        text: `⭐ Tier: ${c.t(`tier.${account.tier}`)}${facts.tierOverride ? ' (by hand)' : ''}`,
        go: { state: { ...user, view: 'tier' } },
      },
    ],
    [{ text: '📝 Note', act: 'note', permission: 'fans:note' }],
  ];
  if (facts.notes)
    rows[2]!.push({ text: '🗑 Clear note', act: 'clear_note', permission: 'fans:note' });
  if (account.frozen)
    rows.push([{ text: '🧊 Unfreeze', act: 'unfreeze', permission: 'fans:unfreeze' }]);
  const refundable = lastRefundable(facts.payments);
  if (refundable) {
    const amount = formatMoney(refundableCents(refundable), refundable.currency, 'en');
    rows.push([
      {
        text: `💸 Refund last payment (${amount})…`,
        go: { state: { ...user, view: 'refund', paymentId: refundable.id } },
      },
    ]);
  }
  const nav: PanelButton[] = [];
  if (account.topic)
    nav.push({ text: '💬 Topic', url: topicLink(account.topic.chatId, account.topic.topicId) });
  nav.push(
    state.back
      ? backButton(state.back.state, state.back.screen)
      : backButton({ view: 'list', sort: 'spend', page: 0 }),
  );
  rows.push(nav);
  return rows;
}

function subView(state: UserView, account: FanAccount, facts: FanAdminFacts, c: UserViewContext) {
  const user: UsersState = { view: 'user', fanId: account.fanId, back: state.back };
  const cancel: PanelButton = { text: '✖ Cancel', go: { state: user } };
  const text = new TextBuilder();
  const keyboard: PanelButton[][] = [];
  if (state.view === 'gift' && state.kind === 'credits') {
    text.newline().newline().bold('🎁 Gift credits — how many?');
    keyboard.push(
      c.giftPresets.map((amount) => ({
        text: `🎁 ${amount}`,
        act: 'gift',
        args: { amount },
        permission: 'fans:gift' as const,
      })),
    );
    keyboard.push([
      { text: '✏️ Other amount', act: 'gift_other', permission: 'fans:gift' },
      cancel,
    ]);
  } else if (state.view === 'gift') {
    text
      .newline()
      .newline()
      .bold('⏳ Gift pass time — how long? (banked; it starts with the fan’s next message)');
    keyboard.push(
      PASS_GIFT_PRESETS.map((seconds) => ({
        text: `⏳ ${formatDuration(seconds)}`,
        act: 'gift_time',
        args: { seconds },
        permission: 'fans:gift' as const,
      })),
    );
    keyboard.push([cancel]);
  } else if (state.view === 'tier') {
    text.newline().newline().bold('⭐ Set the tier by hand');
    text.newline().plain('It stays until reset, whatever the fan spends.');
    keyboard.push(
      (['new', 'regular', 'vip'] as const).map((tier) => ({
        text: `${facts.tierOverride === tier ? '✅ ' : ''}${c.t(`tier.${tier}`)}`,
        act: 'tier',
        args: { tier },
        permission: 'fans:tier' as const,
      })),
    );
    if (facts.tierOverride)
      keyboard.push([
        {
          text: '↩️ Follow the spend rule again',
          act: 'tier',
          args: { tier: null },
          permission: 'fans:tier',
        },
      ]);
    keyboard.push([cancel]);
  } else if (state.view === 'refund') {
    const payment = facts.payments.find((p) => p.id === state.paymentId);
    const left = payment ? refundableCents(payment) : 0;
    if (!payment || left === 0) {
      text.newline().newline().plain('This payment cannot be refunded (any more).');
      keyboard.push([cancel]);
    } else {
      const amount = formatMoney(left, payment.currency, 'en');
      text.newline().newline().bold(`💸 Refund ${amount} of payment #${payment.id}?`);
      text
        .newline()
        .plain(
          isStarsPayment(payment)
            ? 'Telegram gives the Stars back; the credits or pass time it bought are taken back at once (debt if already used).'
            : 'Stripe refunds the card; the credits or pass time it bought are taken back when Stripe confirms (debt if already used).',
        );
      keyboard.push([
        {
          text: `✅ Yes, refund ${amount}`,
          act: 'refund',
          args: { paymentId: payment.id },
          permission: 'payments:refund',
        },
        cancel,
      ]);
    }
  }
  return { text: text.build(), keyboard };
}

/** The user screen and its sub-views. */
export async function renderUser(ctx: ScreenContext, state: UserView): Promise<ScreenView> {
  const account = await ctx.deps.fan.accounts.get(state.fanId);
  const facts = account ? await ctx.panel.fanAdmin!.facts(state.fanId, PAYMENTS_SHOWN) : null;
  if (!account || !facts) {
    const back = state.back
      ? backButton(state.back.state, state.back.screen)
      : backButton({ view: 'list', sort: 'spend', page: 0 });
    return { text: { text: `No fan with id ${state.fanId}.`, entities: [] }, keyboard: [[back]] };
  }
  const base = await viewContext(ctx);
  const c: UserViewContext = {
    ...base,
    giftPresets: (await ctx.panel.settings.getAll())['gift.presets'],
  };
  const card = renderCard(account, c.t, { now: c.now, currency: c.currency, timeZone: c.timeZone });
  const text = concat(card, extras(account, facts, c));
  if (state.view === 'user') {
    return { text, keyboard: actionRows(state, account, facts, c), stamp: stampOf(account, facts) };
  }
  const sub = subView(state, account, facts, c);
  return { text: concat(text, sub.text), keyboard: sub.keyboard, stamp: stampOf(account, facts) };
}
