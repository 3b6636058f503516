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
 * content either way, so nothing is overspent. A settle starts no write of its own: it waits
 * for the group's next take (or read) and shares its write, or goes alone after
 * SETTLE_DELAY_MS — so a send cycle (take, answer, settle) costs one write, not two.
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

/**
 * How long a settle waits for another operation on its group to share that one's write
 * before it is written alone. Safe to defer: until it is written the send stays open in the
 * shared log, and every instance counts an open send as in flight (never less than a closed
 * one, see core/traffic/shared-window); a crash before the write leaves an open send that
 * expires after two windows — budget lost for a while, never overspent. A plain (not
 * unref'd) timer, so shutdown's flush of the settles ends within this delay.
 */
export const SETTLE_DELAY_MS = 50;

/** One operation on a group's log, waiting for its turn. */
interface Pending {
  change: (log: SharedSend[]) => { log: SharedSend[] };
  /** A settle: it waits for the next eager operation (or SETTLE_DELAY_MS) to be written. */
  lazy: boolean;
  resolve: (result: { log: SharedSend[] }) => void;
  reject: (err: unknown) => void;
}

/** A group's operations waiting for a write, in the order asked. */
interface Queue {
  waiting: Pending[];
  /** A write of the group's row is under way (its loop takes the next batch). */
  running: boolean;
  /** Writes the lazy operations waiting when no other operation came in time. */
  timer?: NodeJS.Timeout;
  /** The timer fired: the next batch goes out even with only lazy operations in it. */
  due: boolean;
}

/** Arms the queue's timer for its waiting settles (once): `write` runs when it fires. */
function armTimer(queue: Queue, write: () => void): void {
  queue.timer ??= setTimeout(() => {
    queue.timer = undefined;
    queue.due = true;
    if (!queue.running) write();
  }, SETTLE_DELAY_MS);
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
  /** Per group: the operations waiting for a write (absent when none waits or runs). */
  const queues = new Map<number, Queue>();
  /** Per group: the row's text as this process last read or wrote it. */
  const seen = new Map<number, string>();

  /**
   * Runs `change` on the group's log under the row's lock and stores what it returns;
   * resolves with `answer` of the log as it left that operation.
   * Group commit: an eager operation while none runs on the group goes out at once; those
   * that arrive meanwhile wait for it and then share one write, each applied in turn, in the
   * order they were asked, and each answered with the log as it left that operation — what
   * one transaction each would have given, in fewer statements. A `lazy` one (a settle)
   * starts no write: it rides with the next eager one, or goes alone after SETTLE_DELAY_MS.
   */
  function update<T extends { log: SharedSend[] }, R>(
    chatId: number,
    change: (log: SharedSend[]) => T,
    lazy: boolean,
    answer: (result: T) => R,
  ): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queue = queues.get(chatId) ?? { waiting: [], running: false, due: false };
      queues.set(chatId, queue);
      // Resolved straight from the batch (no extra promise), so answers arrive in its order.
      queue.waiting.push({ change, lazy, resolve: (r) => resolve(answer(r as T)), reject });
      if (lazy) armTimer(queue, () => void drain(chatId, queue));
      else if (!queue.running) void drain(chatId, queue);
    });
  }

  /**
   * Writes the group's waiting operations, a batch per write, while an eager one (or an
   * overdue settle) is among them; settles left alone wait for their timer.
   */
  async function drain(chatId: number, queue: Queue): Promise<void> {
    queue.running = true;
    while (queue.due || queue.waiting.some((p) => !p.lazy)) {
      const batch = queue.waiting.splice(0);
      queue.due = false;
      clearTimeout(queue.timer);
      queue.timer = undefined;
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
    queue.running = false;
    if (queue.waiting.length === 0) queues.delete(chatId);
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
      update(
        chatId,
        (log) => takeShared(log, now, rule, n, slot),
        false,
        (r) => r,
      ),
    settle: (chatId, slot, now, rule, refund) =>
      update(
        chatId,
        (log) => ({ log: settleShared(log, now, rule, slot, refund) }),
        true,
        (r) => r.log,
      ),
    async read(chatId, now, rule) {
      // This process's waiting settles are written first, and that write's result is the row
      // as it stands (the swap matched the row exactly, or the locked read saw it): no SELECT.
      if (queues.get(chatId)?.waiting.some((p) => p.lazy))
        return update(
          chatId,
          (log) => ({ log }),
          false,
          (r) => pruneShared(r.log, now, rule),
        );
      const row = rowsOf<{ sends: string }>(await db.raw(READ, [chatId]))[0];
      if (row) seen.set(chatId, row.sends);
      return pruneShared(decodeShared(row?.sends), now, rule);
    },
  };
}
