/** Small durable bot state, the install id and the once-per-slot lock of scheduled jobs. */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { INSTALL_ID_STATE_KEY, isInstallId } from '../../core/payments/install.js';
import type { JobLock, StateStore } from '../../core/traffic/ports.js';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A new install id: `pb_` and 12 random base32 characters (60 bits). */
export function newInstallId(): string {
  const bytes = randomBytes(12);
  let id = 'pb_';
  for (const byte of bytes) id += BASE32[byte % 32];
  return id;
}

/** The install id stored in `bot_state`, or null before setup/migrate/serve wrote one. */
export async function readInstallId(db: Knex): Promise<string | null> {
  const row = (await db('bot_state').where('key', INSTALL_ID_STATE_KEY).first('value')) as
    { value: string } | undefined;
  return row?.value ?? null;
}

/**
 * The install id, generated and stored the first time (setup, migrate or serve). Concurrent
 * first starts agree: the first insert wins and everyone reads it back.
 */
export async function ensureInstallId(db: Knex): Promise<string> {
  const existing = await readInstallId(db);
  if (existing !== null) {
    if (!isInstallId(existing)) throw new Error(`bot_state.install_id "${existing}" is malformed`);
    return existing;
  }
  await db('bot_state')
    .insert({ key: INSTALL_ID_STATE_KEY, value: newInstallId(), updated_at: new Date() })
    .onConflict('key')
    .ignore();
  const stored = await readInstallId(db);
  if (stored === null) throw new Error('the install id could not be stored');
  return stored;
}

export function createStateStore(db: Knex): StateStore {
  return {
    async get(key) {
      const row = (await db('bot_state').where('key', key).first('value')) as
        { value: string } | undefined;
      return row?.value ?? null;
    },
    async set(key, value) {
      await db('bot_state')
        .insert({ key, value, updated_at: new Date() })
        .onConflict('key')
        .merge(['value', 'updated_at']);
    },
  };
}

/** Whoever inserts the (name, slot) row first runs the job; works on both dialects. */
export function createJobLock(db: Knex): JobLock {
  return {
    async acquire(name, slot, owner) {
      const inserted = (await db('job_runs')
        .insert({ name, slot, owner, started_at: new Date() })
        .onConflict(['name', 'slot'])
        .ignore()
        .returning('name')) as unknown[];
      return inserted.length > 0;
    },
    async purge(before) {
      return db('job_runs').where('started_at', '<', before).delete();
    },
  };
}
