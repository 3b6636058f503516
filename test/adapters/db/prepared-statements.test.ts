/**
 * Issue 17: statements are prepared once per connection, not on every query — SQLite keeps
 * better-sqlite3 statements by SQL text, Postgres gets named statements for data queries.
 * On SQLite, or Postgres with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_NAMED_STATEMENTS, statementName } from '../../../src/adapters/db/pg-client.js';
import { preparedStatement } from '../../../src/adapters/db/sqlite-client.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

describe('prepared statements (issue 17)', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createMigratedTestDb();
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('SQLite: a statement is prepared once per connection and SQL text', () => {
    let prepared = 0;
    const statement = {
      reader: true,
      all: () => [],
      run: () => ({ lastInsertRowid: 0, changes: 0 }),
    };
    const connection = {
      prepare: () => {
        prepared++;
        return { ...statement };
      },
    };
    const first = preparedStatement(connection, 'select 1');
    expect(preparedStatement(connection, 'select 1')).toBe(first);
    preparedStatement(connection, 'select 2');
    expect(prepared).toBe(2);
  });

  it('Postgres: data statements get a stable name, DDL and the overflow none', () => {
    const name = statementName('select * from users where id = $1');
    expect(name).toMatch(/^pb_[0-9a-f]{20}$/);
    expect(statementName('select * from users where id = $1')).toBe(name);
    expect(statementName('  WITH x AS (select 1) select * from x')).toBeDefined();
    expect(statementName('create table x (id int)')).toBeUndefined();
    expect(statementName('NOTIFY premiumbot_outbox')).toBeUndefined();
    expect(MAX_NAMED_STATEMENTS).toBeGreaterThanOrEqual(100);
  });

  it('the shipped client runs its queries prepared', async () => {
    if (t.dialect === 'sqlite') {
      // Same rows whether the statement is new or cached.
      for (let i = 0; i < 3; i++) {
        const rows = (await t.db('users').where('id', -1).select('id')) as unknown[];
        expect(rows).toEqual([]);
      }
      return;
    }
    await t.db.transaction(async (trx) => {
      for (let i = 0; i < 3; i++) await trx('users').where('id', -1).select('id');
      const rows = (await trx.raw(
        `select count(*)::int as n from pg_prepared_statements where statement like '%"users"%'`,
      )) as { rows: Array<{ n: number }> };
      expect(rows.rows[0]!.n).toBeGreaterThanOrEqual(1);
    });
  });
});
