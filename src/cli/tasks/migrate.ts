/** The migrate work shared by `premiumbot migrate` and the setup wizard's migrate step. */
import { ensureInstallId } from '../../adapters/db/bot-state-store.js';
import { optimizeDatabase, type Db } from '../../adapters/db/knex.js';
import { ErrorCodes, PremiumbotError } from '../../core/errors.js';
import type { Output } from '../ui.js';

type MigrationInfo = { name?: string; file?: string };
const nameOf = (m: MigrationInfo | string): string =>
  typeof m === 'string' ? m : (m.name ?? m.file ?? '?');

/** Runs one migrate action and prints what happened. */
export async function runMigrate(
  db: Db,
  action: 'latest' | 'status' | 'rollback',
  output: Output,
): Promise<void> {
  try {
    if (action === 'status') {
      const [done, pending] = (await db.migrate.list()) as [MigrationInfo[], MigrationInfo[]];
      for (const m of done) output.out(`  applied  ${nameOf(m)}`);
      for (const m of pending) output.out(`  pending  ${nameOf(m)}`);
      output.out(
        pending.length === 0
          ? `Up to date: ${done.length} applied, nothing pending.`
          : `${pending.length} pending, ${done.length} applied. Run \`premiumbot migrate\` to apply them.`,
      );
      return;
    }
    if (action === 'latest') {
      const [batch, log] = (await db.migrate.latest()) as [number, string[]];
      if (log.length === 0) {
        output.out('Already up to date: no migrations to apply.');
      } else {
        for (const name of log) output.out(`  applied  ${name}`);
        output.out(
          `Applied ${log.length} migration${log.length === 1 ? '' : 's'} (batch ${batch}).`,
        );
      }
      // Statistics for the planner, new tables and indexes included (cheap when fresh).
      await optimizeDatabase(db);
      // Once per database: the id that keeps this install's Stripe objects apart from others'.
      output.out(`Install id: ${await ensureInstallId(db)}`);
      return;
    }
    const [batch, log] = (await db.migrate.rollback()) as [number, string[]];
    if (log.length === 0) {
      output.out('Nothing to roll back: no migrations are applied.');
    } else {
      for (const name of log) output.out(`  rolled back  ${name}`);
      output.out(
        `Rolled back ${log.length} migration${log.length === 1 ? '' : 's'} (batch ${batch}).`,
      );
    }
  } catch (cause) {
    if (cause instanceof PremiumbotError) throw cause;
    throw new PremiumbotError(
      ErrorCodes.migration,
      `Migration ${action} failed: ${(cause as Error).message}`,
      {
        hint: 'Nothing after the failing migration was applied. Fix the cause, then run `premiumbot migrate status`.',
        cause,
      },
    );
  }
}
