import { createGroupBudgetStore } from '../../../adapters/db/group-budget-store.js';
import { windowRules } from '../../../core/traffic/limits.js';
import { DEFAULT_TUNING } from '../../runtime/traffic-config.js';
import { pass, type DoctorCheck } from '../types.js';

/**
 * The admin group's budget as `serve` plans it (the traffic config's limits, the batch-cost
 * assumption) and what every instance together sent into the group in the last minute (into
 * each group, with overflow groups: each has its own budget).
 */
export const groupBudgetCheck: DoctorCheck = {
  id: 'group-budget',
  title: 'admin group budget',
  after: ['migrations'],
  async run(ctx) {
    const limits = (ctx.tuning ?? DEFAULT_TUNING).limits;
    const planned = limits.groupPerMinute / (1 + limits.safetyRatio);
    const plan =
      `planned ${planned.toFixed(1)} of ${limits.groupPerMinute} messages a minute ` +
      `(${Math.round(limits.safetyRatio * 100)} % margin), copyMessages counted ${limits.batchCost}`;
    const chatId = ctx.config?.adminChatId;
    if (chatId === undefined) return pass(plan);
    const rule = windowRules({ ...limits, timeScale: 1 }).group;
    const now = Date.now();
    const store = createGroupBudgetStore(ctx.db!);
    const sent = async (group: number) => {
      const log = await store.read(group, now, rule);
      return log.filter((s) => s.open || s.at > now - 60_000).length;
    };
    const groups = ctx.config!.adminChatIds.length > 1 ? ctx.config!.adminChatIds : [chatId];
    if (groups.length === 1)
      return pass(
        `${plan}; ${await sent(chatId)} sent in the last minute (every instance together)`,
      );
    // Overflow groups: each has its own budget.
    const each: string[] = [];
    for (const group of groups) each.push(`${await sent(group)} into ${group}`);
    return pass(
      `${plan}, per group; sent in the last minute (every instance together): ${each.join(', ')}`,
    );
  },
};
