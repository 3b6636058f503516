/**
 * `/admin`, the dashboard (issue 14): a panel screen with the figures of core/stats for a
 * range (1 / 7 / 30 / 90 days, buttons that edit the menu in place) and, on each `/admin`,
 * a PNG chart of the last 30 days queued through the outbox into the same topic (the
 * group's budget is never waited for here). The chart's bytes wait in `panel_files` until
 * the outbox uploads them (see stored-uploads.ts).
 */
import type { Context } from 'telegraf';
import { can } from '../../../core/permissions.js';
import { loadChart, loadDashboard, type Chart } from '../../../core/stats/dashboard.js';
import { dashboardText } from '../../../core/stats/dashboard-text.js';
import type { DashboardPorts } from '../../../core/stats/ports.js';
import {
  DASHBOARD_RANGES,
  DEFAULT_RANGE,
  isRangeDays,
  type RangeDays,
} from '../../../core/stats/ranges.js';
import { formatMoney } from '../../../core/money.js';
import type { Translate } from '../../../core/templates.js';
import type { BotDeps, Feature } from '../bot-deps.js';
import type { ChartLabels } from '../chart/svg.js';
import { actorOf } from '../panel/actor.js';
import { placeOf } from '../panel/commands.js';
import { PANEL_PRIORITY, type MenuPlace } from '../panel/menus.js';
import { conversationsScreen } from '../panel/screens/conversations.js';
import { productsScreen } from '../panel/screens/products.js';
import { settingsScreen } from '../panel/screens/settings.js';
import { teamFiguresScreen } from '../panel/screens/team-figures.js';
import { usersScreen } from '../panel/screens/users.js';
import { vaultScreen } from '../panel/screens/vault.js';
import {
  defineScreen,
  type AnyScreen,
  type PanelButton,
  type ScreenContext,
} from '../panel/types.js';
import { storedFile } from '../stored-uploads.js';

/** The screen's id and the command that opens it. */
export const DASHBOARD_SCREEN = 'dashboard';
export const DASHBOARD_COMMAND = 'admin';

export interface DashboardState {
  range: RangeDays;
}

/** `/admin 30` opens the 30-day range; anything else the default. */
export function rangeFromArg(arg: string): RangeDays {
  const days = Number(arg.trim().replace(/d$/i, ''));
  return isRangeDays(days) ? days : DEFAULT_RANGE;
}

/** `display.time_zone`: the zone whose days the dashboard counts (UTC when unreadable). */
async function timeZoneOf(deps: BotDeps): Promise<string> {
  if (!deps.panel) return 'UTC';
  return deps.panel.settings.get('display.time_zone').catch(() => 'UTC');
}

function adminT(deps: BotDeps): Translate {
  return deps.fan.templates.forLanguage(deps.fan.adminLanguage);
}

/** The screens the dashboard leads to, with their button's template key. */
const DRILL_DOWNS: ReadonlyArray<[AnyScreen, string]> = [
  [conversationsScreen, 'dashboard.button_conversations'],
  [usersScreen, 'dashboard.button_users'],
  [productsScreen, 'dashboard.button_products'],
  [vaultScreen, 'dashboard.button_vault'],
  [settingsScreen, 'dashboard.button_settings'],
  [teamFiguresScreen, 'dashboard.button_team'],
];

/** A button per drill-down screen, opening it as its command with no argument would. */
async function drillDowns(ctx: ScreenContext, t: Translate): Promise<PanelButton[]> {
  return Promise.all(
    DRILL_DOWNS.map(async ([screen, key]) => ({
      text: t(key),
      go: { screen: screen.id, state: await screen.fromCommand('', ctx) },
    })),
  );
}

/** The range buttons (the selected one marked) and Refresh. */
export function dashboardKeyboard(t: Translate, selected: RangeDays): PanelButton[][] {
  const ranges = DASHBOARD_RANGES.map((range) => ({
    text: t(range === selected ? 'dashboard.button_range_selected' : 'dashboard.button_range', {
      days: range,
    }),
    go: { state: { range } satisfies DashboardState },
  }));
  return [ranges, [{ text: t('dashboard.button_refresh'), go: { state: { range: selected } } }]];
}

