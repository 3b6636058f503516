import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobLock } from '../../src/adapters/db/bot-state-store.js';
import { createOutboxStore } from '../../src/adapters/db/outbox-store.js';
import { createUpdateStore } from '../../src/adapters/db/update-store.js';
import { silentLogger } from '../../src/core/logger.js';
import { JOBS } from '../../src/jobs/index.js';
import {
  pruneTelegramUpdatesJob,
  UPDATE_RETENTION_MS,
} from '../../src/jobs/prune-telegram-updates.js';
import { startJobScheduler } from '../../src/jobs/scheduler.js';
import { createMigratedTestDb, type TestDb } from '../helpers/db.js';

describe('scheduled jobs', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createMigratedTestDb();
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('runs a job once per slot across instances and prunes old update ids', async () => {
    const updates = createUpdateStore(t.db, 123);
    await updates.markProcessed(1);
    await t
      .db('telegram_updates')
      .where({ update_id: 1 })
      .update({ processed_at: new Date(Date.now() - UPDATE_RETENTION_MS - 60_000) });
    await updates.markProcessed(2);
    const deps = {
      updates,
      outbox: createOutboxStore(t.db),
      jobLock: createJobLock(t.db),
      logger: silentLogger,
      now: () => new Date(),
    };
    const a = startJobScheduler(JOBS, deps, 'instance-a');
    const b = startJobScheduler(JOBS, deps, 'instance-b');
    const results = await Promise.all([
      a.runOnce(pruneTelegramUpdatesJob, 'slot-1'),
      b.runOnce(pruneTelegramUpdatesJob, 'slot-1'),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await updates.isProcessed(1)).toBe(false);
    expect(await updates.isProcessed(2)).toBe(true);
    expect(await updates.markProcessed(2)).toBe(false);
    await a.stop();
    await b.stop();
  });
});
