/** Processed Telegram update ids, scoped by bot id (update ids are only unique per bot). */
import type { Knex } from 'knex';
import type { UpdateStore } from '../../core/traffic/ports.js';

/** Builds the processed-updates store for the bot whose token starts with `botId`. */
export function createUpdateStore(db: Knex, botId: number): UpdateStore {
  return {
    async isProcessed(updateId) {
      const row = (await db('telegram_updates')
        .where({ bot_id: botId, update_id: updateId })
        .first('update_id')) as object | undefined;
      return row !== undefined;
    },
    async markProcessed(updateId) {
      const inserted = (await db('telegram_updates')
        .insert({ bot_id: botId, update_id: updateId, processed_at: new Date() })
        .onConflict(['bot_id', 'update_id'])
        .ignore()
        .returning('update_id')) as unknown[];
      return inserted.length > 0;
    },
    async prune(before) {
      return db('telegram_updates')
        .where({ bot_id: botId })
        .where('processed_at', '<', before)
        .delete();
    },
  };
}
