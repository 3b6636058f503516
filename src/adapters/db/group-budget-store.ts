/**
 * The admin group's shared send budget (`rate_windows`, created with the backbone and unused
 * until now): one row per group, read, changed
 * by core/traffic/shared-window and written back in one transaction. On Postgres the row is
 * locked (`FOR UPDATE`), so several instances take sends one after the other; SQLite has a
 * single writer.
 *
 * Hot path (issue 17): operations asked while one runs share the next write (group commit),
 * and a write usually needs no read nor transaction — the change is applied to the row as
 * this process last saw it and stored with one compare-and-swap `UPDATE … WHERE sends = <what
 * was seen>`; when another instance changed the row meanwhile the swap matches nothing and
 * the locked read-modify-write runs instead. Each operation is applied to the row's exact
 * content either way, so nothing is overspent.
 */
import type { Knex } from 'knex';
import type { GroupBudgetStore } from '../../core/traffic/ports.js';
import {
  decodeShared,
  encodeShared,
  pruneShared,
  settleShared,
  takeShared,
  type SharedSend,
} from '../../core/traffic/shared-window.js';
import { dialectOf } from './knex.js';
import { rowsOf } from './raw.js';

/** One operation on a group's log, waiting for its turn. */
interface Pending {
  change: (log: SharedSend[]) => { log: SharedSend[] };
  resolve: (result: { log: SharedSend[] }) => void;
  reject: (err: unknown) => void;
}

/** Applies `batch` to `log`, in order; the results and the log they leave. */
function run(log: SharedSend[], batch: readonly Pending[]) {
  const results = batch.map((p) => {
    const result = p.change(log);
    log = result.log;
    return result;
  });
  return { results, sends: encodeShared(log) };
}

/** The locked read-modify-write of the group's row (created on its first send). */
async function apply(
  trx: Knex.Transaction,
  postgres: boolean,
  chatId: number,
  batch: readonly Pending[],
): Promise<{ results: { log: SharedSend[] }[]; sends: string }> {
  const read = async () => {
    const query = trx('rate_windows').where({ chat_id: chatId }).first('sends');
    return (await (postgres ? query.forUpdate() : query)) as { sends: string } | undefined;
  };
  // The group's row is created once (its first send), not inserted-or-ignored each time.
  let row = await read();
  if (!row) {
    await trx('rate_windows')
      .insert({ chat_id: chatId, sends: '[]' })
      .onConflict('chat_id')
      .ignore();
    row = await read();
  }
  const { results, sends } = run(decodeShared(row?.sends), batch);
  if (sends !== row?.sends) {
    await trx('rate_windows').where({ chat_id: chatId }).update({ sends });
  }
  return { results, sends };
}

/** The compare-and-swap of the fast path (hand-written: one text, prepared once). */
const SWAP = 'UPDATE rate_windows SET sends = ? WHERE chat_id = ? AND sends = ? RETURNING chat_id';
const READ = 'SELECT sends FROM rate_windows WHERE chat_id = ?';

export function createGroupBudgetStore(db: Knex): GroupBudgetStore {
  const postgres = dialectOf(db) === 'postgres';
  /** Per group: the operations waiting while a transaction on its row runs. */
  const queues = new Map<number, Pending[]>();
  /** Per group: the row's text as this process last read or wrote it. */
  const seen = new Map<number, string>();

  /**
   * Runs `change` on the group's log under the row's lock and stores what it returns.
   * Group commit: an operation while none runs on the group goes out at once; those that
   * arrive meanwhile wait for it and then share one transaction (one read, one write), each
   * applied in turn, in the order they were asked, and each answered with the log as it left
   * that operation — what one transaction each would have given, in fewer statements.
   */
  function update<T extends { log: SharedSend[] }>(
    chatId: number,
    change: (log: SharedSend[]) => T,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = {
        change,
        resolve: resolve as Pending['resolve'],
        reject,
      };
      const waiting = queues.get(chatId);
      if (waiting) waiting.push(pending);
      else {
        queues.set(chatId, [pending]);
        void drain(chatId);
      }
    });
  }

  /** Runs the group's waiting operations, a batch per transaction, until none is left. */
  async function drain(chatId: number): Promise<void> {
    for (;;) {
      const batch = queues.get(chatId)!.splice(0);
      if (batch.length === 0) {
        queues.delete(chatId);
        return;
      }
      try {
        let results = await swap(chatId, batch);
        if (!results) {
          seen.delete(chatId);
          const done = await db.transaction((trx) => apply(trx, postgres, chatId, batch));
          // Known once committed (a rolled-back write is not the row's content).
          seen.set(chatId, done.sends);
          results = done.results;
        }
        batch.forEach((p, i) => p.resolve(results[i]!));
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
  }

  /**
   * The fast path: the batch applied to the row as this process last saw it, written in one
   * statement only if the row still holds exactly that (compare-and-swap) — no transaction,
   * no read. Undefined when the row changed meanwhile (another instance, a restart) or was
   * never seen: the locked read-modify-write then runs.
   */
  async function swap(
    chatId: number,
    batch: readonly Pending[],
  ): Promise<{ log: SharedSend[] }[] | undefined> {
    const last = seen.get(chatId);
    if (last === undefined) return undefined;
    const { results, sends } = run(decodeShared(last), batch);
    const changed = rowsOf(await db.raw(SWAP, [sends, chatId, last]));
    if (changed.length !== 1) {
      seen.delete(chatId);
      return undefined;
    }
    seen.set(chatId, sends);
    return results;
  }

  return {
    take: (chatId, n, slot, now, rule) =>
      update(chatId, (log) => takeShared(log, now, rule, n, slot)),
    async settle(chatId, slot, now, rule, refund) {
      const result = await update(chatId, (log) => ({
        log: settleShared(log, now, rule, slot, refund),
      }));
      return result.log;
    },
    async read(chatId, now, rule) {
      const row = rowsOf<{ sends: string }>(await db.raw(READ, [chatId]))[0];
      if (row) seen.set(chatId, row.sends);
      return pruneShared(decodeShared(row?.sends), now, rule);
    },
  };
}
