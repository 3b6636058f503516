import type { Knex } from 'knex';
import { UnknownFanError } from '../../../core/errors.js';
import type { FanProfile } from '../../../core/fan.js';
import type { Balance } from '../../../core/ledger.js';
import { requireBalance } from './balance.js';
import type { DbLedgerStore, DbTx } from './types.js';

/** Creating fans and refreshing their profile. */
export function createFanProfiles(db: Knex): Pick<DbLedgerStore, 'ensureUser'> {
  async function ensureUser(profile: FanProfile, trx?: DbTx): Promise<Balance> {
    validateFanId(profile.id);
    const fields = {
      username: profile.username ?? null,
      first_name: profile.firstName ?? null,
      last_name: profile.lastName ?? null,
      language_code: profile.languageCode ?? null,
    };
    const q = trx ?? db;
    await q('users')
      .insert({ id: profile.id, ...fields })
      .onConflict('id')
      .merge({ ...fields, updated_at: new Date() });
    return requireBalance(q, profile.id);
  }
  return { ensureUser };
}

function validateFanId(id: number): void {
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new UnknownFanError(id);
  }
}
