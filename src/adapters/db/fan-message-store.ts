/**
 * The fan message use case's transaction (core/relay/ports.ts): the fan's row is created or
 * refreshed and locked, then the use case reads, spends and queues through this object,
 * and everything commits together or not at all. It only persists; the decision is core's.
 */
import type { Knex } from 'knex';
import { UnknownFanError } from '../../core/errors.js';
import type { FanMessageStore, FanMessageTransaction } from '../../core/relay/ports.js';
import { readFanAccount } from './fan-account-store.js';
import { albumOps } from './fan-message-albums.js';
import { markFanMessage } from './inbox-store.js';
import type { DbLedgerStore } from './ledger-store.js';
import type { DbOutboxStore } from './outbox-store.js';
import { toDate } from './rows.js';

/** Ledger kinds that top a balance up (a prompt after one of them is due again). */
const TOP_UP_KINDS = ['grant', 'gift', 'adjust'];

export interface FanMessageStoreDeps {
  ledger: DbLedgerStore;
  outbox: Pick<DbOutboxStore, 'enqueueIn'>;
}

export function createFanMessageStore(db: Knex, deps: FanMessageStoreDeps): FanMessageStore {
  const { ledger, outbox } = deps;

  function transactionOf(trx: Knex.Transaction, fanId: number): FanMessageTransaction {
    return {
      earlierEntry: (key) => ledger.findEntry(key, trx),
      credits: async () => (await ledger.balance(fanId, trx)).credits,
      async account() {
        const account = await readFanAccount(trx, fanId);
        if (!account) throw new UnknownFanError(fanId);
        return account;
      },
      async spend(cost, key, meta) {
        const spent = await ledger.spendCredits(fanId, cost, key, meta, trx);
        return { credits: spent.balance.credits, duplicate: spent.duplicate };
      },
      startPass: (now, key, meta) => ledger.startPass(fanId, now, key, meta, trx),
      async countMessage(now) {
        await trx('users')
          .where('id', fanId)
          .update({ message_count: trx.raw('message_count + 1'), last_activity_at: now });
        await markFanMessage(trx, fanId, now);
      },
      async enqueue(jobs) {
        await outbox.enqueueIn(trx, jobs);
      },
      async promptState() {
        const user = (await trx('users').where('id', fanId).first('credits_prompted_at')) as
          { credits_prompted_at: unknown } | undefined;
        const topUp = (await trx('credit_ledger')
          .where('user_id', fanId)
          .whereIn('kind', TOP_UP_KINDS)
          .max('created_at as at')
          .first()) as { at: unknown } | undefined;
        return { promptedAt: toDate(user?.credits_prompted_at), toppedUpAt: toDate(topUp?.at) };
      },
      async markPrompted(now) {
        await trx('users').where('id', fanId).update({ credits_prompted_at: now });
      },
      async topicTitle() {
        const row = (await trx('conversations').where('user_id', fanId).first('title')) as
          { title: string | null } | undefined;
        return row ? (row.title ?? '') : null;
      },
      async setTopicTitle(title) {
        await trx('conversations')
          .where('user_id', fanId)
          .update({ title, updated_at: new Date() });
      },
      ...albumOps(trx, fanId, ledger),
    };
  }

  return {
    inTransaction(profile, work) {
      return db.transaction(async (trx) => {
        await ledger.ensureUser(profile, trx);
        // One fan's messages are decided one at a time (a row lock on Postgres; SQLite has
        // one writer). The ledger's conditional update guards the balance regardless.
        await trx('users').where('id', profile.id).forUpdate().first('id');
        return work(transactionOf(trx, profile.id));
      });
    },
  };
}
