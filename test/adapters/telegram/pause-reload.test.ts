/**
 * An instance's own outage pause that never reached another reload: another instance lifted
 * the outage (removed the row) between this one saving its pause and reloading. Outage pauses
 * always live in `chat_pauses`, so a reload that no longer lists one lifts it here too —
 * otherwise this instance would hold the admin group's lane for the pause's whole length
 * (issue 13, across instances; seen as a flaky pause-lift test).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPauseStore } from '../../../src/adapters/db/pause-store.js';
import { OUTAGE_PAUSE_PREFIX } from '../../../src/adapters/telegram/group-access.js';
import { PersistedPauses } from '../../../src/adapters/telegram/outbox/recovery.js';
import type { TelegramSender } from '../../../src/adapters/telegram/sender.js';
import { DEFAULT_TRAFFIC_LIMITS } from '../../../src/core/traffic/limits.js';
import { RateScheduler } from '../../../src/core/traffic/rate-scheduler.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const GROUP = -100123;

describe('reloading persisted pauses', () => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await createMigratedTestDb();
  });
  afterAll(async () => {
    await testDb?.destroy();
  });

  const instance = () => {
    const scheduler = new RateScheduler(DEFAULT_TRAFFIC_LIMITS);
    const sender = { scheduler, clock: () => Date.now() } as unknown as TelegramSender;
    const store = createPauseStore(testDb.db);
    return { scheduler, store, reloader: new PersistedPauses({ pauses: store, sender }) };
  };

  it('lifts an outage pause of its own that another instance removed before any reload', async () => {
    const { scheduler, store, reloader } = instance();
    // This instance's send failed with 403: it paused its lane and saved the pause…
    const reason = `${OUTAGE_PAUSE_PREFIX} since=1: the bot was removed from the group`;
    await store.save(scheduler.pause(GROUP, Date.now() + 3_600_000, reason));
    // …and the instance that saw the bot come back removed it before this one reloaded.
    await store.remove(GROUP, OUTAGE_PAUSE_PREFIX);
    await reloader.reload();
    expect(scheduler.isPaused(GROUP, Date.now())).toBe(false);
  });

  it('keeps a short 429 pause of its own that was never persisted', async () => {
    const { scheduler, reloader } = instance();
    scheduler.pause(GROUP, Date.now() + 3_000, 'retry_after 3');
    await reloader.reload();
    expect(scheduler.isPaused(GROUP, Date.now())).toBe(true);
  });

  it('takes a pause another instance persisted, and lifts it once removed', async () => {
    const { scheduler, reloader } = instance();
    const other = instance();
    const reason = `${OUTAGE_PAUSE_PREFIX} since=2: not an admin`;
    await other.store.save(other.scheduler.pause(GROUP, Date.now() + 3_600_000, reason));
    await reloader.reload();
    expect(scheduler.isPaused(GROUP, Date.now())).toBe(true);
    await other.store.remove(GROUP, OUTAGE_PAUSE_PREFIX);
    await reloader.reload();
    expect(scheduler.isPaused(GROUP, Date.now())).toBe(false);
  });
});
