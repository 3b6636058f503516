import type { Knex } from 'knex';
import { splitRefund, splitReversal, validateAmount } from '../../../core/ledger.js';
import { requireMove, withLockedFan } from './balance.js';
import { earlierEntry, findEntry, insertEntry } from './entries.js';
import type { DbLedgerStore } from './types.js';

/**
 * Credits taken back after a Stripe refund: down to zero, the rest becomes debt; given back
 * (debt first) when the refund fails or is cancelled.
 */
export function createRefunds(db: Knex): Pick<DbLedgerStore, 'refundCredits' | 'reverseRefund'> {
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
          const moved = { removed: -earlier.creditsDelta, addedDebt: earlier.debtDelta };
          return { duplicate: true, entry: earlier, ...moved, balance: fan };
        }
        const balance = await requireMove(tx, fanId, { credits: -removed, debt: addedDebt });
        return { duplicate: false, entry, removed, addedDebt, balance };
      });
    },

    async reverseRefund(fanId, refundKey, key, meta = {}, trx) {
      return withLockedFan(db, trx, fanId, key, async (tx, fan) => {
        const refund = await findEntry(tx, refundKey);
        if (!refund || refund.fanId !== fanId || refund.kind !== 'refund') return null;
        const amount = refund.debtDelta - refund.creditsDelta;
        const { settled, returned } = splitReversal(fan.debt, amount);
        const entry = await insertEntry(tx, {
          fanId,
          kind: 'refund_reversal',
          creditsDelta: returned,
          debtDelta: -settled,
          key,
          meta: { reference: refundKey, ...meta },
        });
        if (!entry) {
          const earlier = await earlierEntry(tx, key, fanId, ['refund_reversal']);
          const moved = { returned: earlier.creditsDelta, settled: -earlier.debtDelta };
          return { duplicate: true, entry: earlier, ...moved, balance: fan };
        }
        const balance = await requireMove(tx, fanId, { credits: returned, debt: -settled });
        return { duplicate: false, entry, returned, settled, balance };
      });
    },
  };
}
