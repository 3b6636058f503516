import { openDatabase } from '../../../adapters/db/connect.js';
import { parseDatabaseUrl } from '../../../config/database-url.js';
import { withProgress } from '../../progress.js';
import { askSetting } from '../ask-setting.js';
import type { SetupStep } from '../types.js';

/** The database: SQLite path or Postgres URL, checked by connecting. */
export const databaseStep: SetupStep = {
  id: 'database',
  title: 'Database',
  async run(ctx) {
    ctx.output.out(
      'SQLite (a file, fine for one server) or Postgres (postgres://USER:PASSWORD@HOST:5432/DB).',
    );
    await askSetting(ctx, 'DATABASE_URL', {
      message: 'Database (sqlite:PATH or postgres://…)',
      check: async (url) => {
        const target = parseDatabaseUrl(url, ctx.cli.cwd);
        await withProgress(ctx.output, `Connecting to ${target.display}`, async () => {
          const db = await openDatabase(url);
          await db.destroy();
        });
        return `${target.dialect === 'sqlite' ? 'SQLite' : 'Postgres'} answers: ${target.display}`;
      },
    });
  },
};
