import { openDatabase } from '../../adapters/db/connect.js';
import { parseDatabaseUrl } from '../../config/database-url.js';
import { UsageError } from '../../core/errors.js';
import { configFor, type CommandModule } from '../context.js';
import { runMigrate } from '../tasks/migrate.js';

/** `premiumbot migrate [latest|status|rollback]`: the knex migrations of `migrations/`. */
export const migrateCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('migrate')
      .description(
        'apply database migrations (latest), show their status, or roll back the last batch',
      )
      .argument('[action]', 'latest | status | rollback', 'latest')
      .action(async (action: string) => {
        if (!['latest', 'status', 'rollback'].includes(action)) {
          throw new UsageError(`Unknown migrate action "${action}".`, {
            hint: 'Use `premiumbot migrate latest`, `premiumbot migrate status` or `premiumbot migrate rollback`.',
          });
        }
        const config = configFor(ctx, []);
        const target = parseDatabaseUrl(config.databaseUrl, ctx.cwd);
        const db = await openDatabase(config.databaseUrl);
        try {
          ctx.output.out(`Database: ${target.display}`);
          await runMigrate(db, action as 'latest' | 'status' | 'rollback', ctx.output);
        } finally {
          await db.destroy();
        }
      });
  },
};
