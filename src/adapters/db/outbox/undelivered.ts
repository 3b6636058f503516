/**
 * Jobs that ended without delivery (core/relay/undelivered.ts): the transaction that closes
 * them with their refunds and notices, and the lookups of the team's Resend. It only
 * persists; what follows an outcome is core's decision.
 */
import type { Knex } from 'knex';
import type {
  ResendStore,
  UndeliveredStore,
  UndeliveredTransaction,
} from '../../../core/relay/ports.js';
import { resendKey } from '../../../core/relay/resend.js';
import type { DbLedgerStore } from '../ledger-store.js';
import { finishIn } from './delivery.js';
import { enqueueIn, insertRow } from './enqueue.js';
import type { FanGroupPlacer } from './fan-groups.js';
import { COLUMNS, toJob, toNewRow, type OutboxRow } from './mapping.js';

export interface UndeliveredStoreDeps {
  ledger: Pick<DbLedgerStore, 'returnSpend'>;
  /** Places notices for a fan's topic in the fan's admin group (several groups). */
  groups?: FanGroupPlacer;
}

/** Builds the store of undelivered jobs over `db`. */
export function createUndeliveredStore(
  db: Knex,
  deps: UndeliveredStoreDeps,
): UndeliveredStore & ResendStore {
  function transactionOf(trx: Knex.Transaction): UndeliveredTransaction {
    return {
      finish: (ids, close) => finishIn(trx, ids, close.status, close.outcome, close.error),
      returnSpend: (spendKey, key) => deps.ledger.returnSpend(spendKey, key, trx),
      async languageOf(fanId) {
        const row = (await trx('users').where('id', fanId).first('language_code')) as
          { language_code: string | null } | undefined;
        return row?.language_code ?? null;
      },
      async enqueue(jobs) {
        await enqueueIn(trx, jobs, deps.groups);
      },
    };
  }

  return {
    inTransaction: (work) => db.transaction((trx) => work(transactionOf(trx))),

    async uncertainRelays(fanId, fromJobId, toJobId) {
      const rows = (await db('outbox')
        .where({ kind: 'relay.fan', fan_id: fanId, outcome: 'uncertain' })
        .whereBetween('id', [fromJobId, toJobId])
        .orderBy('id')
        .select(COLUMNS)) as OutboxRow[];
      const jobs = rows.map(toJob);
      if (jobs.length === 0) return [];
      const resent = (await db('outbox')
        .whereIn(
          'dedupe_key',
          jobs.map((j) => resendKey(j.id)),
        )
        .select('dedupe_key')) as Array<{ dedupe_key: string }>;
      const done = new Set(resent.map((r) => r.dedupe_key));
      return jobs.filter((j) => !done.has(resendKey(j.id)));
    },

    async enqueueResends(jobs) {
      let fresh = 0;
      await db.transaction(async (trx) => {
        for (const job of jobs) {
          if ((await insertRow(trx, toNewRow(job))) !== undefined) fresh++;
        }
      });
      return fresh;
    },
  };
}
