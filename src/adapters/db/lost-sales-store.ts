/** The attempts of fans who wrote without credits, and the team's line per fan and window. */
import type { Knex } from 'knex';
import type { LostSalesStore } from '../../core/relay/lost-sales.js';
import { toInt } from './rows.js';

export function createLostSalesStore(db: Knex): LostSalesStore {
  return {
    async record(attempt, pruneBefore) {
      await db('lost_sale_attempts')
        .insert({
          fan_id: attempt.fanId,
          message_id: attempt.messageId,
          attempted_at_ms: attempt.at.getTime(),
        })
        .onConflict(['fan_id', 'message_id'])
        .ignore();
      await db('lost_sale_attempts')
        .where('fan_id', attempt.fanId)
        .andWhere('attempted_at_ms', '<', pruneBefore.getTime())
        .delete();
      await db('lost_sale_lines')
        .where('fan_id', attempt.fanId)
        .andWhere('window_start_ms', '<', pruneBefore.getTime())
        .delete();
    },
    async count(fanId, from, to) {
      const row = (await db('lost_sale_attempts')
        .where('fan_id', fanId)
        .andWhere('attempted_at_ms', '>=', from.getTime())
        .andWhere('attempted_at_ms', '<', to.getTime())
        .count({ n: '*' })
        .first()) as { n: number | string } | undefined;
      return toInt(row?.n ?? 0);
    },
    async line(fanId, windowStart) {
      const row = (await db('lost_sale_lines')
        .where({ fan_id: fanId, window_start_ms: windowStart.getTime() })
        .first('job_id', 'shown')) as
        { job_id: number | string; shown: number | string } | undefined;
      return row ? { jobId: toInt(row.job_id), shown: toInt(row.shown) } : null;
    },
    async saveLine(fanId, windowStart, jobId, shown) {
      await db('lost_sale_lines')
        .insert({ fan_id: fanId, window_start_ms: windowStart.getTime(), job_id: jobId, shown })
        .onConflict(['fan_id', 'window_start_ms'])
        .ignore();
    },
    async raiseShown(fanId, windowStart, count) {
      const changed = await db('lost_sale_lines')
        .where({ fan_id: fanId, window_start_ms: windowStart.getTime() })
        .andWhere('shown', '<', count)
        .update({ shown: count });
      return changed > 0;
    },
  };
}
