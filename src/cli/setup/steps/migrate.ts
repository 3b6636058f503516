import { openDatabase } from '../../../adapters/db/connect.js';
import { runMigrate } from '../../tasks/migrate.js';
import type { SetupStep } from '../types.js';

/** Applies the database migrations. */
export const migrateStep: SetupStep = {
  id: 'migrate',
  title: 'Database schema',
  async run(ctx) {
    const db = await openDatabase(ctx.answers.config().databaseUrl);
    try {
      await runMigrate(db, 'latest', ctx.output);
    } finally {
      await db.destroy();
    }
  },
};
