/**
 * The fan message use case's transaction (core/relay/ports.ts): the fan's row is read and
 * locked once (created, or its profile refreshed, only when needed), then the use case
 * reads, spends and queues through this object, and everything commits together or not at
 * all. It only persists; the decision is core's.
 *
 * A paid text costs five statements here (issue 17): the update id's record (its unique key
 * is the intake's duplicate check), the locked read of the fan's account
 * (their row and conversation, the last top-up kept on the row — never a ledger scan), the
 * spend's ledger entry (its unique key is the duplicate check), one update of the fan's row
 * (balance, message count, inbox) and the relay job. Reads after the first come from what
 * this transaction read and wrote.
 *
 * Texts asked for together run one after another in one transaction (the intake's group
 * commit, intake-batches.ts): each caller hears of its text after that COMMIT, and a text
 * that fails rolls the batch back and each of its texts runs again alone. In a batch the
 * relay jobs of all its texts are one insert before the COMMIT (`enqueueDeferred`): four
 * statements per text and one per batch.
 */
import type { Knex } from 'knex';
import { UnknownFanError } from '../../core/errors.js';
import type { FanAccount } from '../../core/fan-account.js';
import type { FanProfile } from '../../core/fan.js';
import type { FanMessageStore, FanMessageTransaction } from '../../core/relay/ports.js';
import { UpdateAlreadyProcessed } from '../../core/traffic/ports.js';
import { ACCOUNT_COLUMNS, toFanAccount, type AccountRow } from './fan-account-store.js';
import { albumOps } from './fan-message-albums.js';
import { createIntakeBatches, NothingWritten } from './intake-batches.js';
import { fanMessageMarks } from './inbox-store.js';
import { isPostgres, rowsOf } from './raw.js';
import { earlierEntry, findEntry } from './ledger/entries.js';
import { spendLocked } from './ledger/spends.js';
import type { DbLedgerStore } from './ledger-store.js';
import type { DbOutboxStore } from './outbox-store.js';
import type { DbUpdateStore } from './update-store.js';
import { toDate } from './rows.js';

export interface FanMessageStoreDeps {
  ledger: DbLedgerStore;
  outbox: Pick<DbOutboxStore, 'enqueueDeferred'>;
  /** Records the update as processed in the transaction (no look-up before, no write after). */
  updates?: Pick<DbUpdateStore, 'recordStatement' | 'recorded'>;
}

interface LockedRow extends AccountRow {
  credits_prompted_at: unknown;
  last_top_up_at: unknown;
  conversation_user_id: unknown;
  title: string | null;
}

/** What the transaction knows about the fan (read once, kept up to date by its writes). */
interface FanState {
  account: FanAccount;
  promptedAt: Date | null;
  toppedUpAt: Date | null;
  /** The topic's stored title ('' when none yet); null without a conversation row. */
  title: string | null;
  /** The message was counted by the spend's update. */
  counted: boolean;
  /** A write this object does not follow (a refund, a pass start): read again. */
  stale: boolean;
}

/** Fan message spends keyed by update id (before `spend:<chat>:<message>`). */
const LEGACY_SPEND_KEY = /^spend:\d+$/;
/** Telegram redelivers an update for a day; processed update ids are kept a week. */
const LEGACY_WINDOW_MS = 8 * 24 * 60 * 60_000;
const LEGACY_RECHECK_MS = 60 * 60_000;

/** The columns of the locked read (ACCOUNT_COLUMNS and what the transaction also needs). */
const FAN_COLUMNS = [
  ...ACCOUNT_COLUMNS,
  'u.credits_prompted_at',
  'u.last_top_up_at',
  'c.user_id AS conversation_user_id',
  'c.title',
];

/** The locked read, written by hand once: the fan's row and their conversation. */
const FAN_SQL =
  `SELECT ${FAN_COLUMNS.join(', ')} FROM users AS u LEFT JOIN conversations AS c ON c.user_id = u.id ` +
  'WHERE u.id = ? LIMIT 1';

/**
 * A new fan's insert, returning what the locked read gives (a new fan has no conversation):
 * the row an insert creates is locked by it until the COMMIT.
 */
