import path from 'node:path';
import { ErrorCodes, UsageError } from '../core/errors.js';

/** A parsed DATABASE_URL. */
export type DatabaseTarget =
  | { dialect: 'sqlite'; filename: string; display: string }
  | { dialect: 'postgres'; connectionString: string; display: string };

export const DEFAULT_DATABASE_URL = 'sqlite:./data/premiumbot.db';

/**
 * Parses `sqlite:PATH` (also `sqlite://PATH`, `sqlite::memory:`) or `postgres://…`/`postgresql://…`.
 * Anything else is a usage error naming the accepted forms.
 */
export function parseDatabaseUrl(url: string, cwd: string = process.cwd()): DatabaseTarget {
  const value = url.trim();
  if (value === '') {
    throw databaseUrlError(url, 'it is empty');
  }
  if (/^sqlite:/i.test(value)) {
    let rest = value.slice('sqlite:'.length);
    if (rest.startsWith('//')) rest = rest.slice(2);
    if (rest === '') throw databaseUrlError(url, 'the SQLite path is missing');
    if (rest === ':memory:')
      return { dialect: 'sqlite', filename: ':memory:', display: 'sqlite::memory:' };
    const filename = path.resolve(cwd, rest);
    return { dialect: 'sqlite', filename, display: `sqlite:${filename}` };
  }
  if (/^postgres(ql)?:\/\//i.test(value)) {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch (cause) {
      throw databaseUrlError(url, 'it is not a valid URL', cause);
    }
    if (!parsed.hostname && !parsed.searchParams.get('host')) {
      throw databaseUrlError(url, 'the Postgres host is missing');
    }
    return { dialect: 'postgres', connectionString: value, display: maskDatabaseUrl(value) };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1];
  throw databaseUrlError(
    url,
    scheme ? `the scheme "${scheme}:" is not supported` : 'it has no scheme',
  );
}

/** Hides the password of a database URL for display. */
export function maskDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    return parsed.toString();
  } catch {
    return url.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:****@');
  }
}

function databaseUrlError(url: string, why: string, cause?: unknown): UsageError {
  const shown = /^postgres/i.test(url.trim()) ? maskDatabaseUrl(url) : url;
  return new UsageError(`DATABASE_URL "${shown}" is not usable: ${why}.`, {
    code: ErrorCodes.databaseUrl,
    hint: 'Use sqlite:PATH (for example sqlite:./data/premiumbot.db) or postgres://USER:PASSWORD@HOST:5432/DB.',
    cause,
  });
}
