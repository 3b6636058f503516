/** Processed Telegram update ids, scoped by bot id (update ids are only unique per bot). */
import type { Knex } from 'knex';
import { BoundedSet } from '../../core/traffic/bounded-set.js';
import type { UpdateStore } from '../../core/traffic/ports.js';

/** The store, plus the record a handler writes inside its own transaction. */
export interface DbUpdateStore extends UpdateStore {
  /**
   * Records the update as processed in `trx` (the fan message's transaction); false when it
   * already was. The intake hears of it through `takeRecordedInHandler`.
   */
  recordIn(trx: Knex.Transaction, updateId: number): Promise<boolean>;
  /**
   * `recordIn` as a statement for the caller to run (alone, or merged into its own on
   * Postgres): `INSERT … ON CONFLICT DO NOTHING RETURNING update_id` with its bindings.
   * The caller reports the outcome with `recorded` (true: a row came back).
   */
  recordStatement(updateId: number): { sql: string; bindings: Knex.Value[] };
  /**
   * Postgres: `recordStatement` for several updates at once, one text whatever their number
   * (`RETURNING update_id` of those it recorded).
   */
  recordAllStatement(updateIds: readonly number[]): { sql: string; bindings: Knex.Value[] };
  /** What `recordStatement` returned: true when it recorded the update (see `recordIn`). */
  recorded(updateId: number, inserted: boolean): boolean;
}

/** The record, written by hand once (it runs for every fan message). */
const RECORD_SQL =
  'INSERT INTO telegram_updates (bot_id, update_id, processed_at) VALUES (?, ?, ?) ' +
  'ON CONFLICT (bot_id, update_id) DO NOTHING RETURNING update_id';

/** `RECORD_SQL` for an array of update ids (Postgres), written by hand once. */
const RECORD_ALL_SQL =
  'INSERT INTO telegram_updates (bot_id, update_id, processed_at) ' +
  'SELECT ?, unnest(CAST(? AS bigint[])), ? ' +
  'ON CONFLICT (bot_id, update_id) DO NOTHING RETURNING update_id';

/** Builds the processed-updates store for the bot whose token starts with `botId`. */
export function createUpdateStore(db: Knex, botId: number): DbUpdateStore {
  // Ids recorded by handlers and not yet taken by the intake (bounded: a handler that
  // failed after recording never has its id taken; its transaction rolled back anyway).
  const recordedInHandler = new BoundedSet<number>(10_000);
  const insert = (q: Knex | Knex.Transaction, updateId: number) =>
    q('telegram_updates')
      .insert({ bot_id: botId, update_id: updateId, processed_at: new Date() })
      .onConflict(['bot_id', 'update_id'])
      .ignore()
      .returning('update_id') as Promise<unknown[]>;
  return {
    async isProcessed(updateId) {
      const row = (await db('telegram_updates')
        .where({ bot_id: botId, update_id: updateId })
        .first('update_id')) as object | undefined;
      return row !== undefined;
    },
    async markProcessed(updateId) {
      return (await insert(db, updateId)).length > 0;
    },
    async recordIn(trx, updateId) {
      const recorded = (await insert(trx, updateId)).length > 0;
      if (recorded) recordedInHandler.add(updateId);
      return recorded;
    },
    recordStatement(updateId) {
      return { sql: RECORD_SQL, bindings: [botId, updateId, new Date()] };
    },
    recordAllStatement(updateIds) {
      return { sql: RECORD_ALL_SQL, bindings: [botId, `{${updateIds.join(',')}}`, new Date()] };
    },
    recorded(updateId, inserted) {
      if (inserted) recordedInHandler.add(updateId);
      return inserted;
    },
    takeRecordedInHandler(updateId) {
      return recordedInHandler.delete(updateId);
    },
    async prune(before) {
      return db('telegram_updates')
        .where({ bot_id: botId })
        .where('processed_at', '<', before)
        .delete();
    },
  };
}
