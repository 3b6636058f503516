/**
 * Issue 17: the next due time (`nextDueAt()`, asked after every round that held work back
 * for a budget — 0.76 times per relayed message in the benchmark) is read once and then kept,
 * lowered by what this process learns (its enqueues, its retries, on Postgres the other
 * instances' NOTIFY payloads) and read again after recovery, or after 500 ms (a second
 * SQLite process announces nothing). Counted statements, never
 * timings. On SQLite, or Postgres with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../../src/adapters/db/knex.js';
import { createOutboxStore, type DbOutboxStore } from '../../../src/adapters/db/outbox-store.js';
import type { EnqueuedJob, NewOutboxJob } from '../../../src/core/traffic/outbox.js';
import { createMigratedTestDb, testDialect, type TestDb } from '../../helpers/db.js';

const FAN = 720_000_001;

function notice(key: string, notBefore?: Date, chatId = FAN): NewOutboxJob {
  return {
    kind: 'notice.fan',
    target: { type: 'chat', chatId },
    method: 'sendMessage',
    params: { text: key },
    dedupeKey: key,
    ...(notBefore ? { notBefore } : {}),
  };
}

describe('the next due time is read once and kept up to date (issue 17)', () => {
  let t: TestDb;
  let store: DbOutboxStore;

  beforeAll(async () => {
    t = await createMigratedTestDb();
    store = createOutboxStore(t.db);
  });
  afterAll(async () => {
    await t?.destroy();
  });

  /** `nextDueAt()`'s answer and how many statements read it. */
  async function nextDue(): Promise<{ due: number | null; reads: number }> {
    let reads = 0;
    const listener = (q: { sql: string }) => {
      if (/min\(available_at\)/i.test(q.sql)) reads++;
    };
    t.db.on('query', listener);
    try {
      const due = await store.nextDueAt();
      return { due: due?.getTime() ?? null, reads };
    } finally {
      t.db.removeListener('query', listener);
    }
  }

  it('reads once, then answers from what this process queued, retried and recovered', async () => {
    await store.enqueue([notice('w:2', undefined, FAN + 1)]);
    const [claimed] = await store.claim({
      workerId: 'w',
      leaseMs: 60_000,
      limit: 1,
      excludeChatIds: [],
      privateChats: true,
    });
    expect(claimed?.params.text).toBe('w:2');
    expect(await nextDue()).toEqual({ due: null, reads: 1 });
    expect(await nextDue()).toEqual({ due: null, reads: 0 });

    const later = new Date(Date.now() + 600_000);
    await store.enqueue([notice('w:1', later)]);
    expect(await nextDue()).toEqual({ due: later.getTime(), reads: 0 });

    const soon = new Date(Date.now() + 300_000);
    await store.retry([claimed!.id], { availableAt: soon, countAttempt: false, error: 'x' });
    expect(await nextDue()).toEqual({ due: soon.getTime(), reads: 0 });

    // Put back by recovery: due times not known here, read again.
    await t
      .db('outbox')
      .where({ dedupe_key: 'w:1' })
      .update({ status: 'sending', locked_by: 'gone', available_at: new Date(1_000) });
    await store.recoverAbandoned({ all: true });
    expect(await nextDue()).toEqual({ due: 1_000, reads: 1 });
  });

  it('lowers it by what another instance announces (Postgres: NOTIFY); without an announcement (a second SQLite process) reads it again within 500 ms', async () => {
    const other = createDb(t.url);
    try {
      await nextDue();
      const heard: Array<readonly EnqueuedJob[] | undefined> = [];
      const stop = await store.onEnqueued((jobs) => heard.push(jobs));
      try {
        const due = new Date(500);
        await createOutboxStore(other).enqueue([notice('w:other', due)]);
        if (testDialect === 'postgres') {
          for (let i = 0; i < 200 && heard.length === 0; i++)
            await new Promise((resolve) => setTimeout(resolve, 10));
          expect(heard).toHaveLength(1);
          expect(await nextDue()).toEqual({ due: 500, reads: 0 });
        } else {
          // Nothing announced across processes: the kept answer stands until it is read again.
          expect((await nextDue()).reads).toBe(0);
          await new Promise((resolve) => setTimeout(resolve, 550));
          expect(await nextDue()).toEqual({ due: 500, reads: 1 });
        }
      } finally {
        await stop();
      }
    } finally {
      await other.destroy();
    }
  });
});
