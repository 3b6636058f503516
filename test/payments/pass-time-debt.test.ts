/**
 * Pass time is money too (issue 12, item 7): the part of a refunded or lost-disputed pass the
 * fan already used becomes time debt, recorded on the `pass_revoke` entry, and the next pass
 * bought pays it off first through its own `settle:<grant key>` entry.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeAmount } from '../../src/core/catalog.js';
import { ledgerKeys } from '../../src/core/ledger.js';
import type { StripeObject } from '../../src/sandbox/stripe/index.js';
import { buyAndPay, newFan, outboxOf, startPaymentsEnv, type PaymentsEnv } from './helpers.js';

const HOUR = 3600;

/** A `credit_ledger` row as the test reads it (numbers whatever the dialect). */
async function entryOf(db: Knex, key: string) {
  const row = (await db('credit_ledger').where('idempotency_key', key).first()) as
    Record<string, unknown> | undefined;
  if (!row) return undefined;
  return {
    kind: row.kind as string,
    credits: Number(row.credits_delta),
    seconds: Number(row.seconds_delta),
    debt: Number(row.debt_delta),
    timeDebt: Number(row.time_debt_delta),
    reference: row.reference as string | null,
  };
}

describe('used pass time becomes time debt', () => {
  let env: PaymentsEnv;
  beforeAll(async () => {
    env = await startPaymentsEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  const settle = () => env.sim.control.waitForDeliveries(30_000);
  const chargeOfSession = async (sessionId: string) => {
    const row = (await env.db('transactions').where('checkout_session_id', sessionId).first()) as {
      payment_intent_id: string;
    };
    return env.sim.control.get<StripeObject & { latest_charge: string }>(row.payment_intent_id)!
      .latest_charge;
  };

  /** The cached columns on `users` equal the sums of the fan's ledger, column by column. */
  async function expectBalanced(fanId: number) {
    const user = (await env.db('users').where('id', fanId).first()) as Record<string, unknown>;
    const cached = {
      credits: Number(user.message_credits),
      seconds: Number(user.time_credits_seconds),
      debt: Number(user.credit_debt),
      timeDebt: Number(user.time_debt_seconds),
    };
    expect(await env.ledger.sumLedger(fanId)).toEqual(cached);
    const balance = await env.ledger.balance(fanId);
    expect({
      credits: balance.credits,
      seconds: balance.seconds,
      debt: balance.debt,
      timeDebt: balance.timeDebt,
    }).toEqual(cached);
    return cached;
  }

  it('a refunded, partly used pass records the used part as time debt; the next pass pays it off first', async () => {
    const fan = newFan('Uma');
    const first = await buyAndPay(env, fan, env.products.hour);
    // Started 45 minutes ago: about 15 minutes are left, 45 were used.
    await env.ledger.startPass(
      fan.id,
      new Date(Date.now() - 45 * 60_000),
      `pass_start:t:${fan.id}`,
    );
    expect(await expectBalanced(fan.id)).toEqual({ credits: 0, seconds: 0, debt: 0, timeDebt: 0 });

    const refund = env.sim.control.refund(await chargeOfSession(first));
    await settle();

    const revoke = await entryOf(env.db, ledgerKeys.passRevoke(refund.id));
    expect(revoke).toMatchObject({ kind: 'pass_revoke', seconds: 0, credits: 0, debt: 0 });
    const owed = revoke!.timeDebt;
    // What was left of the running pass was cut; only the used part is owed.
    expect(owed).toBeGreaterThanOrEqual(45 * 60);
    expect(owed).toBeLessThan(47 * 60);
    expect(await expectBalanced(fan.id)).toEqual({
      credits: 0,
      seconds: 0,
      debt: 0,
      timeDebt: owed,
    });
    const owedText = describeAmount('time', owed);
    const jobs = await outboxOf(env.db, fan.id);
    const notice = jobs.find((j) => j.key === `pass_revoke:${refund.id}`);
    expect(notice?.text).toContain(`${owedText} had already been used`);
    expect(notice?.text).toContain('taken from your next pass');
    const note = jobs.find((j) => j.key === `pass_revoke:${refund.id}:topic`);
    expect(note?.text).toContain(`${owedText} already used, owed as time debt`);

    const second = await buyAndPay(env, fan, env.products.hour);
    const grantKey = ledgerKeys.passGrantCheckout(second);
    expect(await entryOf(env.db, grantKey)).toMatchObject({
      kind: 'pass_grant',
      seconds: HOUR,
      timeDebt: 0,
    });
    expect(await entryOf(env.db, ledgerKeys.debtSettle(grantKey))).toEqual({
      kind: 'debt_settle',
      credits: 0,
      seconds: -owed,
      debt: 0,
      timeDebt: -owed,
      reference: grantKey,
    });
    expect(await expectBalanced(fan.id)).toEqual({
      credits: 0,
      seconds: HOUR - owed,
      debt: 0,
      timeDebt: 0,
    });
    const receipt = (await outboxOf(env.db, fan.id)).find(
      (j) => j.key.startsWith('receipt:') && j.key.includes(second),
    );
    expect(receipt?.text).toContain(`${owedText} went to the pass time you owed`);
  });

  it('a lost dispute of a fully used pass records the whole share as time debt', async () => {
    const fan = newFan('Ivo');
    const charge = await chargeOfSession(await buyAndPay(env, fan, env.products.hour));
    // Started two hours ago: the hour is over, all of it used.
    await env.ledger.startPass(
      fan.id,
      new Date(Date.now() - 2 * HOUR * 1000),
      `pass_start:t:${fan.id}`,
    );
    await expectBalanced(fan.id);

    const dispute = env.sim.control.openDispute(charge);
    await settle();
    env.sim.control.closeDispute(dispute.id, 'lost');
    await settle();

    expect(await entryOf(env.db, ledgerKeys.passRevoke(dispute.id))).toMatchObject({
      kind: 'pass_revoke',
      seconds: 0,
      timeDebt: HOUR,
    });
    expect(await expectBalanced(fan.id)).toEqual({
      credits: 0,
      seconds: 0,
      debt: 0,
      timeDebt: HOUR,
    });
    const notice = (await outboxOf(env.db, fan.id)).find(
      (j) => j.key === `pass_revoke:${dispute.id}`,
    );
    expect(notice?.text).toContain('1 hour had already been used');
    expect(notice?.text).toContain('taken from your next pass');
    expect(env.sim.control.violations()).toEqual([]);
  });
});
