/**
 * The fan-facing product list is cached (issue 17: it was one `catalog_revision` read per fan
 * message). Another instance's change is seen within the revision check (a second); this
 * process's own change at its next read. Counted with a knex query listener, on SQLite, or
 * Postgres with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProductCatalog } from '../../../src/adapters/db/product-catalog.js';
import { createProductStore } from '../../../src/adapters/db/product-store.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

describe('product catalog cache', () => {
  let t: TestDb;
  let clock = 1_000_000;
  beforeAll(async () => {
    t = await createMigratedTestDb();
    const now = new Date();
    await t.db('products').insert({
      label: '10 credits',
      type: 'credits',
      amount: 10,
      price_cents: 500,
      currency: 'usd',
      active: true,
      sort: 1,
      created_at: now,
      updated_at: now,
    });
  });
  afterAll(async () => {
    await t?.destroy();
  });

  async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
    const seen: string[] = [];
    const listener = (q: { sql: string }) => seen.push(q.sql);
    t.db.on('query', listener);
    try {
      await work();
    } finally {
      t.db.removeListener('query', listener);
    }
    return seen;
  }

  /** Another instance's write: the row and the revision, not through this process's store. */
  async function writeElsewhere(label: string) {
    await t.db.transaction(async (trx) => {
      await trx('products').update({ label });
      await trx('catalog_revision').where('id', 1).increment('revision', 1);
    });
  }

  const labels = async (catalog: ReturnType<typeof createProductCatalog>) =>
    (await catalog.activeProducts()).map((p) => p.label);

  it('reads nothing within a second of its last check', async () => {
    const catalog = createProductCatalog(t.db, { now: () => clock });
    expect(await labels(catalog)).toEqual(['10 credits']);
    clock += 999;
    expect(await statementsOf(() => catalog.activeProducts())).toEqual([]);
    clock += 1;
    const check = await statementsOf(() => catalog.activeProducts());
    expect(check).toHaveLength(1);
    expect(check[0]).toMatch(/catalog_revision/);
  });

  it('reads arriving while a check is in flight share it', async () => {
    const catalog = createProductCatalog(t.db, { now: () => clock });
    await catalog.activeProducts();
    clock += 1_000;
    const checks = await statementsOf(() =>
      Promise.all(Array.from({ length: 20 }, () => catalog.activeProducts())),
    );
    expect(checks.filter((sql) => /catalog_revision/.test(sql))).toHaveLength(1);
  });

  it("sees another instance's change within a second, not before", async () => {
    const catalog = createProductCatalog(t.db, { now: () => clock });
    expect(await labels(catalog)).toEqual(['10 credits']);
    await writeElsewhere('12 credits');
    expect(await labels(catalog)).toEqual(['10 credits']);
    clock += 1_000;
    expect(await labels(catalog)).toEqual(['12 credits']);
  });

  it("sees this process's own change at its next read", async () => {
    const catalog = createProductCatalog(t.db, { now: () => clock });
    const before = await labels(catalog);
    const store = createProductStore(t.db);
    const [product] = await store.list();
    await store.setActive([product!.id], false);
    expect(await labels(catalog)).toEqual([]);
    await store.setActive([product!.id], true);
    expect(await labels(catalog)).toEqual(before);
  });
});
