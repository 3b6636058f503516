/**
 * Pass warnings and end notices. Each is claimed with a conditional update
 * (`… WHERE pass_warning_sent_at IS NULL`) in the transaction that queues it, so however
 * many job runs race (several instances, a retried run), each notice is queued once per
 * pass. Starting or extending a pass clears both marks (ledger store).
 */
import type { Knex } from 'knex';
import type { PassNoticeStore } from '../../core/fan-account.js';
import type { DbOutboxStore } from './outbox-store.js';
import { toDate, toInt } from './rows.js';

/** How many fans one run handles per kind (the next run takes the rest). */
const BATCH = 200;

export function createPassNoticeStore(
  db: Knex,
  outbox: Pick<DbOutboxStore, 'enqueueIn'>,
): PassNoticeStore {
  return {
    async claimDue(kind, now, warningMinutes, build) {
      const column = kind === 'warning' ? 'pass_warning_sent_at' : 'pass_end_notice_sent_at';
      if (kind === 'warning' && warningMinutes <= 0) return 0;
      const due = (q: Knex.QueryBuilder) => {
        q.whereNull(column).whereNotNull('pass_ends_at');
        if (kind === 'warning') {
          q.where('pass_ends_at', '>', now).where(
            'pass_ends_at',
            '<=',
            new Date(now.getTime() + warningMinutes * 60_000),
          );
        } else {
          q.where('pass_ends_at', '<=', now);
        }
        return q;
      };
      const candidates = (await due(db('users').select('id', 'language_code', 'pass_ends_at'))
        .orderBy('pass_ends_at')
        .limit(BATCH)) as Array<{
        id: unknown;
        language_code: string | null;
        pass_ends_at: unknown;
      }>;
      let sent = 0;
      for (const row of candidates) {
        const fanId = toInt(row.id);
        const claimed = await db.transaction(async (trx) => {
          const changed = await due(trx('users').where('id', fanId)).update({ [column]: now });
          if (changed === 0) return false;
          const jobs = build({
            fanId,
            languageCode: row.language_code,
            passEndsAt: toDate(row.pass_ends_at)!,
          });
          if (jobs.length > 0) await outbox.enqueueIn(trx, jobs);
          return true;
        });
        if (claimed) sent += 1;
      }
      return sent;
    },
  };
}
