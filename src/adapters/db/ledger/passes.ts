import type { Knex } from 'knex';
import { AccountFrozenError, NoBankedTimeError } from '../../../core/errors.js';
import { validateAmount, type Balance, type PassStartResult } from '../../../core/ledger.js';
import { passAfterStart } from '../../../core/passes.js';
import { requireBalance, shift, updateFan, withLockedFan } from './balance.js';
import { earlierEntry, findEntry, insertEntry } from './entries.js';
import type { DbLedgerStore, DbTx } from './types.js';

/** Pass seconds: banked when bought, turned into a running pass by the fan's next message. */
export function createPasses(db: Knex): Pick<DbLedgerStore, 'grantTime' | 'startPass'> {
  return {
    async grantTime(fanId, seconds, key, meta = {}, trx) {
      validateAmount(seconds, 'pass seconds');
      return withLockedFan(db, trx, fanId, key, async (tx, fan) => {
        const entry = await insertEntry(tx, {
          fanId,
          kind: 'pass_grant',
          secondsDelta: seconds,
          key,
          meta,
        });
        if (!entry) {
          const sameSeconds = (e: { secondsDelta: number }) => e.secondsDelta === seconds;
          const earlier = await earlierEntry(tx, key, fanId, ['pass_grant'], sameSeconds);
          return { duplicate: true, entry: earlier, balance: fan };
        }
        await updateFan(tx, fanId, {
          time_credits_seconds: shift(tx, 'time_credits_seconds', '+', seconds),
        });
        return { duplicate: false, entry, balance: await requireBalance(tx, fanId) };
      });
    },

    async startPass(fanId, now, key, meta = {}, trx) {
      return withLockedFan(db, trx, fanId, key, async (tx, fan) => {
        if (fan.seconds === 0) {
          if (await findEntry(tx, key)) return earlierPassStart(tx, fanId, fan, key);
          throw new NoBankedTimeError(fanId);
        }
        if (fan.isFrozen) throw new AccountFrozenError(fanId);
        const seconds = fan.seconds;
        const entry = await insertEntry(tx, {
          fanId,
          kind: 'pass_start',
          secondsDelta: -seconds,
          key,
          meta,
        });
        if (!entry) return earlierPassStart(tx, fanId, fan, key);
        const pass = passAfterStart(
          { startedAt: fan.passStartedAt, endsAt: fan.passEndsAt },
          now,
          seconds,
        );
        await updateFan(tx, fanId, {
          time_credits_seconds: shift(tx, 'time_credits_seconds', '-', seconds),
          pass_started_at: pass.startedAt,
          pass_ends_at: pass.endsAt,
          pass_warning_sent_at: null,
          pass_end_notice_sent_at: null,
        });
        return {
          duplicate: false,
          entry,
          seconds,
          passStartedAt: pass.startedAt ?? now,
          passEndsAt: pass.endsAt ?? now,
          balance: await requireBalance(tx, fanId),
        };
      });
    },
  };
}

/** The pass start already recorded under `key`, as a duplicate result. */
async function earlierPassStart(
  tx: DbTx,
  fanId: number,
  fan: Balance,
  key: string,
): Promise<PassStartResult> {
  const earlier = await earlierEntry(tx, key, fanId, ['pass_start']);
  return {
    duplicate: true,
    entry: earlier,
    seconds: -earlier.secondsDelta,
    passStartedAt: fan.passStartedAt ?? earlier.createdAt,
    passEndsAt: fan.passEndsAt ?? earlier.createdAt,
    balance: fan,
  };
}
