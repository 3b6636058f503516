/** The credits of a paid fan message that was never delivered, given back once. */
import type { Knex } from 'knex';
import { validateKey } from '../../../core/ledger.js';
import { inTx, requireMove } from './balance.js';
import { earlierEntry, findEntry, insertEntry } from './entries.js';
import type { DbLedgerStore } from './types.js';

/**
 * `returnSpend`: a `relay_refund` entry giving back exactly what the `spend` entry under
 * `spendKey` took. The returned credits reach the balance untouched (like a gift, they pay
 * no debt off): the fan simply gets back what the message cost.
 */
export function createRelayRefunds(db: Knex): Pick<DbLedgerStore, 'returnSpend'> {
  return {
    async returnSpend(spendKey, key, trx) {
      validateKey(key);
      return inTx(db, trx, async (tx) => {
        const spend = await findEntry(tx, spendKey);
        if (!spend || spend.kind !== 'spend' || spend.creditsDelta >= 0) return null;
        const credits = -spend.creditsDelta;
        const fanId = spend.fanId;
        await tx('users').where('id', fanId).forNoKeyUpdate().first('id');
        const entry = await insertEntry(tx, {
          fanId,
          kind: 'relay_refund',
          creditsDelta: credits,
          key,
          meta: { reference: spendKey },
        });
        if (!entry) {
          await earlierEntry(tx, key, fanId, ['relay_refund'], (e) => e.creditsDelta === credits);
          return { fanId, credits, duplicate: true };
        }
        await requireMove(tx, fanId, { credits });
        return { fanId, credits, duplicate: false };
      });
    },
  };
}
