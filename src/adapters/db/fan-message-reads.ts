/**
 * The fan message transaction's first statements (fan-message-store.ts): the update's record
 * and the fan's locked read — per text, or on Postgres for a whole batch of the intake at
 * once (`prefetchFans`, issue 17), each text then taking what was read for it.
 */
import type { Knex } from 'knex';
import { UpdateAlreadyProcessed } from '../../core/traffic/ports.js';
import { ACCOUNT_COLUMNS, type AccountRow } from './fan-account-store.js';
import type { PrefetchKey } from './intake-batches.js';
import { isPostgres, rowsOf } from './raw.js';
import type { DbUpdateStore } from './update-store.js';

/** What records an update as processed, in the caller's statement. */
export type RecordStore = Pick<
  DbUpdateStore,
  'recordStatement' | 'recordAllStatement' | 'recorded'
>;

export interface LockedRow extends AccountRow {
  credits_prompted_at: unknown;
  last_top_up_at: unknown;
  conversation_user_id: unknown;
  title: string | null;
}

/** The columns of the locked read (ACCOUNT_COLUMNS and what the transaction also needs). */
const FAN_COLUMNS = [
  ...ACCOUNT_COLUMNS,
  'u.credits_prompted_at',
  'u.last_top_up_at',
  'c.user_id AS conversation_user_id',
  'c.title',
];

/** The locked read, written by hand once: the fan's row and their conversation. */
export const FAN_SQL =
  `SELECT ${FAN_COLUMNS.join(', ')} FROM users AS u LEFT JOIN conversations AS c ON c.user_id = u.id ` +
  'WHERE u.id = ? LIMIT 1';

/**
 * A new fan's insert, returning what the locked read gives (a new fan has no conversation):
 * the row an insert creates is locked by it until the COMMIT.
 */
export const NEW_FAN_SQL =
  'INSERT INTO users (id, username, first_name, last_name, language_code) ' +
  'VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING ' +
  FAN_COLUMNS.filter((c) => c.startsWith('u.'))
    .map((c) => c.slice(2))
    .join(', ');

/**
 * Postgres: the row lock; SQLite's write transactions hold the file's lock already. `NO KEY
 * UPDATE`, the lock an UPDATE of the row takes: it excludes every other credit move on the
 * fan (they take it too) but not the key-share lock a foreign key's check takes — with
 * `FOR UPDATE`, the outbox worker's inserts that name the fan (a message's links, a new
 * topic) waited for the intake batch holding the fan, and the batch for them (issue 17).
 */
export const FAN_SQL_LOCKED = `${FAN_SQL} FOR NO KEY UPDATE OF u`;

/**
 * Postgres, a batch of the intake (intake-batches.ts `prefetch`): the records of its texts'
 * updates and the locked reads of their fans in ONE statement, before the texts run — a
 * round trip less per text. Rows are locked in the order of their ids (the index scan of
 * `= ANY`). One row per fan found, each with the update ids recorded; one row of nulls
 * when none is.
 */
function prefetchSql(record: string): string {
  return (
    `WITH rec AS (${record}), fan AS (SELECT ${FAN_COLUMNS.join(', ')} FROM users AS u ` +
    'LEFT JOIN conversations AS c ON c.user_id = u.id WHERE u.id = ANY(CAST(? AS bigint[])) ' +
    'FOR NO KEY UPDATE OF u) ' +
    'SELECT ARRAY(SELECT update_id FROM rec) AS recorded, fan.* FROM (SELECT 1) AS one ' +
    'LEFT JOIN fan ON true'
  );
}

/** What a batch's prefetch read for its first text of each fan, taken by that text. */
interface Prefetched {
  /** Fan id → the update id the read was for (undefined: none), until a text takes it. */
  pending: Map<number, number | undefined>;
  rows: Map<number, LockedRow>;
  recorded: Set<number>;
}

const prefetchedIn = new WeakMap<Knex.Transaction, Prefetched>();

