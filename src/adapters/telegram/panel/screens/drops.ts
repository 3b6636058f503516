/**
 * `/drops` (issue 18): send a vault item as a teaser to a segment of fans. Choose the item
 * (or `/drops <item id>`), then the segment (all fans, a tier, spent at least an amount,
 * active in the last N days, never bought the item), see how many fans it reaches, and
 * confirm. The drop then runs on its own (core/drops/engine.ts) with a progress message and
 * a Cancel button in this topic. Starting one needs `drops:send` and is audited.
 */
import { TextBuilder } from '../../../../core/formatted-text.js';
import type { DropEngine } from '../../../../core/drops/engine.js';
import {
  parseDaysInput,
  parseSpentInput,
  parseSegment,
  type DropSegment,
} from '../../../../core/drops/segment.js';
import { pageOf } from '../../../../core/panel/paging.js';
import { can } from '../../../../core/permissions.js';
import type { Translate } from '../../../../core/templates.js';
import { TIERS } from '../../../../core/tiers.js';
import { backButton, pagerRow } from '../keyboards.js';
import {
  defineScreen,
  type InputResult,
  type PanelButton,
  type ScreenContext,
  type ScreenView,
} from '../types.js';

export type DropsState =
  | { view: 'items'; page: number }
  | { view: 'segment'; itemId: number }
  | { view: 'confirm'; itemId: number; segment: DropSegment }
  | { view: 'started'; dropId: number; fans: number };

const PAGE_SIZE = 6;
const RECENT = 3;

function adminT(ctx: ScreenContext): Translate {
  return ctx.deps.fan.templates.forLanguage(ctx.deps.fan.adminLanguage);
}

function plainView(text: string, keyboard: PanelButton[][] = []): ScreenView {
  return { text: new TextBuilder().plain(text).build(), keyboard };
}

async function renderItems(drops: DropEngine, t: Translate, page: number): Promise<ScreenView> {
  const first = await drops.items(0, 0);
  const at = pageOf(first.total, page, PAGE_SIZE);
  const { items, total } = await drops.items(at.offset, at.limit);
  const text = new TextBuilder().bold('📣 Drops').newline();
  text.plain(t(total > 0 ? 'drops.screen.intro' : 'drops.screen.no_items'));
  const recent = await drops.recent(RECENT);
  if (recent.length > 0) text.newline().newline().plain(t('drops.screen.recent'));
  for (const drop of recent) {
    const [item, counts] = await Promise.all([drops.item(drop.itemId), drops.counts(drop.id)]);
    text.newline().plain(
      t('drops.screen.recent_line', {
        id: drop.id,
        title: item?.title ?? `#${drop.itemId}`,
        segment: drops.segmentLabel(drop.segment),
        sent: counts.sent,
        total: counts.total,
        status: t(`drops.status.${drop.status}`),
      }),
    );
  }
  const keyboard: PanelButton[][] = items.map((item) => [
    {
      text: t('drops.screen.item_button', { title: item.title, credits: item.priceCredits }),
      go: { state: { view: 'segment', itemId: item.id } satisfies DropsState },
    },
  ]);
  const pager = pagerRow(at, (index) => ({ view: 'items', page: index }) satisfies DropsState);
  if (pager.length > 0) keyboard.push(pager);
  return { text: text.build(), keyboard };
}

function renderSegments(t: Translate, itemId: number, title: string): ScreenView {
  const confirm = (segment: DropSegment): PanelButton => ({
    text: '',
    go: { state: { view: 'confirm', itemId, segment } satisfies DropsState },
  });
  const named = (button: PanelButton, text: string): PanelButton => ({ ...button, text });
  return {
    text: new TextBuilder().plain(t('drops.screen.choose_segment', { title })).build(),
    keyboard: [
      [named(confirm({ kind: 'all' }), t('drops.segment.all'))],
      TIERS.map((tier) =>
        named(
          confirm({ kind: 'tier', tier }),
          t('drops.screen.tier_button', { tier: t(`tier.${tier}`) }),
        ),
      ),
      [{ text: t('drops.screen.spent_button'), act: 'askSpent', permission: 'drops:send' }],
      [{ text: t('drops.screen.active_button'), act: 'askActive', permission: 'drops:send' }],
      [named(confirm({ kind: 'not_bought' }), t('drops.segment.not_bought'))],
      [
        backButton(
          { view: 'items', page: 0 } satisfies DropsState,
          undefined,
          t('drops.screen.back'),
        ),
      ],
    ],
  };
}

async function renderConfirm(
  drops: DropEngine,
  t: Translate,
  state: Extract<DropsState, { view: 'confirm' }>,
  title: string,
): Promise<ScreenView> {
  const audience = await drops.audience(state.itemId, state.segment);
  const text = new TextBuilder().plain(
    t('drops.screen.confirm', {
      title,
      segment: drops.segmentLabel(state.segment),
      fans: audience.fans,
    }),
  );
  if (audience.blocked > 0)
    text.newline().plain(t('drops.screen.confirm_blocked', { blocked: audience.blocked }));
  if (audience.fans === 0) text.newline().plain(t('drops.screen.empty'));
  const back = backButton(
    { view: 'segment', itemId: state.itemId } satisfies DropsState,
    undefined,
    t('drops.screen.back'),
  );
  const keyboard: PanelButton[][] = [];
  if (audience.fans > 0) {
    keyboard.push([
      {
        text: t('drops.screen.send_button', { fans: audience.fans }),
        act: 'send',
        permission: 'drops:send',
      },
    ]);
  }
  keyboard.push([back]);
  // The audience it was confirmed for: a changed one refreshes instead of sending.
  return { text: text.build(), keyboard, stamp: String(audience.fans) };
}

