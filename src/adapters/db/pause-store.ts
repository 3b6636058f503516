/** Chat pauses (long 429s, a lost admin group), persisted for restarts and every instance. */
import type { Knex } from 'knex';
import type { PauseStore } from '../../core/traffic/ports.js';
import { toInt, toRequiredDate } from './rows.js';

export function createPauseStore(db: Knex): PauseStore {
  return {
    async list(now) {
      const rows = (await db('chat_pauses')
        .where('until', '>', now)
        .select('chat_id', 'until', 'reason')) as Array<{
        chat_id: number;
        until: unknown;
        reason: string | null;
      }>;
      return rows.map((r) => ({
        chatId: toInt(r.chat_id),
        until: toRequiredDate(r.until).getTime(),
        reason: r.reason ?? '',
      }));
    },
    async save(pause) {
      await db('chat_pauses')
        .insert({
          chat_id: pause.chatId,
          until: new Date(pause.until),
          reason: pause.reason.slice(0, 255),
        })
        .onConflict('chat_id')
        .merge(['until', 'reason']);
    },
    async remove(chatId, reasonPrefix) {
      const query = db('chat_pauses').where({ chat_id: chatId });
      if (reasonPrefix !== undefined) query.where('reason', 'like', `${reasonPrefix}%`);
      await query.delete();
    },
  };
}
