/**
 * Issue 17: statements are prepared once per connection, not on every query — SQLite keeps
 * better-sqlite3 statements by SQL text, Postgres gets named statements for data queries.
 * On SQLite, or Postgres with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxStore } from '../../../src/adapters/db/outbox-store.js';
import { toNewRow } from '../../../src/adapters/db/outbox/mapping.js';
import { MAX_NAMED_STATEMENTS, statementName } from '../../../src/adapters/db/pg-client.js';
import { PRIORITY } from '../../../src/core/traffic/outbox.js';
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

  it('Postgres: a claim prepared on an empty outbox is planned again as the outbox grows', async () => {
    if (t.dialect === 'sqlite') return;
    const BACKLOG = 2_000;
    await t.db.transaction(async (trx) => {
      const store = createOutboxStore(trx);
      const claim = () =>
        store.claim({
          workerId: 'plan-test',
          leaseMs: 60_000,
          limit: 16,
          excludeChatIds: [],
          privateChats: false,
        });
      // A new install: the claim runs (and is planned) while the outbox is empty.
      for (let i = 0; i < 8; i++) expect(await claim()).toEqual([]);
      const fans = Array.from({ length: BACKLOG }, (_, i) => 800_000_000 + i);
      for (let i = 0; i < fans.length; i += 500) {
        const slice = fans.slice(i, i + 500);
        await trx('users').insert(slice.map((id) => ({ id, first_name: `Fan ${id}` })));
        await trx('outbox').insert(
          slice.map((fanId) =>
            toNewRow({
              kind: 'relay.fan',
              target: { type: 'topic', chatId: -1001234567890, fanId },
              method: 'copyMessage',
              params: { from_chat_id: fanId, message_id: 1 },
              priority: PRIORITY.fan,
              fanId,
            }),
          ),
        );
      }
      // Then a backlog of one job per fan: the claim must read what it takes, not scan the
      // table once per candidate (a generic plan kept from the empty table did: ~16 × 2,000).
      const read = async () =>
        Number(
          (
            (await trx.raw(
              `select coalesce(sum(seq_tup_read), 0)::int as n from pg_stat_xact_user_tables where relname = 'outbox'`,
            )) as { rows: Array<{ n: number }> }
          ).rows[0]!.n,
        );
      const before = await read();
      expect(await claim()).toHaveLength(16);
      expect((await read()) - before).toBeLessThan(BACKLOG);
    });
  });
});
