/**
 * A fan message's credit check, spend and outbox jobs in ONE transaction: the ledger entry
 * (`spend:<update id>` or `pass_start:<update id>`) and the relay (or the answer that replaces
 * it) commit together or not at all. A redelivered update finds its spend key and moves
 * nothing; its jobs carry dedupe keys, so nothing is queued twice either.
 */
import type { Knex } from 'knex';
import { AccountFrozenError, InsufficientCreditsError } from '../../core/errors.js';
import type {
  FanMessageOutcome,
  FanMessageRequest,
  FanMessageStore,
} from '../../core/fan-account.js';
import { ledgerKeys } from '../../core/ledger.js';
import { decideFanMessage } from '../../core/relay-policy.js';
import { readFanAccount } from './fan-account-store.js';
import type { DbLedgerStore } from './ledger-store.js';
import type { DbOutboxStore } from './outbox-store.js';
import { UnknownUserError } from '../../core/errors.js';

export interface FanMessageStoreDeps {
  ledger: DbLedgerStore;
  outbox: Pick<DbOutboxStore, 'enqueueIn'>;
}

export function createFanMessageStore(db: Knex, deps: FanMessageStoreDeps): FanMessageStore {
  const { ledger, outbox } = deps;

  async function decide(
    trx: Knex.Transaction,
    request: FanMessageRequest,
  ): Promise<FanMessageOutcome> {
    const fanId = request.profile.id;
    const spendKey = ledgerKeys.spend(request.updateId);
    const earlier = await ledger.findEntry(spendKey, trx);
    if (earlier) {
      const after = (await ledger.balance(fanId, trx)).credits;
      const charged = -earlier.creditsDelta;
      return { kind: 'relayed', charged, before: after + charged, after, duplicate: true };
    }
    const account = await readFanAccount(trx, fanId);
    if (!account) throw new UnknownUserError(fanId);
    const decision = decideFanMessage(
      {
        banned: account.banned,
        frozen: account.frozen,
        credits: account.credits,
        bankedSeconds: account.bankedSeconds,
        pass: { startedAt: account.passStartedAt, endsAt: account.passEndsAt },
      },
      request.cost,
      request.now,
    );
    const credits = account.credits;
    switch (decision.action) {
      case 'refuse':
        return { kind: 'refused', reason: decision.reason };
      case 'insufficient':
        return {
          kind: 'insufficient',
          cost: decision.cost,
          credits: decision.credits,
          shortfall: decision.shortfall,
        };
      case 'free': {
        if (decision.reason !== 'start_pass') {
          return {
            kind: 'relayed',
            charged: 0,
            before: credits,
            after: credits,
            free: decision.reason,
            duplicate: false,
          };
        }
        const started = await ledger.startPass(
          fanId,
          request.now,
          ledgerKeys.passStart(request.updateId),
          { reference: `message:${request.messageId}` },
          trx,
        );
        return {
          kind: 'relayed',
          charged: 0,
          before: credits,
          after: credits,
          free: 'start_pass',
          passStarted: { endsAt: started.passEndsAt, seconds: started.seconds },
          duplicate: started.duplicate,
        };
      }
      case 'charge':
        try {
          const spent = await ledger.spendCredits(
            fanId,
            decision.cost,
            spendKey,
            { reference: `message:${request.messageId}`, note: request.type },
            trx,
          );
          const after = spent.balance.credits;
          return {
            kind: 'relayed',
            charged: decision.cost,
            before: after + decision.cost,
            after,
            duplicate: spent.duplicate,
          };
        } catch (err) {
          // Another instance spent first (the conditional update refused), or a dispute froze the fan.
          if (err instanceof InsufficientCreditsError) {
            return {
              kind: 'insufficient',
              cost: decision.cost,
              credits: err.balance,
              shortfall: decision.cost - err.balance,
            };
          }
          if (err instanceof AccountFrozenError) return { kind: 'refused', reason: 'frozen' };
          throw err;
        }
    }
  }

  return {
    async handle(request) {
      const fanId = request.profile.id;
      return db.transaction(async (trx) => {
        await ledger.ensureUser(request.profile, trx);
        // One fan's messages are decided one at a time (a row lock on Postgres; SQLite has
        // one writer). The ledger's conditional update guards the balance regardless.
        await trx('users').where('id', fanId).forUpdate().first('id');
        const outcome = await decide(trx, request);
        if (outcome.kind === 'relayed' && !outcome.duplicate) {
          await trx('users')
            .where('id', fanId)
            .update({
              message_count: trx.raw('message_count + 1'),
              last_activity_at: request.now,
            });
        }
        const account = await readFanAccount(trx, fanId);
        if (!account) throw new UnknownUserError(fanId);
        const jobs = request.jobsFor(outcome, account);
        if (jobs.length > 0) await outbox.enqueueIn(trx, jobs);
        return { outcome, account };
      });
    },
  };
}
