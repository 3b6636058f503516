/** Opening the database for operator commands, with the schema check they all need. */
import fs from 'node:fs';
import { openDatabase } from '../adapters/db/connect.js';
import type { Db } from '../adapters/db/knex.js';
import { parseDatabaseUrl } from '../config/database-url.js';
import { ErrorCodes, PremiumbotError } from '../core/errors.js';

/**
 * A SQLite file that is not there yet, or null. Only `setup` and `migrate` create a
 * database: any other command pointed at the wrong folder says so instead of leaving an
 * empty `data/premiumbot.db` behind.
 */
export function missingSqliteFile(databaseUrl: string): string | null {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.dialect !== 'sqlite' || target.filename === ':memory:') return null;
  return fs.existsSync(target.filename) ? null : target.filename;
}

/** The hint for a database that does not exist yet. */
export const NO_DATABASE_HINT =
  'Run `premiumbot migrate` first. Wrong folder? Run the command where the install lives, or pass `--env-file PATH` (the demo: `--env-file demo/.env`).';

/** Names of migrations not applied yet. */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const [, pending] = (await db.migrate.list()) as [
    unknown[],
    ({ name?: string; file?: string } | string)[],
  ];
  return pending.map((m) => (typeof m === 'string' ? m : (m.name ?? m.file ?? '?')));
}

/** Opens DATABASE_URL and refuses to continue on a schema that is not up to date. */
export async function openMigratedDatabase(databaseUrl: string): Promise<Db> {
  const missing = missingSqliteFile(databaseUrl);
  if (missing) {
    throw new PremiumbotError(
      ErrorCodes.migration,
      `There is no database at ${missing} (nothing was created).`,
      { hint: NO_DATABASE_HINT, kind: 'usage' },
    );
  }
  const db = await openDatabase(databaseUrl);
  try {
    const pending = await pendingMigrations(db);
    if (pending.length > 0) {
      throw new PremiumbotError(
        ErrorCodes.migration,
        `The database schema is not up to date: ${pending.length} migration(s) pending.`,
        {
          hint: 'Run `premiumbot migrate` first.',
          kind: 'usage',
        },
      );
    }
    return db;
  } catch (err) {
    await db.destroy();
    throw err;
  }
}
