/** Opening the database for operator commands, with the schema check they all need. */
import { openDatabase } from '../adapters/db/connect.js';
import type { Db } from '../adapters/db/knex.js';
import { ErrorCodes, PremiumbotError } from '../core/errors.js';

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
