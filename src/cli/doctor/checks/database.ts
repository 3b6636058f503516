import { openDatabase } from '../../../adapters/db/connect.js';
import { parseDatabaseUrl } from '../../../config/database-url.js';
import { PremiumbotError } from '../../../core/errors.js';
import { missingSqliteFile, NO_DATABASE_HINT } from '../../database.js';
import { fail, pass, type DoctorCheck } from '../types.js';

/** The database answers. */
export const databaseCheck: DoctorCheck = {
  id: 'database',
  title: 'database',
  after: ['config'],
  async run(ctx) {
    const url = ctx.config!.databaseUrl;
    const target = parseDatabaseUrl(url, ctx.cli.cwd);
    const missing = missingSqliteFile(url);
    if (missing)
      return fail(`no database at ${missing} (doctor created nothing)`, NO_DATABASE_HINT);
    try {
      ctx.db = await openDatabase(url);
      return pass(`${target.dialect} ${target.display} answers`);
    } catch (err) {
      if (err instanceof PremiumbotError)
        return fail(err.message, err.hint ?? 'Check DATABASE_URL.');
      throw err;
    }
  },
};
