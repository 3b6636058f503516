import { pendingMigrations } from '../../database.js';
import { fail, pass, type DoctorCheck } from '../types.js';

/** Every migration is applied. */
export const migrationsCheck: DoctorCheck = {
  id: 'migrations',
  title: 'database schema',
  after: ['database'],
  async run(ctx) {
    const pending = await pendingMigrations(ctx.db!);
    if (pending.length > 0)
      return fail(
        `${pending.length} migration(s) pending: ${pending.join(', ')}`,
        'Run `premiumbot migrate`.',
      );
    return pass('up to date');
  },
};
