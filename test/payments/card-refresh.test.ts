/**
 * The fan card tells the truth after payments: a refund lowers its balance and a
 * dispute shows the frozen flag, without anyone touching the card (coalesced edits).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeObject } from '../../src/sandbox/stripe/index.js';
import { buyTenCredits, startBotEnv, type BotEnv } from './bot-env.js';
import { isFanCard } from '../adapters/telegram/harness.js';
import { fanState } from './helpers.js';

describe('the fan card after refunds and disputes (Telegram + Stripe simulators)', () => {
  let env: BotEnv;
  let tg: BotEnv['tg'];
  let stripeSim: BotEnv['stripeSim'];
  let testDb: BotEnv['testDb'];
  let adminChatId: BotEnv['adminChatId'];
  beforeAll(async () => {
    env = await startBotEnv('cardrefresh');
    ({ tg, stripeSim, testDb, adminChatId } = env);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('a refund and a dispute refresh the card by themselves', async () => {
    const fan = tg.control.createUser({ first_name: 'Cara' });
    await buyTenCredits(env, fan.id);
    const topic = await tg.control.waitFor(
      () => tg.control.topics(adminChatId).find((t) => t.name.startsWith('Cara')),
      10_000,
      'topic',
    );
    const card = () =>
      tg.control.messages(adminChatId, { threadId: topic.threadId }).find(isFanCard);
    await tg.control.waitFor(
      () => card()?.text?.includes('Balance: 10 credits'),
      10_000,
      'card 10',
    );

    const charge = stripeSim.control.list<StripeObject>('charge').at(-1)!;
    stripeSim.control.refund(charge.id, 250);
    await stripeSim.control.waitForDeliveries(30_000);
    expect((await fanState(testDb.db, fan.id)).credits).toBe(5);
    await tg.control.waitFor(
      () => card()?.text?.includes('Balance: 5 credits'),
      10_000,
      'card after the refund',
    );

    stripeSim.control.openDispute(charge.id);
    await stripeSim.control.waitForDeliveries(30_000);
    await tg.control.waitFor(
      () => card()?.text?.includes('frozen (dispute)'),
      10_000,
      'card after the dispute',
    );
    expect(tg.control.violations()).toEqual([]);
  });
});