const NEW_FAN_SQL =
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
const FAN_SQL_LOCKED = `${FAN_SQL} FOR NO KEY UPDATE OF u`;

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
async function recordAndRead(
  trx: Knex.Transaction,
  fanId: number,
  record: { updateId: number; store: NonNullable<FanMessageStoreDeps['updates']> } | null,
): Promise<LockedRow | undefined> {
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

function stateOf(row: LockedRow): FanState {
  const hasConversation =
    row.conversation_user_id !== null && row.conversation_user_id !== undefined;
  return {
    account: toFanAccount(row),
    promptedAt: toDate(row.credits_prompted_at),
    toppedUpAt: toDate(row.last_top_up_at),
    title: hasConversation ? (row.title ?? '') : null,
    counted: false,
    stale: false,
  };
}

/** The profile columns as Telegram gives them. */
function profileColumns(profile: FanProfile) {
  return {
    username: profile.username ?? null,
    first_name: profile.firstName ?? null,
    last_name: profile.lastName ?? null,
    language_code: profile.languageCode ?? null,
  };
}

/**
 * Reads and locks the fan's row (Postgres: `FOR NO KEY UPDATE OF u`; SQLite's write
 * transactions hold the file's lock). A new fan is inserted; a changed profile, or a stale `blocked` flag
 * (the fan just wrote, so they have not blocked the bot), is written — otherwise nothing is.
 */
async function lockFan(
  trx: Knex.Transaction,
  profile: FanProfile,
  record: Parameters<typeof recordAndRead>[2],
): Promise<FanState> {
  if (!Number.isSafeInteger(profile.id) || profile.id <= 0) throw new UnknownFanError(profile.id);
  const fields = profileColumns(profile);
  let row = await recordAndRead(trx, profile.id, record);
  if (!row) {
    // A new fan: the insert returns their row (no conversation yet) — one statement. When
    // another transaction inserted them meanwhile, their row is read (and locked) instead.
    row = rowsOf<LockedRow>(
      await trx.raw(NEW_FAN_SQL, [
        profile.id,
        fields.username,
        fields.first_name,
        fields.last_name,
        fields.language_code,
      ]),
    )[0];
    row ??= rowsOf<LockedRow>(
      await trx.raw(isPostgres(trx) ? FAN_SQL_LOCKED : FAN_SQL, [profile.id]),
    )[0];
    if (!row) throw new UnknownFanError(profile.id);
    return stateOf(row);
  }
  const state = stateOf(row);
  const changed = (Object.keys(fields) as Array<keyof typeof fields>).some(
    (k) => (row[k] ?? null) !== fields[k],
  );
  if (changed || state.account.blocked) {
    await trx('users')
      .where('id', profile.id)
      .update({ ...fields, is_blocked: false, updated_at: new Date() });
  }
  return state;
}

/**
 * The update's record in a batched intake: the intake hears that the update is recorded
 * (`takeRecordedInHandler`) once the record is durable, after the batch's COMMIT — a batch
 * rolled back leaves nothing behind.
 */
function recordedAfterCommit(
  updates: NonNullable<FanMessageStoreDeps['updates']>,
  afterCommit: (hook: () => void) => void,
): NonNullable<FanMessageStoreDeps['updates']> {
  return {
    recordStatement: (updateId) => updates.recordStatement(updateId),
    recorded(updateId, inserted) {
      if (inserted) afterCommit(() => updates.recorded(updateId, true));
      return inserted;
    },
  };
}

/** `lockFan` in a batch: a redelivered update stopped by its record wrote nothing. */
async function lockInBatch(
  trx: Knex.Transaction,
  profile: FanProfile,
  record: Parameters<typeof recordAndRead>[2],
): Promise<FanState> {
  try {
    return await lockFan(trx, profile, record);
  } catch (err) {
    if (err instanceof UpdateAlreadyProcessed) throw new NothingWritten(err);
    throw err;
  }
}

/** Whether spends keyed by update id were written recently enough to be redelivered. */
function legacySpendCheck(db: Knex): () => Promise<boolean> {
  let cached: { at: number; value: Promise<boolean> } | null = null;
  return () => {
    if (!cached || Date.now() - cached.at > LEGACY_RECHECK_MS) {
      const value = db('credit_ledger')
        .where('idempotency_key', '>=', 'spend:')
        .where('idempotency_key', '<', 'spend;')
        .whereNot('idempotency_key', 'like', 'spend:%:%')
        .where('created_at', '>', new Date(Date.now() - LEGACY_WINDOW_MS))
        .first('id')
        .then((r: unknown) => r !== undefined);
      cached = { at: Date.now(), value };
      value.catch(() => (cached = null));
    }
    return cached.value;
  };
}

export function createFanMessageStore(db: Knex, deps: FanMessageStoreDeps): FanMessageStore {
  const { ledger, outbox } = deps;
  const legacySpends = legacySpendCheck(db);

  function transactionOf(
    trx: Knex.Transaction,
    state: FanState,
    legacy: boolean,
  ): FanMessageTransaction {
    const fanId = state.account.fanId;
    async function account(): Promise<FanAccount> {
      if (state.stale) {
        const row = rowsOf<LockedRow>(await trx.raw(FAN_SQL, [fanId]))[0];
        if (!row) throw new UnknownFanError(fanId);
        Object.assign(state, { ...stateOf(row), counted: state.counted });
      }
      return state.account;
    }
    const countColumns = (now: Date) => ({
      message_count: trx.raw('message_count + 1'),
      last_activity_at: now,
      ...fanMessageMarks(trx, now),
    });
    return {
      async earlierEntry(key) {
        // Keys of the old format can only exist for updates of the past week.
        if (LEGACY_SPEND_KEY.test(key) && !legacy) return null;
        return findEntry(trx, key);
      },
      credits: async () => (await account()).credits,
      account,
      async spend(cost, key, meta, now) {
        const spent = await spendLocked(trx, fanId, cost, key, meta, now);
        if (!spent) {
          // A redelivered message: its spend is the earlier entry (same fan, same cost).
          await earlierEntry(trx, key, fanId, ['spend'], (e) => e.creditsDelta === -cost);
          return { credits: (await account()).credits, duplicate: true };
        }
        state.account = { ...state.account, credits: spent.balance.credits };
        if (now) {
          state.counted = true;
          state.account.messageCount += 1;
        }
        return { credits: spent.balance.credits, duplicate: false };
      },
      async startPass(now, key, meta) {
        state.stale = true;
        return ledger.startPass(fanId, now, key, meta, trx);
      },
      async countMessage(now) {
        if (state.counted) return;
        await trx('users').where('id', fanId).update(countColumns(now));
        state.counted = true;
        if (!state.stale)
          state.account = { ...state.account, messageCount: state.account.messageCount + 1 };
      },
      async enqueue(jobs) {
        // In a batch of the intake, written with the batch's other texts' jobs before its
        // COMMIT (one insert); alone, at once.
        await outbox.enqueueDeferred(trx, jobs);
      },
      async promptState() {
        await account();
        return { promptedAt: state.promptedAt, toppedUpAt: state.toppedUpAt };
      },
      async markPrompted(now) {
        await trx('users').where('id', fanId).update({ credits_prompted_at: now });
        state.promptedAt = now;
      },
      async topicTitle() {
        await account();
        return state.title;
      },
      async setTopicTitle(title) {
        await trx('conversations')
          .where('user_id', fanId)
          .update({ title, updated_at: new Date() });
        state.title = title;
      },
      ...albumOps(trx, fanId, {
        async returnSpend(spendKey, key, tx) {
          state.stale = true;
          return ledger.returnSpend(spendKey, key, tx);
        },
      }),
    };
  }

  // Texts asked for together share a transaction (intake-batches.ts).
  const batches = createIntakeBatches(db);

  return {
    async inTransaction(profile, work, updateId) {
      // Outside the transaction: SQLite has one connection.
      const legacy = await legacySpends();
      const updates = deps.updates;
      return batches.run(async (trx, afterCommit) => {
        const record =
          updateId !== undefined && updates
            ? { updateId, store: recordedAfterCommit(updates, afterCommit) }
            : null;
        return work(transactionOf(trx, await lockInBatch(trx, profile, record), legacy));
      });
    },
  };
}
