/**
 * Issue 17: the fan's row carries what the balance bar needs (the last top-up, the balance
 * after it) so no read scans the ledger. Every write path keeps it equal to what the ledger
 * says, `balance == sum(ledger)` holds after each movement, the migration backfills it, and
 * doctor's grouped check finds a balance that drifted. SQLite, or Postgres with
 * TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFanAccount } from '../../../src/adapters/db/fan-account-store.js';
import { ledgerMismatches } from '../../../src/adapters/db/ledger/invariant.js';
import { createLedgerStore, type DbLedgerStore } from '../../../src/adapters/db/ledger-store.js';
import { toDate, toInt } from '../../../src/adapters/db/rows.js';
import { ledgerKeys } from '../../../src/core/ledger.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const MIGRATION = '20261207100001_fan_top_up_columns.js';
const TOP_UPS = ['grant', 'gift', 'adjust', 'debt_settle'];
const GRANTS = ['grant', 'gift', 'adjust'];

describe('the fan row follows the ledger', () => {
  let t: TestDb;
  let ledger: DbLedgerStore;
  let nextFan = 2_000_000_000;
  beforeAll(async () => {
    t = await createMigratedTestDb();
    ledger = createLedgerStore(t.db);
  });
  afterAll(async () => {
    await t?.destroy();
  });

  async function newFan(): Promise<number> {
    const id = (nextFan += 1);
    await ledger.ensureUser({ id, firstName: 'Fan' });
    return id;
  }

  /** The last top-up as the reads computed it before issue 17: by scanning the ledger. */
  async function scanned(fanId: number) {
    const last = (await t
      .db('credit_ledger')
      .where('user_id', fanId)
      .whereIn('kind', TOP_UPS)
      .max('id as id')
      .first()) as { id: unknown };
    let balance: number | null = null;
    if (last.id !== null && last.id !== undefined) {
      const sum = (await t
        .db('credit_ledger')
        .where('user_id', fanId)
        .where('id', '<=', toInt(last.id))
        .sum('credits_delta as total')
        .first()) as { total: unknown };
      balance = toInt(sum.total);
    }
    const at = (await t
      .db('credit_ledger')
      .where('user_id', fanId)
      .whereIn('kind', GRANTS)
      .max('created_at as at')
      .first()) as { at: unknown };
    return { balance, at: toDate(at.at)?.getTime() ?? null };
  }

  async function stored(fanId: number) {
    const row = (await t
      .db('users')
      .where('id', fanId)
      .first('last_top_up_balance', 'last_top_up_at')) as Record<string, unknown>;
    const balance = row.last_top_up_balance;
    return {
      balance: balance === null || balance === undefined ? null : toInt(balance),
      at: toDate(row.last_top_up_at)?.getTime() ?? null,
    };
  }

  async function expectConsistent(fanId: number) {
    const sums = await ledger.sumLedger(fanId);
    const balance = await ledger.balance(fanId);
    expect({ ...sums }).toEqual({
      credits: balance.credits,
      seconds: balance.seconds,
      debt: balance.debt,
      timeDebt: balance.timeDebt,
    });
    expect(await stored(fanId)).toEqual(await scanned(fanId));
    expect((await readFanAccount(t.db, fanId))?.lastTopUpBalance).toEqual(
      (await scanned(fanId)).balance,
    );
  }

  it('every movement keeps the balance, its ledger and the last top-up in step', async () => {
    const fan = await newFan();
    await expectConsistent(fan);
    await ledger.grantCredits(fan, 10, 'grant:cs_inv_1');
    await expectConsistent(fan);
    await ledger.spendCredits(fan, 3, ledgerKeys.messageSpend(fan, 1));
    // The same key again: nothing moves (no savepoint: the spend is undone in place).
    const again = await ledger.spendCredits(fan, 3, ledgerKeys.messageSpend(fan, 1));
    expect(again.duplicate).toBe(true);
    expect(again.balance.credits).toBe(7);
    await expectConsistent(fan);
    await ledger.refundCredits(fan, 10, 'refund:re_inv_1');
    await expectConsistent(fan);
    await ledger.reverseRefund(fan, 'refund:re_inv_1', 'refund_reversal:re_inv_1');
    await expectConsistent(fan);
    await ledger.refundCredits(fan, 12, 'refund:re_inv_2');
    await ledger.grantCredits(fan, 20, 'grant:cs_inv_2');
    await expectConsistent(fan);
    await ledger.grantCredits(fan, 5, ledgerKeys.gift(1), { kind: 'gift' });
    await ledger.spendCredits(fan, 2, ledgerKeys.messageSpend(fan, 2));
    await ledger.returnSpend(ledgerKeys.messageSpend(fan, 2), ledgerKeys.relayRefund('x'));
    await expectConsistent(fan);
    await ledger.grantTime(fan, 3600, 'pass_grant:cs_inv_3');
    await ledger.startPass(fan, new Date(), ledgerKeys.messagePassStart(fan, 3));
    await ledger.revokeTime(fan, 7200, new Date(), 'pass_revoke:re_inv_3');
    await ledger.grantTime(fan, 3600, 'pass_grant:cs_inv_4');
    await expectConsistent(fan);
    expect(await ledgerMismatches(t.db)).toEqual([]);
  });

  it('a refused spend writes nothing and leaves the caller’s transaction usable', async () => {
    const fan = await newFan();
    await ledger.grantCredits(fan, 1, 'grant:cs_inv_refused');
    await t.db.transaction(async (trx) => {
      await expect(ledger.spendCredits(fan, 5, 'spend:inv_refused', {}, trx)).rejects.toThrow();
      await ledger.spendCredits(fan, 1, 'spend:inv_ok', {}, trx);
    });
    expect((await ledger.balance(fan)).credits).toBe(0);
    await expectConsistent(fan);
  });

  it('doctor’s grouped query names a balance that drifted from its ledger', async () => {
    const fan = await newFan();
    await ledger.grantCredits(fan, 4, 'grant:cs_inv_drift');
    await t.db('users').where('id', fan).update({ message_credits: 40 });
    const found = await ledgerMismatches(t.db);
    expect(found.map((m) => [m.fanId, m.cached.credits, m.ledger.credits])).toEqual([[fan, 40, 4]]);
    await t.db('users').where('id', fan).update({ message_credits: 4 });
    expect(await ledgerMismatches(t.db)).toEqual([]);
  });

  it('the migration backfills the last top-up from the ledger', async () => {
    const fans = [await newFan(), await newFan(), await newFan()];
    await ledger.grantCredits(fans[0]!, 10, 'grant:cs_fill_0');
    await ledger.spendCredits(fans[0]!, 4, 'spend:fill_0');
    await ledger.refundCredits(fans[1]!, 3, 'refund:re_fill_1');
    await ledger.grantCredits(fans[1]!, 8, 'grant:cs_fill_1');
    await ledger.grantCredits(fans[1]!, 2, ledgerKeys.gift(77), { kind: 'gift' });
    const before = await Promise.all(fans.map((f) => scanned(f)));
    await t.db.migrate.down({ name: MIGRATION });
    await t.db.migrate.up({ name: MIGRATION });
    expect(await Promise.all(fans.map((f) => stored(f)))).toEqual(before);
    expect(before[2]).toEqual({ balance: null, at: null });
  });
});