function typed(
  t: Translate,
  state: DropsState,
  parsed: { ok: true; value: DropSegment } | { ok: false; problem: string },
): InputResult<DropsState> {
  if (state.view !== 'segment' && state.view !== 'confirm')
    return { ok: false, reply: new TextBuilder().plain(t('drops.screen.unknown_item')).build() };
  if (!parsed.ok) {
    const reply = t('drops.screen.bad_input', { problem: parsed.problem });
    return { ok: false, reply: new TextBuilder().plain(reply).build() };
  }
  return { ok: true, state: { view: 'confirm', itemId: state.itemId, segment: parsed.value } };
}

export const dropsScreen = defineScreen<DropsState>({
  id: 'drops',
  permission: 'drops:send',
  command: { name: 'drops', description: 'Send a vault item to a segment of fans' },
  fromCommand(arg) {
    const id = /^#?(\d{1,9})$/.exec(arg.trim());
    return id ? { view: 'segment', itemId: Number(id[1]) } : { view: 'items', page: 0 };
  },
  async render(ctx, state) {
    const t = adminT(ctx);
    const drops = ctx.panel.drops;
    if (!drops) return plainView(t('drops.screen.unavailable'));
    if (state.view === 'items') return renderItems(drops, t, state.page);
    if (state.view === 'started') {
      return plainView(t('drops.screen.started', { id: state.dropId, fans: state.fans }), [
        [
          backButton(
            { view: 'items', page: 0 } satisfies DropsState,
            undefined,
            t('drops.screen.back'),
          ),
        ],
      ]);
    }
    const item = await drops.item(state.itemId);
    if (!item?.active) {
      return plainView(t('drops.screen.unknown_item'), [
        [
          backButton(
            { view: 'items', page: 0 } satisfies DropsState,
            undefined,
            t('drops.screen.back'),
          ),
        ],
      ]);
    }
    if (state.view === 'segment') return renderSegments(t, item.id, item.title);
    const segment = parseSegment(state.segment);
    if (!segment) return renderSegments(t, item.id, item.title);
    return renderConfirm(drops, t, { ...state, segment }, item.title);
  },
  actions: {
    askSpent(ctx) {
      const currency = ctx.deps.fan.currency.toUpperCase();
      return Promise.resolve({
        prompt: {
          text: adminT(ctx)('drops.screen.spent_prompt', { currency }),
          input: 'spent',
          placeholder: '50',
          permission: 'drops:send',
        },
      });
    },
    askActive(ctx) {
      return Promise.resolve({
        prompt: {
          text: adminT(ctx)('drops.screen.active_prompt'),
          input: 'active',
          placeholder: '30',
          permission: 'drops:send',
        },
      });
    },
    async send(ctx, state) {
      const t = adminT(ctx);
      const drops = ctx.panel.drops;
      if (!can(ctx.actor, 'drops:send')) return { toast: t('drops.refused') };
      if (!drops) return { toast: t('drops.screen.unavailable') };
      if (state.view !== 'confirm') return {};
      const segment = parseSegment(state.segment);
      if (!segment) return { state: { view: 'segment', itemId: state.itemId } };
      const started = await drops.start({
        itemId: state.itemId,
        segment,
        createdBy: ctx.actor.id,
        chatId: ctx.place?.chatId ?? ctx.deps.adminChatId,
        threadId: ctx.place?.threadId ?? null,
      });
      if (!started.ok) {
        return {
          toast: t(started.reason === 'empty' ? 'drops.screen.empty' : 'drops.screen.unknown_item'),
        };
      }
      const { drop } = started;
      await ctx.panel.audit.record({
        actorId: ctx.actor.id,
        action: 'drops:send',
        subject: `drop:${drop.id}`,
        after: { itemId: drop.itemId, segment, fans: drop.total },
      });
      return { state: { view: 'started', dropId: drop.id, fans: drop.total } };
    },
  },
  inputs: {
    spent(ctx, state, _args, text) {
      const t = adminT(ctx);
      const parsed = parseSpentInput(text, ctx.deps.fan.currency);
      return Promise.resolve(
        typed(
          t,
          state,
          parsed.ok ? { ok: true, value: { kind: 'spent', minCents: parsed.value } } : parsed,
        ),
      );
    },
    active(ctx, state, _args, text) {
      const t = adminT(ctx);
      const parsed = parseDaysInput(text);
      return Promise.resolve(
        typed(
          t,
          state,
          parsed.ok ? { ok: true, value: { kind: 'active', days: parsed.value } } : parsed,
        ),
      );
    },
  },
});
