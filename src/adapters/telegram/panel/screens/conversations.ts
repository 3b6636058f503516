/**
 * `/conversations`: the inbox at a glance, most urgent first (core/inbox.ts) — 🔥 paying fans
 * waiting longer than `inbox.urgent_after_minutes` (⏳ below it), 📌 pinned conversations,
 * then the rest by last activity. Each row: name (a link to the fan's topic), tier, balance
 * or pass, wait time or last activity; filters and paging; a button per row opens the fan
 * in /users, another pins or unpins the conversation. 🔒 names who holds the fan (the team
 * inbox's claims); "Mine" and "Unassigned" filter by claim, and with `inbox.agents_own_fans_only`
 * an agent sees only the fans they hold.
 */
import { createHash } from 'node:crypto';
import { displayName, formatDuration } from '../../../../core/info-card.js';
import {
  INBOX_FILTERS,
  isInboxFilter,
  isUrgent,
  topicLink,
  waitingMinutes,
  type InboxFilter,
  type InboxRow,
} from '../../../../core/inbox.js';
import { pageLabel, pageOf } from '../../../../core/panel/paging.js';
import { TextBuilder } from '../../../../core/formatted-text.js';
import type { Translate } from '../../../../core/templates.js';
import { limitedToOwnFans } from '../../features/team/held.js';
import { teamNames } from '../../features/team/topic-notes.js';
import { pagerRow } from '../keyboards.js';
import { defineScreen, type PanelButton, type ScreenContext } from '../types.js';
import { USERS_SCREEN } from './users-views.js';

export const CONVERSATIONS_SCREEN = 'conversations';

export interface ConversationsState {
  filter: InboxFilter;
  page: number;
}

export const INBOX_PAGE_SIZE = 10;

const FILTER_LABELS: Record<InboxFilter, string> = {
  all: '📥 All',
  unanswered: '⏳ Unanswered',
  vip: '⭐ VIP',
  pinned: '📌 Pinned',
  frozen: '🧊 Frozen',
  blocked: '⛔ Blocked the bot',
  mine: '🙋 Mine',
  unassigned: '🔓 Unassigned',
};

/** `/conversations`, `/conversations unanswered` (or vip, pinned, frozen, blocked). */
export function parseConversationsArgs(arg: string): ConversationsState {
  const word = arg.trim().toLowerCase();
  return { filter: isInboxFilter(word) ? word : 'all', page: 0 };
}

function adminT(ctx: ScreenContext): Translate {
  return ctx.deps.fan.templates.forLanguage(ctx.deps.fan.adminLanguage);
}

/** "40 credits", "pass 45 min left", "pass 1 h banked". */
function standing(row: InboxRow, now: Date, t: Translate): string {
  if (row.passEndsAt && row.passEndsAt > now) {
    return `pass ${formatDuration((row.passEndsAt.getTime() - now.getTime()) / 1000)} left`;
  }
  if (row.bankedSeconds > 0) return `pass ${formatDuration(row.bankedSeconds)} banked`;
  return t('card.credits', { credits: row.credits });
}

/** What the row's time says: the wait, or the last activity. */
function timing(row: InboxRow, now: Date): string {
  const waited = waitingMinutes(row, now);
  if (waited !== null) return `waiting ${formatDuration(waited * 60)}`;
  if (!row.lastActivityAt) return 'no messages yet';
  const ago = Math.max(0, (now.getTime() - row.lastActivityAt.getTime()) / 1000);
  return `last ${formatDuration(ago)} ago`;
}

function marker(row: InboxRow, now: Date, urgentAfter: number): string {
  if (isUrgent(row, now, urgentAfter)) return '🔥 ';
  if (row.waitingSince) return '⏳ ';
  return row.pinned ? '📌 ' : '';
}

function rowLine(text: TextBuilder, n: number, row: InboxRow, c: RowContext): void {
  text.newline().plain(`${n}. ${marker(row, c.now, c.urgentAfter)}`);
  text.link(displayName(row), topicLink(row.chatId, row.topicId));
  if (row.pinned && (row.waitingSince || isUrgent(row, c.now, c.urgentAfter))) text.plain(' 📌');
  text.plain(
    ` · ${c.t(`tier.${row.tier}`)} · ${standing(row, c.now, c.t)} · ${timing(row, c.now)}`,
  );
  const flags = [row.frozen ? '🧊' : '', row.blocked ? '⛔' : '', row.banned ? '🚫' : ''];
  if (flags.some(Boolean)) text.plain(` ${flags.filter(Boolean).join('')}`);
  const claimer = c.claimers.get(row.fanId);
  if (claimer) text.plain(` · 🔒 ${claimer}`);
}

interface RowContext {
  now: Date;
  urgentAfter: number;
  t: Translate;
  /** Who holds each shown fan (the team inbox's claims), by fan id. */
  claimers: Map<number, string>;
}

/** The names of the team members holding these fans. */
async function claimersOf(ctx: ScreenContext, fanIds: number[]): Promise<Map<number, string>> {
  const claims = ctx.deps.team ? await ctx.deps.team.claims.claimsOf(fanIds) : new Map();
  const names = await teamNames(ctx.deps, [...new Set([...claims.values()].map((c) => c.userId))]);
  return new Map([...claims].map(([fanId, claim]) => [fanId, names.get(claim.userId)!]));
}

