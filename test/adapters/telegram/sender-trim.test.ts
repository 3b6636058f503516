/**
 * Issue 20, "pack every window": `TelegramSender.acquire` with `min` below the cost takes as
 * many units as fit at that moment (at least `min`) instead of waiting for all of them —
 * in memory, and against the group's shared budget when another instance took some since
 * this process last looked (SQLite and Postgres).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGroupBudgetStore } from '../../../src/adapters/db/group-budget-store.js';
import type { BotApi } from '../../../src/adapters/telegram/bot-api.js';
import { ChatBusyError, TelegramSender } from '../../../src/adapters/telegram/sender.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { RuntimeMetrics } from '../../../src/core/metrics.js';
import type { GroupBudgetStore } from '../../../src/core/traffic/ports.js';
import { DEFAULT_TRAFFIC_LIMITS } from '../../../src/core/traffic/limits.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const GROUP = -1001000000001;

function sender(now: () => number, groupBudget?: GroupBudgetStore): TelegramSender {
  return new TelegramSender({
    // Nothing is called: only the budget is taken.
    api: {} as BotApi,
    limits: DEFAULT_TRAFFIC_LIMITS,
    logger: silentLogger,
    metrics: {} as RuntimeMetrics,
    now,
    groupBudget,
  });
}

describe('taking a batch of the group budget with a minimum', () => {
  let testDb: TestDb | undefined;
  beforeEach(async () => {
    testDb = await createMigratedTestDb();
  });
  afterEach(async () => {
    await testDb?.destroy();
    testDb = undefined;
  });

  it('in memory: takes what is left (3 of 5), and without a minimum would wait', async () => {
    const at = 1_000_000;
    const s = sender(() => at);
    expect((await s.acquire(GROUP, 17))?.cost).toBe(17);
    await expect(s.acquire(GROUP, 5, { maxWaitMs: 0 })).rejects.toBeInstanceOf(ChatBusyError);
    expect((await s.acquire(GROUP, 5, { min: 1, maxWaitMs: 0 }))?.cost).toBe(3);
    await expect(s.acquire(GROUP, 5, { min: 1, maxWaitMs: 0 })).rejects.toBeInstanceOf(
      ChatBusyError,
    );
  });

  it('shared: another instance took 16 since this one looked; it takes the 4 left', async () => {
    const at = Date.now();
    const budget = createGroupBudgetStore(testDb!.db);
    const ours = sender(() => at, budget);
    await ours.syncGroup(GROUP, 0);
    expect(ours.scheduler.capacity(GROUP, at)).toBe(20);
    // The other instance.
    const rule = ours.scheduler.rules.group;
    expect((await budget.take(GROUP, 16, 'other:1', at, rule)).taken).toBe(true);
    const slot = await ours.acquire(GROUP, 6, { min: 1, maxWaitMs: 0 });
    expect(slot?.cost).toBe(4);
    const log = await budget.read(GROUP, at, rule);
    expect(log.filter((send) => send.slot === slot?.sharedId)).toHaveLength(4);
    expect(log).toHaveLength(20);
  });
});
