import type { Knex } from 'knex';
import { debtToSettle, validateAmount, type CreditGrantKind } from '../../../core/ledger.js';
import { requireMove, withLockedFan } from './balance.js';
import { debtSettledBy, recordDebtSettlement } from './debt.js';
import { earlierEntry, insertEntry } from './entries.js';
import type { DbLedgerStore } from './types.js';

/** Credits bought, gifted or adjusted; a purchase pays off debt first. */
export function createCreditGrants(db: Knex): Pick<DbLedgerStore, 'grantCredits'> {
  return {
    async grantCredits(fanId, amount, key, meta = {}, trx) {
      validateAmount(amount, 'credit amount');
      const kind: CreditGrantKind = meta.kind ?? 'grant';
      return withLockedFan(db, trx, fanId, key, async (tx, fan) => {
        const settled = debtToSettle(kind, fan.debt, amount);
        const entry = await insertEntry(tx, { fanId, kind, creditsDelta: amount, key, meta });
        if (!entry) {
          const sameAmount = (e: { creditsDelta: number }) => e.creditsDelta === amount;
          const grantKinds = ['grant', 'gift', 'adjust'] as const;
          const earlier = await earlierEntry(tx, key, fanId, grantKinds, sameAmount);
          const debtSettled = await debtSettledBy(tx, key);
          return { duplicate: true, entry: earlier, debtSettled, balance: fan };
        }
        await recordDebtSettlement(tx, fanId, key, settled);
        const balance = await requireMove(tx, fanId, {
          credits: amount - settled,
          debt: -settled,
          topUp: { credits: amount, at: entry.createdAt },
        });
        return { duplicate: false, entry, debtSettled: settled, balance };
      });
    },
  };
}
