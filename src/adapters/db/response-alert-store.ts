/**
 * Response-time alerts (core/response-time) over `users.inbox_waiting_since` (kept by the
 * relay) and `response_alerts` (one row per reminded wait: the insert is the claim, the
 * update of `cleared_at` the end).
 */
import type { Knex } from 'knex';
import type { ResponseAlertStore, WaitingFan } from '../../core/response-time/alerts.js';
import { dialectOf } from './knex.js';
import { toDate, toInt } from './rows.js';

export function createResponseAlertStore(db: Knex): ResponseAlertStore {
  const pg = dialectOf(db) === 'postgres';
  /** `users.inbox_waiting_since` as epoch milliseconds, like `response_alerts.waiting_since_ms`. */
  const sinceMs = pg
    ? 'CAST(EXTRACT(EPOCH FROM u.inbox_waiting_since) * 1000 AS bigint)'
    : 'u.inbox_waiting_since';
  return {
    async due(before, limit) {
      const rows = (await db('users as u')
        .join('conversations as cv', 'cv.user_id', 'u.id')
        .whereNotNull('u.inbox_waiting_since')
        .where('u.inbox_waiting_since', '<=', before)
        .where('u.total_spent_cents', '>', 0)
        .whereNotExists(
          db('response_alerts as r')
            .whereRaw('r.fan_id = u.id')
            .whereRaw(`r.waiting_since_ms = ${sinceMs}`),
        )
        .orderBy('u.inbox_waiting_since')
        .limit(limit)
        .select(
          'u.id',
          'u.first_name',
          'u.last_name',
          'u.username',
          'u.inbox_waiting_since',
          'cv.chat_id',
          'cv.topic_id',
        )) as Record<string, unknown>[];
      return rows.map((row): WaitingFan => ({
        fanId: toInt(row.id),
        firstName: (row.first_name as string | null) ?? null,
        lastName: (row.last_name as string | null) ?? null,
        username: (row.username as string | null) ?? null,
        waitingSince: toDate(row.inbox_waiting_since)!,
        chatId: toInt(row.chat_id),
        topicId: toInt(row.topic_id),
      }));
    },
    async claim(fanId, waitingSince, now) {
      const inserted = (await db('response_alerts')
        .insert({ fan_id: fanId, waiting_since_ms: waitingSince.getTime(), alerted_at: now })
        .onConflict(['fan_id', 'waiting_since_ms'])
        .ignore()
        .returning('fan_id')) as unknown[];
      return inserted.length > 0;
    },
    async clearAnswered(now) {
      const open = (await db('response_alerts as r')
        .join('users as u', 'u.id', 'r.fan_id')
        .whereNull('r.cleared_at')
        .whereRaw(`(u.inbox_waiting_since IS NULL OR r.waiting_since_ms <> ${sinceMs})`)
        .select('r.fan_id', 'r.waiting_since_ms')) as {
        fan_id: unknown;
        waiting_since_ms: unknown;
      }[];
      const cleared: number[] = [];
      for (const row of open) {
        const changed = await db('response_alerts')
          .where({ fan_id: toInt(row.fan_id), waiting_since_ms: toInt(row.waiting_since_ms) })
          .whereNull('cleared_at')
          .update({ cleared_at: now });
        if (changed > 0) cleared.push(toInt(row.fan_id));
      }
      return cleared;
    },
  };
}
