/**
 * `premiumbot backup [--out FILE]`: an online, consistent SQLite backup (SQLite's backup
 * API, safe while `serve` runs). Postgres databases are backed up with pg_dump; the command
 * says how instead of pretending.
 */
import fs from 'node:fs';
import path from 'node:path';
import { backupSqlite } from '../../adapters/db/backup.js';
import { maskDatabaseUrl, parseDatabaseUrl } from '../../config/database-url.js';
import { ErrorCodes, PremiumbotError, UsageError } from '../../core/errors.js';
import { configFor, type CommandModule } from '../context.js';
import { withProgress } from '../progress.js';

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
}

export const backupCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('backup')
      .description('write an online backup of the SQLite database (Postgres: explains pg_dump)')
      .option('--out <file>', 'where to write it (default ./backups/premiumbot-<UTC time>.db)')
      .action(async (opts: { out?: string }) => {
        const config = configFor(ctx, []);
        const target = parseDatabaseUrl(config.databaseUrl, ctx.cwd);
        if (target.dialect === 'postgres') {
          const shown = maskDatabaseUrl(config.databaseUrl);
          throw new UsageError(
            `\`premiumbot backup\` handles SQLite only; this installation uses Postgres (${shown}).`,
            {
              hint:
                `Back it up with pg_dump, which is consistent while serve runs: ` +
                `pg_dump --format=custom --file premiumbot-${stamp(new Date())}.dump "$DATABASE_URL" ` +
                `(restore: pg_restore --clean --if-exists --dbname "$DATABASE_URL" FILE). See docs/operator-guide.md.`,
            },
          );
        }
        if (target.filename === ':memory:') {
          throw new UsageError(
            'DATABASE_URL is an in-memory SQLite database: there is nothing on disk to back up.',
          );
        }
        if (!fs.existsSync(target.filename)) {
          throw new UsageError(`The SQLite database ${target.filename} does not exist yet.`, {
            hint: 'Check DATABASE_URL and the working directory, or run `premiumbot migrate` to create it.',
          });
        }
        const out = path.resolve(
          ctx.cwd,
          opts.out ?? path.join('backups', `premiumbot-${stamp(new Date())}.db`),
        );
        if (fs.existsSync(out)) {
          throw new UsageError(`${out} already exists; backup never overwrites a file.`, {
            hint: 'Choose another --out path.',
          });
        }
        if (path.resolve(out) === path.resolve(target.filename)) {
          throw new UsageError('--out is the live database itself.', {
            hint: 'Choose another --out path.',
          });
        }
        try {
          await withProgress(
            ctx.output,
            `Backing up ${target.display}`,
            () => backupSqlite(target.filename, out),
            (r) => `Backup written: ${r.file} (${(r.bytes / 1024).toFixed(0)} KiB, integrity ok)`,
          );
          ctx.output.out(
            `Restore: stop serve, replace ${target.filename} with this file (and delete its -wal/-shm files), start serve, then reconcile payments (docs/operator-guide.md).`,
          );
        } catch (cause) {
          if (cause instanceof PremiumbotError) throw cause;
          throw new PremiumbotError(
            ErrorCodes.database,
            `The backup failed: ${(cause as Error).message}`,
            {
              hint: 'Check free disk space and that the --out folder is writable; nothing was left behind.',
              cause,
            },
          );
        }
      });
  },
};
