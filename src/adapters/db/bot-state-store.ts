/** Small durable bot state and the once-per-slot lock of scheduled jobs. */
import type { Knex } from 'knex';
import type { JobLock, StateStore } from '../../core/traffic/ports.js';

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
