/**
 * The admin group's shared send budget (`rate_windows`, created with the backbone and unused
 * until now): one row per group, read, changed
 * by core/traffic/shared-window and written back in one transaction. On Postgres the row is
 * locked (`FOR UPDATE`), so several instances take sends one after the other; SQLite has a
 * single writer.
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

export function createGroupBudgetStore(db: Knex): GroupBudgetStore {
  const postgres = dialectOf(db) === 'postgres';

  /** Runs `change` on the group's log under the row's lock and stores what it returns. */
  async function update<T extends { log: SharedSend[] }>(
    chatId: number,
    change: (log: SharedSend[]) => T,
  ): Promise<T> {
    return db.transaction(async (trx) => {
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
      const result = change(decodeShared(row?.sends));
      await trx('rate_windows')
        .where({ chat_id: chatId })
        .update({ sends: encodeShared(result.log) });
      return result;
    });
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
      const row = (await db('rate_windows').where({ chat_id: chatId }).first('sends')) as
        { sends: string } | undefined;
      return pruneShared(decodeShared(row?.sends), now, rule);
    },
  };
}
