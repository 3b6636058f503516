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
 * relay jobs of all its texts are one insert before the COMMIT (`enqueueDeferred`): on
 * SQLite four statements per text and one per batch. On Postgres a batch costs three
 * statements whatever its texts: the records and locked reads of all its texts' fans
 * (`prefetchFans`, fan-message-reads.ts), their spends (held back and written together,
 * checked: ledger/deferred-spends.ts) and their relay jobs.
 */
import type { Knex } from 'knex';
import { UnknownFanError } from '../../core/errors.js';
import type { FanAccount } from '../../core/fan-account.js';
import type { LedgerMeta } from '../../core/ledger.js';
import type { FanProfile } from '../../core/fan.js';
import type { FanMessageStore, FanMessageTransaction } from '../../core/relay/ports.js';
import { UpdateAlreadyProcessed } from '../../core/traffic/ports.js';
import { toFanAccount } from './fan-account-store.js';
import { albumOps } from './fan-message-albums.js';
import {
  FAN_SQL,
  FAN_SQL_LOCKED,
  NEW_FAN_SQL,
  prefetchFans,
  recordAndRead,
  type LockedRow,
} from './fan-message-reads.js';
import { createIntakeBatches, NothingWritten } from './intake-batches.js';
import { fanMessageMarks } from './inbox-store.js';
import { isPostgres, rowsOf } from './raw.js';
import { earlierEntry, findEntry } from './ledger/entries.js';
import { spendLocked } from './ledger/spends.js';
import { deferSpend, defersSpends, flushSpends, holdsSpendOf } from './ledger/deferred-spends.js';
import type { DbLedgerStore } from './ledger-store.js';
import type { DbOutboxStore } from './outbox-store.js';
import type { DbUpdateStore } from './update-store.js';
import { toDate } from './rows.js';

export interface FanMessageStoreDeps {
  ledger: DbLedgerStore;
  outbox: Pick<DbOutboxStore, 'enqueueDeferred'>;
  /** Records the update as processed in the transaction (no look-up before, no write after). */
  updates?: Pick<DbUpdateStore, 'recordStatement' | 'recordAllStatement' | 'recorded'>;
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
 * transactions hold the file's lock), or takes what the batch's prefetch read for it. A new
 * fan is inserted; a changed profile, or a stale `blocked` flag (the fan just wrote, so they
 * have not blocked the bot), is written — otherwise nothing is.
 */
async function lockFan(
  trx: Knex.Transaction,
  profile: FanProfile,
  record: Parameters<typeof recordAndRead>[2],
): Promise<FanState> {
  if (!Number.isSafeInteger(profile.id) || profile.id <= 0) throw new UnknownFanError(profile.id);
  const fields = profileColumns(profile);
  // Another text of the fan earlier in the batch holds its spend back: written first.
  if (holdsSpendOf(trx, profile.id)) await flushSpends(trx);
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
    recordAllStatement: (updateIds) => updates.recordAllStatement(updateIds),
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

/**
 * The text's spend through the transaction that read and locked the fan (`state`). In a
 * batch on Postgres, a counted spend on the row as read is held back and written with the
 * batch's others (ledger/deferred-spends.ts); otherwise it is written at once.
 */
async function spendFor(
  trx: Knex.Transaction,
  state: FanState,
  account: () => Promise<FanAccount>,
  spend: { cost: number; key: string; meta: LedgerMeta; now?: Date },
): Promise<{ credits: number; duplicate: boolean }> {
  const { cost, key, meta, now } = spend;
  const fanId = state.account.fanId;
  if (now && !state.stale && defersSpends(trx)) {
    const credits = deferSpend(trx, {
      fanId,
      cost,
      key,
      meta,
      at: now,
      credits: state.account.credits,
      frozen: state.account.frozen,
    });
    state.account = { ...state.account, credits, messageCount: state.account.messageCount + 1 };
    state.counted = true;
    return { credits, duplicate: false };
  }
  await flushSpends(trx);
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
}

/** `ops` with each call run after `flush` (a held spend is written before their statements). */
function flushingFirst<T extends object>(ops: T, flush: () => Promise<void>): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, op] of Object.entries(ops)) {
    wrapped[name] =
      typeof op === 'function'
        ? async (...args: unknown[]) => {
            await flush();
            return (op as (...a: unknown[]) => unknown)(...args);
          }
        : op;
  }
  return wrapped as T;
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
    /** Before any other statement on the fan: a spend held back is written first. */
    const flushed = () => flushSpends(trx);
    async function account(): Promise<FanAccount> {
      if (state.stale) {
        await flushed();
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
        await flushed();
        return findEntry(trx, key);
      },
      credits: async () => (await account()).credits,
      account,
      spend: (cost, key, meta, now) => spendFor(trx, state, account, { cost, key, meta, now }),
      async startPass(now, key, meta) {
        await flushed();
        state.stale = true;
        return ledger.startPass(fanId, now, key, meta, trx);
      },
      async countMessage(now) {
        if (state.counted) return;
        await flushed();
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
        await flushed();
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
      ...flushingFirst(
        albumOps(trx, fanId, {
          async returnSpend(spendKey, key, tx) {
            state.stale = true;
            return ledger.returnSpend(spendKey, key, tx);
          },
        }),
        flushed,
      ),
    };
  }

  // Texts asked for together share a transaction (intake-batches.ts).
  const batches = createIntakeBatches(db, {
    prefetch:
      isPostgres(db) && deps.updates
        ? (trx, keys) => prefetchFans(trx, deps.updates!, keys)
        : undefined,
  });

  return {
    async inTransaction(profile, work, updateId) {
      // Outside the transaction: SQLite has one connection.
      const legacy = await legacySpends();
      const updates = deps.updates;
      return batches.run(
        async (trx, afterCommit) => {
          const record =
            updateId !== undefined && updates
              ? { updateId, store: recordedAfterCommit(updates, afterCommit) }
              : null;
          return work(transactionOf(trx, await lockInBatch(trx, profile, record), legacy));
        },
        { fanId: profile.id, updateId },
      );
    },
  };
}
