/**
 * The credit ledger over knex: one small module per movement in `./ledger/`, composed here.
 * Every movement runs in a transaction (a savepoint inside the caller's `trx` when one is
 * given; a spend needs none): the ledger row and the cached balance — with the last top-up
 * the balance bar reads — change together, through `moveFan` (`ledger/balance.ts`), the one
 * place a balance moves. Duplicate idempotency keys
 * are detected by the unique index (ON CONFLICT DO NOTHING), so concurrent replays are safe;
 * a duplicate returns the earlier entry and moves nothing. The store makes no network calls.
 */
import type { Knex } from 'knex';
import { createFanProfiles } from './ledger/fans.js';
import { createCreditGrants } from './ledger/grants.js';
import { createPasses } from './ledger/passes.js';
import { createLedgerQueries } from './ledger/queries.js';
import { createRefunds } from './ledger/refunds.js';
import { createRelayRefunds } from './ledger/relay-refunds.js';
import { createCreditSpends } from './ledger/spends.js';
import type { DbLedgerStore } from './ledger/types.js';

export type { DbLedgerStore, DbTx } from './ledger/types.js';

/** Creates the ledger store for `db`. */
export function createLedgerStore(db: Knex): DbLedgerStore {
  return {
    ...createFanProfiles(db),
    ...createCreditGrants(db),
    ...createCreditSpends(db),
    ...createRefunds(db),
    ...createRelayRefunds(db),
    ...createPasses(db),
    ...createLedgerQueries(db),
  };
}
