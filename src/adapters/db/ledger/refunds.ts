import type { Knex } from 'knex';
import { splitRefund, validateAmount } from '../../../core/ledger.js';
import { requireBalance, shift, updateFan, withLockedFan } from './balance.js';
import { earlierEntry, insertEntry } from './entries.js';
import type { DbLedgerStore } from './types.js';

/** Credits taken back after a Stripe refund: down to zero, the rest becomes debt. */
export function createRefunds(db: Knex): Pick<DbLedgerStore, 'refundCredits'> {
  return {
    async refundCredits(fanId, amount, key, meta = {}, trx) {
      validateAmount(amount, 'refund amount');
      return withLockedFan(db, trx, fanId, key, async (tx, fan) => {
        const { removed, addedDebt } = splitRefund(fan.credits, amount);
        const entry = await insertEntry(tx, {
          fanId,
          kind: 'refund',
          creditsDelta: -removed,
          debtDelta: addedDebt,
          key,
          meta,
        });
        if (!entry) {
          const sameAmount = (e: { creditsDelta: number; debtDelta: number }) =>
            e.debtDelta - e.creditsDelta === amount;
          const earlier = await earlierEntry(tx, key, fanId, ['refund'], sameAmount);
          return {
            duplicate: true,
            entry: earlier,
            removed: -earlier.creditsDelta,
            addedDebt: earlier.debtDelta,
            balance: fan,
          };
        }
        await updateFan(tx, fanId, {
          message_credits: shift(tx, 'message_credits', '-', removed),
          credit_debt: shift(tx, 'credit_debt', '+', addedDebt),
        });
        const balance = await requireBalance(tx, fanId);
        return { duplicate: false, entry, removed, addedDebt, balance };
      });
    },
  };
}
