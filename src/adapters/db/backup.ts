/**
 * Online SQLite backup through SQLite's backup API: consistent while `serve` keeps writing
 * (a file copy of a live WAL database is not). Postgres is backed up with pg_dump instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface SqliteBackupResult {
  file: string;
  bytes: number;
  pages: number;
}

/** Copies the live database `source` into `target` (which must not exist) and checks it. */
export async function backupSqlite(source: string, target: string): Promise<SqliteBackupResult> {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  fs.rmSync(partial, { force: true });
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const progress = await db.backup(partial);
    const copy = new Database(partial);
    try {
      // A single self-contained file: restoring it needs no -wal/-shm companions.
      copy.pragma('journal_mode = DELETE');
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`the copy failed its integrity check: ${String(check)}`);
    } finally {
      copy.close();
    }
    fs.chmodSync(partial, 0o600);
    fs.renameSync(partial, target);
    return { file: target, bytes: fs.statSync(target).size, pages: progress.totalPages };
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  } finally {
    db.close();
  }
}
