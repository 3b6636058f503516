/**
 * Issue 17: a SQLite COMMIT that crosses `wal_autocheckpoint` checkpoints in the committing
 * connection, fsyncs included, blocking the event loop. A thread with its own connection
 * checkpoints instead; the main connection keeps a large autocheckpoint as a backstop. SQLite
 * files only (whatever TEST_DATABASE_URL says): the thread is a SQLite mechanism.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../../src/adapters/db/knex.js';
import { BACKGROUND_CHECKPOINT, checkpointerOf } from '../../../src/adapters/db/sqlite-client.js';

interface RawConnection {
  pragma(source: string, options?: { simple?: boolean }): unknown;
}

const dirs: string[] = [];
const dbs: Db[] = [];

function open(options: Parameters<typeof createDb>[1] = {}): { db: Db; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-ckpt-'));
  dirs.push(dir);
  const file = path.join(dir, 'test.db');
  const db = createDb(`sqlite:${file}`, options);
  dbs.push(db);
  return { db, file };
}

async function withConnection<T>(db: Db, fn: (c: RawConnection) => T): Promise<T> {
  const client = db.client as {
    acquireConnection(): Promise<RawConnection>;
    releaseConnection(c: RawConnection): Promise<void>;
  };
  const connection = await client.acquireConnection();
  try {
    return fn(connection);
  } finally {
    await client.releaseConnection(connection);
  }
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Writes `n` small transactions (a few pages each). */
async function write(db: Db, n: number, from = 0) {
  for (let i = from; i < from + n; i++) {
    await db.transaction(async (trx) => {
      await trx('t').insert({ id: i, body: 'x'.repeat(500) });
    });
  }
}

afterEach(async () => {
  for (const db of dbs.splice(0)) await db.destroy();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('SQLite checkpoints in a thread of their own', () => {
  it('the thread copies the WAL into the database; the main connection only has a backstop', async () => {
    const { db } = open({ backgroundCheckpointAfterMs: 0 });
    await db.schema.createTable('t', (t) => {
      t.integer('id').primary();
      t.text('body');
    });
    await until(
      () => withConnection(db, (c) => checkpointerOf(c) !== undefined),
      'the checkpointer',
    );
    await withConnection(db, (c) => {
      expect(c.pragma('wal_autocheckpoint', { simple: true })).toBe(
        BACKGROUND_CHECKPOINT.backstopPages,
      );
    });
    await write(db, 50);
    // Every frame the writer added is copied by the thread (the log is then restarted).
    await until(
      () =>
        withConnection(db, (c) => {
          const last = checkpointerOf(c)?.last;
          return (
            last !== null && last !== undefined && last.log > 0 && last.checkpointed === last.log
          );
        }),
      'a complete checkpoint',
    );
    const rows = (await db('t').count({ n: '*' }))[0] as { n: unknown };
    expect(Number(rows.n)).toBe(50);
  });

  it('without the thread, SQLite checkpoints as before', async () => {
    const { db } = open({ backgroundCheckpointAfterMs: false });
    await db.raw('select 1');
    await new Promise((r) => setTimeout(r, 50));
    await withConnection(db, (c) => {
      expect(checkpointerOf(c)).toBeUndefined();
      expect(c.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000);
    });
  });

  it('a connection closed before the delay never starts a thread; closing stops a running one', async () => {
    const late = open({ backgroundCheckpointAfterMs: 60_000 });
    await late.db.raw('select 1');
    await withConnection(late.db, (c) => expect(checkpointerOf(c)).toBeUndefined());
    await late.db.destroy();
    dbs.splice(dbs.indexOf(late.db), 1);

    const { db, file } = open({ backgroundCheckpointAfterMs: 0 });
    await db.schema.createTable('t', (t) => {
      t.integer('id').primary();
      t.text('body');
    });
    await until(
      () => withConnection(db, (c) => checkpointerOf(c) !== undefined),
      'the checkpointer',
    );
    await write(db, 20);
    await db.destroy();
    dbs.splice(dbs.indexOf(db), 1);
    // Closed cleanly (the last connection's close checkpoints and removes the WAL); intact.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const again = createDb(`sqlite:${file}`, { backgroundCheckpointAfterMs: false });
    dbs.push(again);
    const ok = (await again.raw('PRAGMA integrity_check')) as Array<Record<string, unknown>>;
    expect(Object.values(ok[0]!)).toEqual(['ok']);
    const rows = (await again('t').count({ n: '*' }))[0] as { n: unknown };
    expect(Number(rows.n)).toBe(20);
  });
});
