import type { Knex } from 'knex';
import { AccountFrozenError, InsufficientCreditsError } from '../../../core/errors.js';
import {
  validateAmount,
  validateKey,
  type CreditSpendKind,
  type LedgerEntry,
  type LedgerKind,
} from '../../../core/ledger.js';
import { inTx, requireBalance, shift } from './balance.js';
import { earlierEntry, findEntry, insertEntry } from './entries.js';
import type { DbLedgerStore } from './types.js';

/** Thrown inside a transaction to roll back a spend whose key turned out to be taken. */
class DuplicateKeySignal extends Error {}

/** Credits spent on a relayed message or an unlocked item, never below zero. */
export function createCreditSpends(db: Knex): Pick<DbLedgerStore, 'spendCredits'> {
  return {
    async spendCredits(fanId, cost, key, meta = {}, trx) {
      validateAmount(cost, 'cost');
      validateKey(key);
      const kind: CreditSpendKind = meta.kind ?? 'spend';
      const kinds: readonly LedgerKind[] = [kind];
      const sameCost = (e: LedgerEntry) => e.creditsDelta === -cost;
      try {
        return await inTx(db, trx, async (tx) => {
          // The conditional update is the guard: it takes the row lock and re-checks the
          // balance, so concurrent spends can never take it below zero.
          const updated = await tx('users')
            .where('id', fanId)
            .andWhere('is_frozen', false)
            .andWhere('message_credits', '>=', cost)
            .update({
              message_credits: shift(tx, 'message_credits', '-', cost),
              updated_at: new Date(),
            });
          if (updated === 0) {
            if (await findEntry(tx, key)) {
              const earlier = await earlierEntry(tx, key, fanId, kinds, sameCost);
              return { duplicate: true, entry: earlier, balance: await requireBalance(tx, fanId) };
            }
            const fan = await requireBalance(tx, fanId);
            if (fan.isFrozen) throw new AccountFrozenError(fanId);
            throw new InsufficientCreditsError(fan.credits, cost);
          }
          const entry = await insertEntry(tx, { fanId, kind, creditsDelta: -cost, key, meta });
          if (!entry) throw new DuplicateKeySignal();
          return { duplicate: false, entry, balance: await requireBalance(tx, fanId) };
        });
      } catch (err) {
        if (!(err instanceof DuplicateKeySignal)) throw err;
        // The spend was rolled back; report the earlier one.
        const q = trx ?? db;
        const earlier = await earlierEntry(q, key, fanId, kinds, sameCost);
        return { duplicate: true, entry: earlier, balance: await requireBalance(q, fanId) };
      }
    },
  };
}
