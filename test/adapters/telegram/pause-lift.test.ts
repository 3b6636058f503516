/**
 * Issue 13 item 1, across instances: when the bot is back in the admin group, the instance
 * that saw it lifts the group's pause and removes it from `chat_pauses`; every other
 * instance drops it at its next pause reload, not only at its own (minute-long) re-check.
 * Two runtimes on one database (a second pool on Postgres; SQLite shares the one
 * connection), the second one's re-check far away so only the reload can lift it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../../src/adapters/db/knex.js';
import { testDialect } from '../../helpers/db.js';
import { startHarness, type Harness } from './harness.js';
import { botMessages, relayed, startFanHarness, topicOf } from './fan-harness.js';

/** Far beyond the test: only a pause reload can lift a pause on the second instance. */
const NO_RECHECK = { groupRecheckSeconds: 100_000, pauseRefreshMs: 100 };

describe('a lifted admin-group pause on another instance', () => {
  let first: Harness;
  let second: Harness;
  let secondPool: Db | undefined;
  beforeAll(async () => {
    first = await startFanHarness({ freeMessages: true, tuning: NO_RECHECK });
    const db =
      testDialect === 'postgres'
        ? (secondPool = createDb(first.testDb.url, { poolMax: 4 }))
        : first.testDb.db;
    second = await startHarness({
      sim: first.sim,
      admin: { chatId: first.adminChatId, ownerId: first.ownerId },
      testDb: { ...first.testDb, db, destroy: async () => {} },
      mode: 'none',
      freeMessages: true,
      tuning: NO_RECHECK,
    });
    await second.runtime.start();
    first.sim.control.fanSendsText(first.ownerId, '/start');
  }, 60_000);
  afterAll(async () => {
    expect(first.sim.control.violations()).toEqual([]);
    await second?.close();
    await first?.close();
    await secondPool?.destroy();
  });

  const pausedOn = (h: Harness) => {
    const sender = h.runtime.sender;
    return sender.scheduler.isPaused(h.adminChatId, sender.clock());
  };

  it('disappears from the other instance promptly once the bot is back', async () => {
    const { sim, adminChatId } = first;
    const fan = sim.control.createUser({ first_name: 'Lifty' });
    sim.control.fanSendsText(fan.id, 'hello');
    const topic = await topicOf(sim, adminChatId, 'Lifty');

    sim.control.setBotMembership(adminChatId, { status: 'kicked' });
    await sim.control.waitFor(() => pausedOn(first), 15_000, 'paused where it was seen');
    await sim.control.waitFor(() => pausedOn(second), 15_000, 'paused on the other instance');
    await sim.control.waitFor(
      () => botMessages(sim, first.ownerId).some((m) => m.text?.includes('lost access')),
      15_000,
      'owners told',
    );

    sim.control.setBotMembership(adminChatId, { status: 'administrator' });
    await sim.control.waitFor(() => !pausedOn(first), 15_000, 'lifted where it was seen');
    await sim.control.waitFor(() => !pausedOn(second), 15_000, 'lifted on the other instance');
    expect(await first.testDb.db('chat_pauses').where({ chat_id: adminChatId })).toHaveLength(0);

    // Both instances send to the group again.
    sim.control.fanSendsText(fan.id, 'after the outage');
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).some((m) => m.text === 'after the outage'),
      15_000,
      'relayed after the outage',
    );
  });
});
