/**
 * Topic icons (core/response-time/topic-state.ts) over `conversations.topic_icon`, the open
 * response-time reminders (`response_alerts`), the claims (`fan_claims`) and the tiers.
 */
import type { Knex } from 'knex';
import type { TopicState, TopicStateStore } from '../../core/response-time/topic-state.js';
import { toBool, toDate, toInt } from './rows.js';

const STATES: readonly string[] = ['waiting', 'claimed', 'vip'];

export function createTopicStateStore(db: Knex): TopicStateStore {
  return {
    async candidates() {
      const waiting = db('response_alerts as r')
        .whereRaw('r.fan_id = cv.user_id')
        .whereNull('r.cleared_at')
        .select(db.raw('1'));
      const claimed = db('fan_claims as c').whereRaw('c.fan_id = cv.user_id').select(db.raw('1'));
      const rows = (await db('conversations as cv')
        .join('users as u', 'u.id', 'cv.user_id')
        .where((q) =>
          q
            .whereNotNull('cv.topic_icon')
            .orWhere('u.tier', 'vip')
            .orWhereExists(waiting.clone())
            .orWhereExists(claimed.clone()),
        )
        .select(
          'cv.user_id',
          'cv.topic_icon',
          'cv.topic_icon_at',
          'u.tier',
          db.raw(`CASE WHEN EXISTS (${waiting.toQuery()}) THEN 1 ELSE 0 END AS waiting`),
          db.raw(`CASE WHEN EXISTS (${claimed.toQuery()}) THEN 1 ELSE 0 END AS claimed`),
        )) as Record<string, unknown>[];
      return rows.map((row) => ({
        fanId: toInt(row.user_id),
        shown: STATES.includes(row.topic_icon as string) ? (row.topic_icon as TopicState) : null,
        shownAt: toDate(row.topic_icon_at),
        waiting: toBool(row.waiting),
        claimed: toBool(row.claimed),
        tier: (row.tier as string | null) ?? null,
      }));
    },
    async pending(fanId) {
      const row = (await db('outbox')
        .where('dedupe_key', 'like', `topic_icon:${fanId}:%`)
        // Literal statuses: a walk of the live jobs' partial index, never of the history.
        .whereRaw(`status IN ('pending', 'sending')`)
        .first('id')) as unknown;
      return row !== undefined;
    },
    async mark(fanId, state, now) {
      await db('conversations')
        .where('user_id', fanId)
        .update({ topic_icon: state, topic_icon_at: now });
    },
  };
}
