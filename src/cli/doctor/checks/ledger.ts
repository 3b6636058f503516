import { ledgerMismatches } from '../../../adapters/db/ledger/invariant.js';
import { fail, pass, type DoctorCheck } from '../types.js';

/** Every fan's cached balance equals the sum of their ledger (one grouped query). */
export const ledgerCheck: DoctorCheck = {
  id: 'ledger',
  title: 'credit ledger',
  after: ['migrations'],
  async run(ctx) {
    const mismatches = await ledgerMismatches(ctx.db!, 5);
    if (mismatches.length === 0) return pass('every balance equals the sum of its ledger');
    const fans = mismatches
      .map((m) => `fan ${m.fanId}: ${m.cached.credits} cached, ${m.ledger.credits} in the ledger`)
      .join('; ');
    return fail(
      `${mismatches.length === 5 ? '5 or more' : mismatches.length} balance(s) differ from the ledger (${fans})`,
      'Balances only move through the ledger: look for writes to `users` made by hand, restore from a backup, or report it.',
    );
  },
};
