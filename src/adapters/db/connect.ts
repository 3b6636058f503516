import { ErrorCodes, PremiumbotError } from '../../core/errors.js';
import { parseDatabaseUrl } from '../../config/database-url.js';
import { createDbFor, type CreateDbOptions, type Db } from './knex.js';

/**
 * Builds the knex instance for DATABASE_URL and checks that it answers, turning driver
 * errors into an operator-friendly error (exit 1) that names the fix.
 */
export async function openDatabase(
  databaseUrl: string,
  options: CreateDbOptions = {},
): Promise<Db> {
  const target = parseDatabaseUrl(databaseUrl);
  const db = createDbFor(target, options);
  try {
    await db.raw('select 1');
    return db;
  } catch (cause) {
    await db.destroy().catch(() => {});
    const code = (cause as { code?: string }).code;
    const hint =
      target.dialect === 'postgres'
        ? code === 'ECONNREFUSED'
          ? 'Is Postgres running and reachable at that host and port? Check DATABASE_URL.'
          : code === '3D000'
            ? 'The database does not exist: create it (createdb) or fix the name in DATABASE_URL.'
            : code === '28P01' || code === '28000'
              ? 'Postgres refused the credentials: check the user and password in DATABASE_URL.'
              : 'Check DATABASE_URL and that the Postgres server is up (`premiumbot doctor`).'
        : 'Check that the SQLite path in DATABASE_URL is writable by this user.';
    throw new PremiumbotError(
      ErrorCodes.database,
      `Cannot connect to the database ${target.display}: ${(cause as Error).message}`,
      { hint, cause },
    );
  }
}
