/**
 * `/audit`: the audit log, newest first, ten entries a page, filtered by admin and/or by fan
 * (`/audit admin 123`, `/audit fan 456`, `/audit me`, or the filter buttons).
 */
import { formatSettingValue } from '../../../../config/settings-catalog.js';
import type { AuditRecord } from '../../../../core/audit.js';
import { TextBuilder } from '../../../../core/formatted-text.js';
import { pageLabel, pageOf } from '../../../../core/panel/paging.js';
import { pagerRow } from '../keyboards.js';
import { defineScreen, type PanelButton, type ScreenContext } from '../types.js';
import { formatWhen } from './settings-views.js';

export interface AuditState {
  actorId?: number;
  fanId?: number;
  page: number;
}

export const AUDIT_PAGE_SIZE = 10;

const NOT_AN_ID = '❌ That is not a Telegram id (a number). Reply again, or /cancel.';

const MAX_VALUE_CHARS = 40;

function short(value: unknown): string {
  if (value === undefined) return '—';
  const text = formatSettingValue(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** `/audit`, `/audit me`, `/audit admin 123`, `/audit fan 456` (both may be combined). */
export function parseAuditArgs(arg: string, me: number): AuditState {
  const state: AuditState = { page: 0 };
  const words = arg.toLowerCase().split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i]!;
    const id = Number(words[i + 1]);
    if (word === 'me') state.actorId = me;
    else if (word === 'admin' && Number.isSafeInteger(id)) state.actorId = id;
    else if (word === 'fan' && Number.isSafeInteger(id)) state.fanId = id;
  }
  return state;
}

async function fanName(ctx: ScreenContext, fanId: number): Promise<string> {
  const profile = await ctx.deps.fans.profile(fanId).catch(() => null);
  const name = [profile?.firstName, profile?.lastName].filter(Boolean).join(' ');
  return name ? `${name} (${fanId})` : String(fanId);
}

async function entryLines(
  ctx: ScreenContext,
  text: TextBuilder,
  record: AuditRecord,
  timeZone: string,
): Promise<void> {
  text
    .newline()
    .newline()
    .bold(`#${record.id}`)
    .plain(` · ${formatWhen(record.createdAt, timeZone)}`);
  text.newline().plain(`admin ${record.actorId} · `).bold(record.action);
  if (record.subject) text.plain(` · ${record.subject}`);
  if (record.fanId !== null) text.plain(` · fan ${await fanName(ctx, record.fanId)}`);
  if (record.before !== undefined || record.after !== undefined) {
    text.newline().plain(`${short(record.before)} → ${short(record.after)}`);
  }
}

function filterButtons(state: AuditState, me: number): PanelButton[][] {
  const rows: PanelButton[][] = [
    [
      { text: '👤 By admin…', act: 'filter', args: { by: 'admin' } },
      { text: '🙋 About fan…', act: 'filter', args: { by: 'fan' } },
    ],
  ];
  const extra: PanelButton[] = [];
  if (state.actorId !== me)
    extra.push({ text: '🫵 Mine', go: { state: { ...state, actorId: me, page: 0 } } });
  if (state.actorId !== undefined || state.fanId !== undefined) {
    extra.push({ text: '✖ All entries', go: { state: { page: 0 } } });
  }
  if (extra.length > 0) rows.push(extra);
  return rows;
}

function idFrom(text: string): number | null {
  const id = Number(text.trim().replace(/^@?id\s*/i, ''));
  return Number.isSafeInteger(id) && id !== 0 ? id : null;
}

export const auditScreen = defineScreen<AuditState>({
  id: 'audit',
  permission: 'audit:view',
  command: { name: 'audit', description: 'Audit log of admin actions (by admin, by fan)' },
  fromCommand: (arg, ctx) => parseAuditArgs(arg, ctx.actor.id),
  async render(ctx, state) {
    const filter = { actorId: state.actorId, fanId: state.fanId };
    const wanted = Math.max(0, state.page) * AUDIT_PAGE_SIZE;
    let { records, total } = await ctx.panel.audit.list(filter, {
      offset: wanted,
      limit: AUDIT_PAGE_SIZE,
    });
    const page = pageOf(total, state.page, AUDIT_PAGE_SIZE);
    // The log shrank under a deep page (never, today: it only grows) — show the last one.
    if (page.offset !== wanted) ({ records, total } = await ctx.panel.audit.list(filter, page));
    const timeZone = await ctx.panel.settings.get('display.time_zone').catch(() => 'UTC');
    const text = new TextBuilder()
      .bold('📜 Audit log')
      .plain(` — ${total} entr${total === 1 ? 'y' : 'ies'}`);
    if (state.actorId !== undefined) text.plain(` · by admin ${state.actorId}`);
    if (state.fanId !== undefined) text.plain(` · about fan ${await fanName(ctx, state.fanId)}`);
    if (page.count > 1) text.plain(` · ${pageLabel(page)}`);
    if (records.length === 0) text.newline().newline().plain('Nothing recorded yet.');
    for (const record of records) await entryLines(ctx, text, record, timeZone);
    const keyboard: PanelButton[][] = [];
    const pager = pagerRow(page, (index) => ({ ...state, page: index }));
    if (pager.length > 0) keyboard.push(pager);
    keyboard.push(...filterButtons(state, ctx.actor.id));
    return { text: text.build(), keyboard };
  },
  actions: {
    async filter(_ctx, _state, args) {
      const by = (args as { by?: string } | null)?.by === 'fan' ? 'fan' : 'admin';
      return {
        prompt: {
          text: `Show the entries ${by === 'fan' ? 'about which fan' : 'of which admin'}? Reply with their Telegram id.`,
          input: by,
          placeholder: 'a Telegram id, e.g. 123456789',
        },
      };
    },
  },
  inputs: {
    async admin(_ctx, state, _args, text) {
      const id = idFrom(text);
      if (id === null) return { ok: false, reply: new TextBuilder().plain(NOT_AN_ID).build() };
      return { ok: true, state: { ...state, actorId: id, page: 0 } };
    },
    async fan(_ctx, state, _args, text) {
      const id = idFrom(text);
      if (id === null) return { ok: false, reply: new TextBuilder().plain(NOT_AN_ID).build() };
      return { ok: true, state: { ...state, fanId: id, page: 0 } };
    },
  },
});