const MAX_BUTTON_NAME = 28;

function rowButtons(n: number, row: InboxRow, state: ConversationsState): PanelButton[] {
  const name = displayName(row);
  const short = name.length > MAX_BUTTON_NAME ? `${name.slice(0, MAX_BUTTON_NAME - 1)}…` : name;
  return [
    {
      text: `${n}. ${short}`,
      go: {
        screen: USERS_SCREEN,
        state: { view: 'user', fanId: row.fanId, back: { screen: CONVERSATIONS_SCREEN, state } },
      },
    },
    {
      text: row.pinned ? `📍 Unpin ${n}` : `📌 Pin ${n}`,
      act: 'pin',
      args: { fanId: row.fanId, pin: !row.pinned },
      permission: 'conversations:pin',
    },
  ];
}

function filterRows(state: ConversationsState): PanelButton[][] {
  const buttons: PanelButton[] = INBOX_FILTERS.map((filter) => ({
    text: state.filter === filter ? `✅ ${FILTER_LABELS[filter]}` : FILTER_LABELS[filter],
    go: { state: { filter, page: 0 } satisfies ConversationsState },
  }));
  return [buttons.slice(0, 3), buttons.slice(3, 6), buttons.slice(6)];
}

export const conversationsScreen = defineScreen<ConversationsState>({
  id: CONVERSATIONS_SCREEN,
  permission: 'conversations:view',
  command: {
    name: 'conversations',
    description: 'Inbox: unanswered paying fans first, pinned, then by activity',
  },
  fromCommand: (arg) => parseConversationsArgs(arg),
  async render(ctx, raw) {
    const state: ConversationsState = {
      filter: isInboxFilter(raw?.filter) ? raw.filter : 'all',
      page: Number.isSafeInteger(raw?.page) ? raw.page : 0,
    };
    const inbox = ctx.panel.inbox;
    if (!inbox)
      return { text: { text: 'The inbox is not available.', entities: [] }, keyboard: [] };
    const wanted = pageOf(Number.MAX_SAFE_INTEGER, state.page, INBOX_PAGE_SIZE);
    // "Agents see only their fans": every filter shows only the fans the agent holds.
    const viewer = { userId: ctx.actor.id, onlyMine: await limitedToOwnFans(ctx.deps, ctx.actor) };
    let result = await inbox.page(state.filter, wanted, viewer);
    const page = pageOf(result.total, state.page, INBOX_PAGE_SIZE);
    // Fewer conversations than this page needs (a filter emptied): show the last page.
    if (page.offset !== wanted.offset) result = await inbox.page(state.filter, page, viewer);
    const settings = await ctx.panel.settings.getAll();
    const c: RowContext = {
      now: ctx.deps.fan.now(),
      urgentAfter: settings['inbox.urgent_after_minutes'],
      t: adminT(ctx),
      claimers: await claimersOf(
        ctx,
        result.rows.map((row) => row.fanId),
      ),
    };
    const text = new TextBuilder().bold('📥 Conversations').plain(` — ${result.total}`);
    if (state.filter !== 'all') text.plain(` · ${FILTER_LABELS[state.filter]}`);
    if (page.count > 1) text.plain(` · ${pageLabel(page)}`);
    if (result.sizes.urgent > 0)
      text.newline().plain(`🔥/⏳ ${result.sizes.urgent} paying fan(s) waiting`);
    text.newline();
    if (result.rows.length === 0) text.newline().plain('No conversations here.');
    const keyboard: PanelButton[][] = [];
    result.rows.forEach((row, i) => {
      const n = page.offset + i + 1;
      rowLine(text, n, row, c);
      keyboard.push(rowButtons(n, row, { ...state, page: page.index }));
    });
    const pager = pagerRow(page, (index) => ({ ...state, page: index }));
    if (pager.length > 0) keyboard.push(pager);
    keyboard.push(...filterRows(state));
    const shown = result.rows
      .map((r) => `${r.fanId}:${r.pinned ? 1 : 0}:${c.claimers.get(r.fanId) ?? ''}`)
      .join(',');
    const stamp = createHash('sha256').update(shown).digest('hex');
    return { text: text.build(), keyboard, stamp };
  },
  actions: {
    async pin(ctx, _state, args) {
      const { fanId, pin } = (args ?? {}) as { fanId?: number; pin?: boolean };
      if (!Number.isSafeInteger(fanId) || typeof pin !== 'boolean' || !ctx.panel.inbox) return {};
      const changed = await ctx.panel.inbox.setPinned(fanId!, pin, ctx.deps.fan.now());
      if (!changed) return { toast: pin ? 'Already pinned.' : 'Not pinned.' };
      await ctx.panel.audit.record({
        actorId: ctx.actor.id,
        action: 'conversations:pin',
        fanId: fanId!,
        before: !pin,
        after: pin,
      });
      return { toast: pin ? '📌 Pinned.' : '📍 Unpinned.' };
    },
  },
});