export const dashboardScreen = defineScreen<DashboardState>({
  id: DASHBOARD_SCREEN,
  permission: 'stats:view',
  command: {
    name: DASHBOARD_COMMAND,
    description: 'Dashboard: revenue, fans, messages, response time, chart',
  },
  fromCommand: (arg) => ({ range: rangeFromArg(arg) }),
  async render(ctx: ScreenContext, state) {
    const deps = ctx.deps;
    const t = adminT(deps);
    // Menu states are stored by us, but an old row may predate a change of ranges.
    const range = isRangeDays(Number(state?.range)) ? state.range : DEFAULT_RANGE;
    if (!deps.dashboard) {
      return { text: { text: t('dashboard.unavailable'), entities: [] }, keyboard: [] };
    }
    const dashboard = await loadDashboard(deps.dashboard.stats, {
      now: deps.fan.now(),
      rangeDays: range,
      currency: deps.fan.currency,
      timeZone: await timeZoneOf(deps),
      starsRate: await deps.panel?.settings.get('payments.stars_rate').catch(() => ''),
    });
    // A failed balance call hides its line; it never breaks the dashboard.
    const starBalance = deps.dashboard.starBalance
      ? await deps.dashboard.starBalance().catch((err: unknown) => {
          deps.logger.warn({ err }, 'Stars balance unavailable for the dashboard');
          return null;
        })
      : null;
    const keyboard = [...dashboardKeyboard(t, range), await drillDowns(ctx, t)];
    return { text: dashboardText(t, { ...dashboard, starBalance }), keyboard };
  },
});

/** What the chart says, in the admin language. */
export function chartLabels(
  t: Translate,
  chart: Chart,
  zone: string,
): ChartLabels & { caption: string } {
  const currency = chart.currency.toUpperCase();
  const others = chart.otherCurrencies.map((c) => c.toUpperCase()).join(', ');
  const caption =
    others.length > 0
      ? t('dashboard.chart_caption_others', { currency, others, zone })
      : t('dashboard.chart_caption', { currency, zone });
  return {
    title: caption.replace(/^\p{Extended_Pictographic}\s*/u, ''),
    caption,
    revenue: t('dashboard.chart_revenue', { currency }),
    fromFans: t('dashboard.chart_from_fans'),
    answers: t('dashboard.chart_answers'),
    money: (minor) => formatMoney(Math.round(minor), chart.currency, t.locale),
  };
}

/** Renders the 30-day chart, stores the PNG and queues its upload into `place`. */
export async function queueChart(
  deps: BotDeps,
  ports: DashboardPorts,
  place: MenuPlace,
  dedupeKey: string,
): Promise<void> {
  const t = adminT(deps);
  const timeZone = await timeZoneOf(deps);
  const now = deps.fan.now();
  const chart = await loadChart(ports.stats, { now, currency: deps.fan.currency, timeZone });
  const labels = chartLabels(t, chart, timeZone);
  // The renderer (a native module and its fonts) is loaded on the first chart, not at start:
  // a running server that never draws one does not hold it (issue 17, RSS).
  const { renderChart } = await import('../chart/render.js');
  const id = await ports.files.save({
    data: renderChart(chart, labels),
    filename: 'dashboard.png',
  });
  await deps.outbox.enqueue([
    {
      kind: 'panel.chart',
      target: {
        type: 'chat',
        chatId: place.chatId,
        ...(place.threadId === null ? {} : { threadId: place.threadId }),
      },
      method: 'sendPhoto',
      params: { photo: storedFile(id), caption: labels.caption },
      priority: PANEL_PRIORITY,
      dedupeKey,
    },
  ]);
  deps.wakeOutbox();
}

/**
 * The chart that comes with `/admin`: queued (before the panel opens the menu, so it lands
 * above it) for those who may see the dashboard; the panel itself answers everyone else.
 */
export const dashboardChartFeature: Feature = {
  name: 'dashboard-chart',
  register(bot, deps) {
    bot.command(DASHBOARD_COMMAND, async (ctx: Context, next) => {
      const message = ctx.message;
      if (message && ctx.chat?.id === deps.adminChatId && deps.dashboard) {
        const actor = await actorOf(deps, ctx);
        if (actor && can(actor, 'stats:view')) {
          const key = `panel_chart:${message.chat.id}:${message.message_id}`;
          await queueChart(deps, deps.dashboard, placeOf(message), key).catch((err: unknown) =>
            deps.logger.error({ err }, 'dashboard chart failed'),
          );
        }
      }
      return next();
    });
  },
};
