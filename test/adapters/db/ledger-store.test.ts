import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedgerStore, type DbLedgerStore } from '../../../src/adapters/db/ledger-store.js';
import {
  AccountFrozenError,
  ErrorCodes,
  IdempotencyConflictError,
  InsufficientCreditsError,
  InvalidAmountError,
  NoBankedTimeError,
  UnknownFanError,
  hasCode,
} from '../../../src/core/errors.js';
import { ledgerKeys } from '../../../src/core/ledger.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

/** Small deterministic PRNG (mulberry32) so the random sequence replays identically. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('ledger store', () => {
  let t: TestDb;
  let ledger: DbLedgerStore;
  let nextFan = 1_000_000_000;

  /** A fresh fan, optionally with a starting grant. */
  async function newFan(credits = 0): Promise<number> {
    const id = (nextFan += 1);
    await ledger.ensureUser({ id, username: `fan${id}`, firstName: 'Fan' });
    if (credits > 0) await ledger.grantCredits(id, credits, `seed:${id}`, { kind: 'gift' });
    return id;
  }

  async function ledgerCount(fanId: number): Promise<number> {
    const row = (await t.db('credit_ledger').where('user_id', fanId).count({ n: '*' }).first()) as {
      n: number | string;
    };
    return Number(row.n);
  }

  async function expectConsistent(fanId: number): Promise<void> {
    const balance = await ledger.balance(fanId);
    const sums = await ledger.sumLedger(fanId);
    const { credits, seconds, debt, timeDebt } = balance;
    expect({ credits, seconds, debt, timeDebt }).toEqual(sums);
    expect(balance.credits).toBeGreaterThanOrEqual(0);
    expect(balance.seconds).toBeGreaterThanOrEqual(0);
    expect(balance.debt).toBeGreaterThanOrEqual(0);
    expect(balance.timeDebt).toBeGreaterThanOrEqual(0);
  }

  beforeAll(async () => {
    // A pool big enough that concurrent spends really race on Postgres.
    t = await createMigratedTestDb({ poolMax: 20 });
    ledger = createLedgerStore(t.db);
  });

  afterAll(async () => {
    await t.destroy();
  });

  describe('ensureUser', () => {
    it('creates a fan with zero balances and refreshes the profile later', async () => {
      const created = await ledger.ensureUser({
        id: 8_123_456_789,
        username: 'old',
        firstName: 'A',
      });
      expect(created).toMatchObject({ fanId: 8_123_456_789, credits: 0, seconds: 0, debt: 0 });
      await ledger.ensureUser({ id: 8_123_456_789, username: 'new', languageCode: 'de' });
      const row = (await t.db('users').where('id', 8_123_456_789).first()) as Record<
        string,
        unknown
      >;
      expect(row).toMatchObject({ id: 8_123_456_789, username: 'new', language_code: 'de' });
    });
  });

  describe('grant and spend', () => {
    it('grants, spends and keeps the ledger in step', async () => {
      const fan = await newFan();
      const grant = await ledger.grantCredits(fan, 10, ledgerKeys.grantCheckout('cs_a'), {
        reference: 'cs_a',
      });
      expect(grant).toMatchObject({ duplicate: false, debtSettled: 0 });
      expect(grant.entry).toMatchObject({ kind: 'grant', creditsDelta: 10, reference: 'cs_a' });
      expect(grant.entry.createdAt).toBeInstanceOf(Date);
      const spend = await ledger.spendCredits(fan, 3, ledgerKeys.spend(1001));
      expect(spend.entry).toMatchObject({ kind: 'spend', creditsDelta: -3 });
      expect(spend.balance.credits).toBe(7);
      const unlock = await ledger.spendCredits(fan, 4, ledgerKeys.unlock(fan, 9), {
        kind: 'unlock',
      });
      expect(unlock.entry.kind).toBe('unlock');
      expect(unlock.balance.credits).toBe(3);
      await expectConsistent(fan);
    });

    it('refuses a spend the balance cannot cover and changes nothing', async () => {
      const fan = await newFan(2);
      const before = await ledgerCount(fan);
      const err = await ledger
        .spendCredits(fan, 3, ledgerKeys.spend(2001))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InsufficientCreditsError);
      expect(hasCode(err, ErrorCodes.insufficientCredits)).toBe(true);
      expect(err).toMatchObject({ balance: 2, cost: 3 });
      expect((await ledger.balance(fan)).credits).toBe(2);
      expect(await ledgerCount(fan)).toBe(before);
      expect(await ledger.findEntry(ledgerKeys.spend(2001))).toBeNull();
    });

    it('refuses spending by a frozen fan', async () => {
      const fan = await newFan(5);
      await t.db('users').where('id', fan).update({ is_frozen: true });
      await expect(ledger.spendCredits(fan, 1, ledgerKeys.spend(3001))).rejects.toBeInstanceOf(
        AccountFrozenError,
      );
      expect((await ledger.balance(fan)).credits).toBe(5);
      // Grants still land (a payment completing during a dispute is not lost).
      await ledger.grantCredits(fan, 1, ledgerKeys.grantPaymentIntent('pi_frozen'));
      expect((await ledger.balance(fan)).credits).toBe(6);
      await expectConsistent(fan);
    });

    it('rejects invalid amounts and unknown fans with typed errors', async () => {
      const fan = await newFan(5);
      for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
        await expect(ledger.spendCredits(fan, bad, `spend:bad:${bad}`)).rejects.toBeInstanceOf(
          InvalidAmountError,
        );
        await expect(ledger.grantCredits(fan, bad, `grant:bad:${bad}`)).rejects.toBeInstanceOf(
          InvalidAmountError,
        );
      }
      await expect(ledger.spendCredits(1, 1, 'spend:nobody')).rejects.toBeInstanceOf(
        UnknownFanError,
      );
      await expect(ledger.grantCredits(1, 1, 'grant:nobody')).rejects.toBeInstanceOf(
        UnknownFanError,
      );
      await expect(ledger.balance(1)).rejects.toBeInstanceOf(UnknownFanError);
      await expectConsistent(fan);
    });
  });

  describe('concurrency', () => {
    it('200 concurrent spends of 1 against a balance of 10: exactly 10 succeed', async () => {
      const fan = await newFan(10);
      const results = await Promise.allSettled(
        Array.from({ length: 200 }, (_, i) =>
          ledger.spendCredits(fan, 1, ledgerKeys.spend(50_000 + i)),
        ),
      );
      const fulfilled = results.filter((r) => r.status === 'fulfilled');
      const rejected = results.filter((r) => r.status === 'rejected');
      expect(fulfilled).toHaveLength(10);
      expect(rejected).toHaveLength(190);
      for (const r of rejected) {
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(InsufficientCreditsError);
      }
      expect((await ledger.balance(fan)).credits).toBe(0);
      // The seed gift plus exactly ten spends.
      expect(await ledgerCount(fan)).toBe(11);
      await expectConsistent(fan);
    });

    it('the same key twice, one after the other, records one entry', async () => {
      const fan = await newFan(10);
      const first = await ledger.spendCredits(fan, 2, ledgerKeys.spend(6001));
      const second = await ledger.spendCredits(fan, 2, ledgerKeys.spend(6001));
      expect(first.duplicate).toBe(false);
      expect(second.duplicate).toBe(true);
      expect(second.entry.id).toBe(first.entry.id);
      expect(second.balance.credits).toBe(8);
      const grant1 = await ledger.grantCredits(fan, 5, ledgerKeys.grantCheckout('cs_dup'));
      const grant2 = await ledger.grantCredits(fan, 5, ledgerKeys.grantCheckout('cs_dup'));
      expect(grant2).toMatchObject({ duplicate: true });
      expect(grant2.entry.id).toBe(grant1.entry.id);
      expect((await ledger.balance(fan)).credits).toBe(13);
      await expectConsistent(fan);
    });

    it('a duplicate spend is reported as such even when the balance is now empty', async () => {
      const fan = await newFan(1);
      await ledger.spendCredits(fan, 1, ledgerKeys.spend(6101));
      const again = await ledger.spendCredits(fan, 1, ledgerKeys.spend(6101));
      expect(again.duplicate).toBe(true);
      expect(again.balance.credits).toBe(0);
    });

    it('the same key used concurrently records one entry', async () => {
      const fan = await newFan(10);
      const spends = await Promise.all(
        Array.from({ length: 25 }, () => ledger.spendCredits(fan, 1, ledgerKeys.spend(7001))),
      );
      expect(spends.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(new Set(spends.map((r) => r.entry.id)).size).toBe(1);
      const grants = await Promise.all(
        Array.from({ length: 25 }, () =>
          ledger.grantCredits(fan, 4, ledgerKeys.grantPaymentIntent('pi_race')),
        ),
      );
      expect(grants.filter((r) => !r.duplicate)).toHaveLength(1);
      const refunds = await Promise.all(
        Array.from({ length: 10 }, () =>
          ledger.refundCredits(fan, 2, ledgerKeys.refund('re_race')),
        ),
      );
      expect(refunds.filter((r) => !r.duplicate)).toHaveLength(1);
      expect((await ledger.balance(fan)).credits).toBe(10 - 1 + 4 - 2);
      expect(await ledgerCount(fan)).toBe(4);
      await expectConsistent(fan);
    });

    it('a reused key for a different movement is a conflict, not a silent duplicate', async () => {
      const fan = await newFan(10);
      const other = await newFan(10);
      await ledger.spendCredits(fan, 2, ledgerKeys.spend(8001));
      await expect(ledger.spendCredits(fan, 3, ledgerKeys.spend(8001))).rejects.toBeInstanceOf(
        IdempotencyConflictError,
      );
      await expect(ledger.spendCredits(other, 2, ledgerKeys.spend(8001))).rejects.toBeInstanceOf(
        IdempotencyConflictError,
      );
      await expect(ledger.grantCredits(fan, 2, ledgerKeys.spend(8001))).rejects.toBeInstanceOf(
        IdempotencyConflictError,
      );
      expect((await ledger.balance(fan)).credits).toBe(8);
      expect((await ledger.balance(other)).credits).toBe(10);
      await expectConsistent(fan);
      await expectConsistent(other);
    });
  });

  describe('refunds and debt', () => {
    it('takes back up to the balance and records the rest as debt', async () => {
      const fan = await newFan(10);
      await ledger.spendCredits(fan, 7, ledgerKeys.spend(9001));
      const refund = await ledger.refundCredits(fan, 10, ledgerKeys.refund('re_1'));
      expect(refund).toMatchObject({ duplicate: false, removed: 3, addedDebt: 7 });
      expect(refund.entry).toMatchObject({ kind: 'refund', creditsDelta: -3, debtDelta: 7 });
      expect(refund.balance).toMatchObject({ credits: 0, debt: 7 });
      const again = await ledger.refundCredits(fan, 10, ledgerKeys.refund('re_1'));
      expect(again).toMatchObject({ duplicate: true, removed: 3, addedDebt: 7 });
      await expectConsistent(fan);

      // A gift reaches the balance; a purchase pays off the debt first.
      await ledger.grantCredits(fan, 2, ledgerKeys.gift(9101), { kind: 'gift' });
      expect(await ledger.balance(fan)).toMatchObject({ credits: 2, debt: 7 });
      const purchase = await ledger.grantCredits(fan, 5, ledgerKeys.grantCheckout('cs_after'));
      expect(purchase).toMatchObject({ debtSettled: 5 });
      expect(purchase.balance).toMatchObject({ credits: 2, debt: 2 });
      const more = await ledger.grantCredits(fan, 10, ledgerKeys.grantCheckout('cs_after2'));
      expect(more).toMatchObject({ debtSettled: 2 });
      expect(more.balance).toMatchObject({ credits: 10, debt: 0 });
      const replay = await ledger.grantCredits(fan, 10, ledgerKeys.grantCheckout('cs_after2'));
      expect(replay).toMatchObject({ duplicate: true, debtSettled: 2 });
      expect(
        await ledger.findEntry(ledgerKeys.debtSettle(ledgerKeys.grantCheckout('cs_after2'))),
      ).toMatchObject({ kind: 'debt_settle', creditsDelta: -2, debtDelta: -2 });
      await expectConsistent(fan);
    });

    it('records a refund against an empty balance as debt only', async () => {
      const fan = await newFan();
      const refund = await ledger.refundCredits(fan, 4, ledgerKeys.refund('re_empty'));
      expect(refund).toMatchObject({ removed: 0, addedDebt: 4 });
      expect(refund.entry).toMatchObject({ creditsDelta: 0, debtDelta: 4 });
      await expectConsistent(fan);
    });
  });

  describe('time passes', () => {
    it('banks pass time and starts it as a running pass', async () => {
      const fan = await newFan();
      await ledger.grantTime(fan, 3600, ledgerKeys.passGrantCheckout('cs_time'));
      const dup = await ledger.grantTime(fan, 3600, ledgerKeys.passGrantCheckout('cs_time'));
      expect(dup.duplicate).toBe(true);
      expect((await ledger.balance(fan)).seconds).toBe(3600);
      await expectConsistent(fan);

      const now = new Date('2026-11-26T12:00:00.000Z');
      const started = await ledger.startPass(fan, now, ledgerKeys.passStart(11001));
      expect(started).toMatchObject({ duplicate: false, seconds: 3600 });
      expect(started.passStartedAt.toISOString()).toBe('2026-11-26T12:00:00.000Z');
      expect(started.passEndsAt.toISOString()).toBe('2026-11-26T13:00:00.000Z');
      expect(started.entry).toMatchObject({ kind: 'pass_start', secondsDelta: -3600 });
      expect(started.balance.seconds).toBe(0);
      expect(started.balance.passEndsAt?.toISOString()).toBe('2026-11-26T13:00:00.000Z');
      await expectConsistent(fan);

      const replay = await ledger.startPass(fan, now, ledgerKeys.passStart(11001));
      expect(replay).toMatchObject({ duplicate: true, seconds: 3600 });
      await expect(ledger.startPass(fan, now, ledgerKeys.passStart(11002))).rejects.toBeInstanceOf(
        NoBankedTimeError,
      );

      // Starting more time while the pass runs extends it and keeps its start.
      await t.db('users').where('id', fan).update({ pass_warning_sent_at: now });
      await ledger.grantTime(fan, 1800, ledgerKeys.passGrantPaymentIntent('pi_time'));
      const later = new Date('2026-11-26T12:30:00.000Z');
      const extended = await ledger.startPass(fan, later, ledgerKeys.passStart(11003));
      expect(extended.passStartedAt.toISOString()).toBe('2026-11-26T12:00:00.000Z');
      expect(extended.passEndsAt.toISOString()).toBe('2026-11-26T13:30:00.000Z');
      const row = (await t.db('users').where('id', fan).first()) as Record<string, unknown>;
      expect(row.pass_warning_sent_at).toBeNull();

      // After it ended, a new pass starts from now.
      await ledger.grantTime(fan, 60, 'pass_grant:manual-1');
      const afterEnd = new Date('2026-11-27T00:00:00.000Z');
      const fresh = await ledger.startPass(fan, afterEnd, ledgerKeys.passStart(11004));
      expect(fresh.passStartedAt.toISOString()).toBe('2026-11-27T00:00:00.000Z');
      expect(fresh.passEndsAt.toISOString()).toBe('2026-11-27T00:01:00.000Z');
      await expectConsistent(fan);
    });

    it('takes back banked, then running time; the used rest is time debt the next pass pays off', async () => {
      const fan = await newFan();
      await ledger.grantTime(fan, 3600, ledgerKeys.passGrantCheckout('cs_debt_1'));
      const start = new Date('2026-11-26T12:00:00.000Z');
      await ledger.startPass(fan, start, ledgerKeys.passStart(12001));
      await ledger.grantTime(fan, 600, ledgerKeys.passGrantCheckout('cs_debt_2'));
      // 45 minutes in: 600 s banked, 900 s of the pass left, 2700 s used.
      const now = new Date('2026-11-26T12:45:00.000Z');
      const revoked = await ledger.revokeTime(fan, 4200, now, ledgerKeys.passRevoke('re_debt'));
      expect(revoked).toMatchObject({ duplicate: false, banked: 600, running: 900, used: 2700 });
      expect(revoked.entry).toMatchObject({ secondsDelta: -600, timeDebtDelta: 2700 });
      expect(revoked.balance).toMatchObject({ seconds: 0, timeDebt: 2700, debt: 0 });
      expect(revoked.balance.passEndsAt?.toISOString()).toBe('2026-11-26T12:45:00.000Z');
      await expectConsistent(fan);
      const replay = await ledger.revokeTime(fan, 4200, now, ledgerKeys.passRevoke('re_debt'));
      expect(replay).toMatchObject({ duplicate: true, banked: 600, used: 2700 });
      expect(replay.balance.timeDebt).toBe(2700);

      // A smaller pass pays off what it can; the next pays off the rest and banks the remainder.
      const key1 = ledgerKeys.passGrantCheckout('cs_debt_3');
      const first = await ledger.grantTime(fan, 1800, key1);
      expect(first).toMatchObject({ duplicate: false, debtSettled: 1800 });
      expect(first.entry).toMatchObject({ kind: 'pass_grant', secondsDelta: 1800 });
      expect(first.balance).toMatchObject({ seconds: 0, timeDebt: 900 });
      const settle = await ledger.findEntry(ledgerKeys.debtSettle(key1));
      expect(settle).toMatchObject({
        kind: 'debt_settle',
        creditsDelta: 0,
        secondsDelta: -1800,
        debtDelta: 0,
        timeDebtDelta: -1800,
        reference: key1,
      });
      expect(await ledger.grantTime(fan, 1800, key1)).toMatchObject({
        duplicate: true,
        debtSettled: 1800,
      });
      const second = await ledger.grantTime(fan, 3600, ledgerKeys.passGrantCheckout('cs_debt_4'));
      expect(second).toMatchObject({ debtSettled: 900 });
      expect(second.balance).toMatchObject({ seconds: 2700, timeDebt: 0 });
      await expectConsistent(fan);

      // Credit debt and time debt are separate: credits bought never pay off time.
      await ledger.revokeTime(fan, 3000, now, ledgerKeys.passRevoke('re_debt_2'));
      const credits = await ledger.grantCredits(fan, 10, ledgerKeys.grantCheckout('cs_debt_5'));
      expect(credits).toMatchObject({ debtSettled: 0 });
      expect(credits.balance).toMatchObject({ credits: 10, seconds: 0, timeDebt: 300 });
      await expectConsistent(fan);
    });

    it('does not start a frozen fan’s pass', async () => {
      const fan = await newFan();
      await ledger.grantTime(fan, 60, 'pass_grant:frozen');
      await t.db('users').where('id', fan).update({ is_frozen: true });
      await expect(ledger.startPass(fan, new Date(), 'pass_start:frozen')).rejects.toBeInstanceOf(
        AccountFrozenError,
      );
      expect((await ledger.balance(fan)).seconds).toBe(60);
    });
  });

  describe('caller transactions', () => {
    it('joins the caller’s transaction: a rollback undoes the spend', async () => {
      const fan = await newFan(5);
      await t.db
        .transaction(async (trx) => {
          await ledger.spendCredits(fan, 2, ledgerKeys.spend(12001), {}, trx);
          expect((await ledger.balance(fan, trx)).credits).toBe(3);
          throw new Error('relay could not be queued');
        })
        .catch(() => undefined);
      expect((await ledger.balance(fan)).credits).toBe(5);
      expect(await ledger.findEntry(ledgerKeys.spend(12001))).toBeNull();
      await expectConsistent(fan);
    });

    it('a refused spend leaves the caller’s transaction usable', async () => {
      const fan = await newFan(1);
      await t.db.transaction(async (trx) => {
        await expect(
          ledger.spendCredits(fan, 5, ledgerKeys.spend(13001), {}, trx),
        ).rejects.toBeInstanceOf(InsufficientCreditsError);
        await ledger.spendCredits(fan, 1, ledgerKeys.spend(13002), {}, trx);
        await ledger.spendCredits(fan, 1, ledgerKeys.spend(13002), {}, trx);
      });
      expect((await ledger.balance(fan)).credits).toBe(0);
      expect(await ledgerCount(fan)).toBe(2);
      await expectConsistent(fan);
    });
  });

  describe('random sequences', () => {
    type Op =
      | { type: 'grant'; amount: number; key: string }
      | { type: 'gift'; amount: number; key: string }
      | { type: 'spend'; amount: number; key: string }
      | { type: 'refund'; amount: number; key: string };

    function randomOps(seed: number, count: number): Op[] {
      const random = seededRandom(seed);
      const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
      const ops: Op[] = [];
      for (let i = 0; i < count; i += 1) {
        // Replay an earlier operation now and then: a webhook retry or a duplicate update.
        if (ops.length > 0 && random() < 0.1) {
          ops.push({ ...ops[int(0, ops.length - 1)]! });
          continue;
        }
        const r = random();
        if (r < 0.3) ops.push({ type: 'grant', amount: int(1, 20), key: `grant:seq-${seed}-${i}` });
        else if (r < 0.4)
          ops.push({ type: 'gift', amount: int(1, 5), key: `gift:seq-${seed}-${i}` });
        else if (r < 0.9)
          ops.push({ type: 'spend', amount: int(1, 5), key: `spend:seq-${seed}-${i}` });
        else ops.push({ type: 'refund', amount: int(1, 15), key: `refund:seq-${seed}-${i}` });
      }
      return ops;
    }

    async function apply(fan: number, op: Op): Promise<void> {
      try {
        if (op.type === 'grant') await ledger.grantCredits(fan, op.amount, op.key);
        else if (op.type === 'gift')
          await ledger.grantCredits(fan, op.amount, op.key, { kind: 'gift' });
        else if (op.type === 'spend') await ledger.spendCredits(fan, op.amount, op.key);
        else await ledger.refundCredits(fan, op.amount, op.key);
      } catch (err) {
        if (!(err instanceof InsufficientCreditsError)) throw err;
      }
    }

    it('1,000 grants/spends/refunds with replays keep balance == sum(ledger), never negative', async () => {
      const fan = await newFan();
      const ops = randomOps(20261126, 1000);
      // A model of the rules, to check the exact outcome of the sequence.
      const model = { credits: 0, debt: 0, done: new Set<string>() };
      for (const [i, op] of ops.entries()) {
        await apply(fan, op);
        if (!model.done.has(op.key)) {
          if (op.type === 'spend') {
            if (model.credits >= op.amount) {
              model.credits -= op.amount;
              model.done.add(op.key);
            }
          } else if (op.type === 'refund') {
            const removed = Math.min(model.credits, op.amount);
            model.credits -= removed;
            model.debt += op.amount - removed;
            model.done.add(op.key);
          } else {
            const settled = op.type === 'grant' ? Math.min(model.debt, op.amount) : 0;
            model.credits += op.amount - settled;
            model.debt -= settled;
            model.done.add(op.key);
          }
        }
        if (i % 100 === 99) await expectConsistent(fan);
      }
      expect(await ledger.balance(fan)).toMatchObject({ credits: model.credits, debt: model.debt });
      expect(await ledgerCount(fan)).toBeGreaterThanOrEqual(model.done.size);
      await expectConsistent(fan);
    });

    it('the same kind of sequence run 10 at a time keeps the invariant', async () => {
      const fan = await newFan();
      const ops = randomOps(42, 400);
      for (let i = 0; i < ops.length; i += 10) {
        await Promise.all(ops.slice(i, i + 10).map((op) => apply(fan, op)));
      }
      await expectConsistent(fan);
    });
  });
});
