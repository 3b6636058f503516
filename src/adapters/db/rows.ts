/**
 * Reading rows the same way on both dialects: Postgres returns Date and boolean, SQLite
 * returns epoch milliseconds (what knex writes for a Date) and 0/1.
 */

/** A timestamp column as a Date (null stays null). */
export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  if (typeof value === 'string') {
    if (/^-?\d+$/.test(value)) return new Date(Number(value));
    // SQLite's CURRENT_TIMESTAMP text ("YYYY-MM-DD HH:MM:SS") is UTC without a zone.
    const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value)
      ? `${value.replace(' ', 'T')}Z`
      : value;
    const date = new Date(iso);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new TypeError(`Not a timestamp: ${String(value)}`);
}

/** A timestamp column that is NOT NULL. */
export function toRequiredDate(value: unknown): Date {
  const date = toDate(value);
  if (date === null) throw new TypeError('Unexpected NULL timestamp');
  return date;
}

/** A boolean column (SQLite stores 0/1). */
export function toBool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
}

/** An integer column or aggregate (int8 is already a number on Postgres, see knex.ts). */
export function toInt(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new TypeError(`Not a safe integer: ${String(value)}`);
  return n;
}
