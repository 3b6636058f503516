/**
 * The team page of `/admin` (👥 Team): per member over 7 days, 30 days or all time — the
 * answers they sent (saved replies included), their median first-response time, the revenue
 * attributed to them (each payment goes to whoever last answered the fan before it) and the
 * fans they hold now. Read-only: `stats:view`.
 */
import {
  TEAM_PERIODS,
  formatWait,
  median,
  periodStart,
  sortMembers,
  type TeamPeriod,
} from '../../../../core/attribution/team-figures.js';
import { TextBuilder } from '../../../../core/formatted-text.js';
import { formatMoney } from '../../../../core/money.js';
import { DEFAULT_RANGE } from '../../../../core/stats/ranges.js';
import { defineScreen, type PanelButton, type ScreenContext } from '../types.js';

export interface TeamFiguresState {
  period: TeamPeriod;
}

const PERIOD_LABELS: Record<TeamPeriod, string> = { '7d': '7 d', '30d': '30 d', all: 'All time' };

function isPeriod(value: unknown): value is TeamPeriod {
  return typeof value === 'string' && Object.hasOwn(TEAM_PERIODS, value);
}

/** The member's name as the team knows it, else their id. */
async function memberName(ctx: ScreenContext, userId: number): Promise<string> {
  const member = await ctx.deps.team?.members.get(userId).catch(() => null);
  return member?.name ? `${member.name} (${userId})` : String(userId);
}

export const teamFiguresScreen = defineScreen<TeamFiguresState>({
  id: 'team-figures',
  permission: 'stats:view',
  fromCommand: (arg) => ({ period: isPeriod(arg) ? arg : '30d' }),
  async render(ctx, state) {
    const period = isPeriod(state.period) ? state.period : '30d';
    const activity = ctx.deps.teamInbox?.activity;
    const text = new TextBuilder().bold('👥 Team').plain(` — ${PERIOD_LABELS[period]}`);
    const rows = activity
      ? sortMembers(await activity.figures(periodStart(period, new Date())))
      : [];
    if (rows.length === 0) text.newline().newline().plain('No answers, payments or claims yet.');
    for (const row of rows) {
      const wait = median(row.firstResponseMs);
      const revenue = row.revenue
        .filter((r) => r.amount !== 0)
        .map((r) => formatMoney(r.amount, r.currency, 'en'));
      text
        .newline()
        .newline()
        .bold(await memberName(ctx, row.adminId))
        .newline()
        .plain(`💬 ${row.replies} answer${row.replies === 1 ? '' : 's'}`)
        .plain(` · ⏱ median first response ${wait === null ? '—' : formatWait(wait)}`)
        .newline()
        .plain(`💰 ${revenue.length > 0 ? revenue.join(' + ') : '—'} attributed`)
        .plain(` · 🔒 ${row.claimed} fan${row.claimed === 1 ? '' : 's'} claimed`);
    }
    const keyboard: PanelButton[][] = [
      (Object.keys(TEAM_PERIODS) as TeamPeriod[]).map((p) => ({
        text: p === period ? `• ${PERIOD_LABELS[p]} •` : PERIOD_LABELS[p],
        go: { state: { period: p } },
      })),
      [{ text: '⬅️ Dashboard', go: { screen: 'dashboard', state: { range: DEFAULT_RANGE } } }],
    ];
    return { text: text.build(), keyboard };
  },
});