/**
 * What the prefetch read for `fanId` and `updateId`, taken (once): the row (undefined for a
 * fan not found) and whether the update was recorded. Null when it read nothing for them.
 */
function takePrefetched(
  trx: Knex.Transaction,
  fanId: number,
  updateId: number | undefined,
): { row: LockedRow | undefined; recorded: boolean } | null {
  const pre = prefetchedIn.get(trx);
  if (!pre?.pending.has(fanId) || pre.pending.get(fanId) !== updateId) return null;
  pre.pending.delete(fanId);
  return {
    row: pre.rows.get(fanId),
    recorded: updateId !== undefined && pre.recorded.has(updateId),
  };
}

/**
 * Postgres: the update's record and the locked read in one statement (one round trip). The
 * record's insert runs whether or not the fan exists; `recorded` says whether it inserted.
 */
function recordAndLockSql(record: string): string {
  return (
    `WITH rec AS (${record}), fan AS (${FAN_SQL_LOCKED}) ` +
    'SELECT (SELECT count(*) FROM rec) AS recorded, fan.* FROM (SELECT 1) AS one ' +
    'LEFT JOIN fan ON true'
  );
}

/**
 * The update's record (when there is one) and the fan's locked row: on Postgres one
 * statement, on SQLite two. Throws UpdateAlreadyProcessed for a redelivered update, before
 * anything is written.
 */
export async function recordAndRead(
  trx: Knex.Transaction,
  fanId: number,
  record: { updateId: number; store: RecordStore } | null,
): Promise<LockedRow | undefined> {
  const pre = takePrefetched(trx, fanId, record?.updateId);
  if (pre) {
    if (record && !record.store.recorded(record.updateId, pre.recorded)) {
      throw new UpdateAlreadyProcessed(record.updateId);
    }
    return pre.row;
  }
  const postgres = isPostgres(trx);
  if (!record)
    return rowsOf<LockedRow>(await trx.raw(postgres ? FAN_SQL_LOCKED : FAN_SQL, [fanId]))[0];
  const { sql, bindings } = record.store.recordStatement(record.updateId);
  if (postgres) {
    const row = rowsOf<LockedRow & { recorded: unknown }>(
      await trx.raw(recordAndLockSql(sql), [...bindings, fanId]),
    )[0];
    if (!record.store.recorded(record.updateId, Number(row?.recorded) > 0)) {
      throw new UpdateAlreadyProcessed(record.updateId);
    }
    return row && row.id !== null && row.id !== undefined ? row : undefined;
  }
  const inserted = rowsOf(await trx.raw(sql, bindings)).length > 0;
  if (!record.store.recorded(record.updateId, inserted)) {
    throw new UpdateAlreadyProcessed(record.updateId);
  }
  return rowsOf<LockedRow>(await trx.raw(FAN_SQL, [fanId]))[0];
}

/** Postgres: a batch's records and locked reads, one statement (see `prefetchSql`). */
export async function prefetchFans(
  trx: Knex.Transaction,
  updates: RecordStore,
  keys: readonly PrefetchKey[],
): Promise<void> {
  // The first text of each fan (another of the same fan reads after it, in the batch).
  const first = new Map<number, number | undefined>();
  for (const { fanId, updateId } of keys) {
    if (Number.isSafeInteger(fanId) && fanId > 0 && !first.has(fanId)) first.set(fanId, updateId);
  }
  const updateIds = [...first.values()].filter((id): id is number => id !== undefined);
  if (first.size === 0 || updateIds.length === 0) return;
  const { sql, bindings } = updates.recordAllStatement(updateIds);
  const rows = rowsOf<LockedRow & { recorded: unknown[] }>(
    await trx.raw(prefetchSql(sql), [...bindings, `{${[...first.keys()].join(',')}}`]),
  );
  const pre: Prefetched = {
    pending: first,
    rows: new Map(),
    recorded: new Set((rows[0]?.recorded ?? []).map(Number)),
  };
  for (const row of rows)
    if (row.id !== null && row.id !== undefined) pre.rows.set(Number(row.id), row);
  prefetchedIn.set(trx, pre);
}
