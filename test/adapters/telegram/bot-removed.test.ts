/**
 * Issue 13 item 1: the bot loses its rights in (or is removed from) the admin group. The
 * admin-group lane pauses (persisted), the owners are alerted once at the start and once at
 * recovery, fans who write are told the team is away, and every charged message is delivered
 * once the bot is back — by my_chat_member, or by the periodic re-check when that update was
 * missed. The real runtime against the Telegram simulator, on SQLite or Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';
import {
  botMessages,
  grantCredits,
  relayed,
  seedProducts,
  startFanHarness,
  topicOf,
  fanWithTopic as withTopic,
} from './fan-harness.js';

const LOST = 'lost access to the admin group';
const BACK = 'is back in the admin group';
const AWAY = 'team is temporarily unavailable';

describe('bot removed from the admin group', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFanHarness();
    await seedProducts(h);
    // The owner opened a private chat with the bot, so alerts can reach them there.
    h.sim.control.fanSendsText(h.ownerId, '/start');
  });
  afterAll(async () => {
    expect(h.sim.control.violations()).toEqual([]);
    await h?.close();
  });

  const ownerSays = (needle: string) =>
    botMessages(h.sim, h.ownerId).filter((m) => m.text?.includes(needle));

  /** Waits until an async check holds (the database follows the simulator a little later). */
  async function eventually(check: () => Promise<boolean>, what: string) {
    let met = false;
    await h.sim.control.waitFor(
      () => {
        void check().then((ok) => (met = ok));
        return met;
      },
      15_000,
      what,
    );
  }

  /** Waits until the fan's balance is `credits` (the updates of a burst are handled in turn). */
  const balanceReaches = (fanId: number, credits: number) =>
    eventually(
      async () => (await h.runtime.ledger.balance(fanId)).credits === credits,
      `balance ${credits}`,
    );

  const fanWithTopic = (name: string, credits: number) => withTopic(h, name, credits);

  it('kicked mid-burst, then re-added: every charged message delivered, owners told twice', async () => {
    const { sim, adminChatId, runtime, testDb } = h;
    const { fan, topic } = await fanWithTopic('Burst', 20);
    const burst = ['one', 'two', 'three', 'four', 'five', 'six'];
    for (const text of burst.slice(0, 3)) sim.control.fanSendsText(fan.id, text);
    sim.control.setBotMembership(adminChatId, { status: 'kicked' });
    for (const text of burst.slice(3)) sim.control.fanSendsText(fan.id, text);

    await sim.control.waitFor(() => ownerSays(LOST).length === 1, 15_000, 'outage alert');
    await sim.control.waitFor(
      () => botMessages(sim, fan.id).some((m) => m.text?.includes(AWAY)),
      15_000,
      'fan told the team is away',
    );
    // Charged and kept: nothing refunded, nothing dropped.
    await balanceReaches(fan.id, 20 - 1 - burst.length);
    expect(botMessages(sim, fan.id).filter((m) => m.text?.includes('returned'))).toHaveLength(0);
    const paused = await testDb.db('chat_pauses').where({ chat_id: adminChatId });
    expect(paused).toHaveLength(1);

    sim.control.setBotMembership(adminChatId, { status: 'administrator' });
    await sim.control.waitFor(
      () => burst.every((t) => relayed(sim, adminChatId, topic.threadId).some((m) => m.text === t)),
      20_000,
      'burst delivered after re-adding',
    );
    await sim.control.waitFor(() => ownerSays(BACK).length === 1, 15_000, 'recovery alert');
    for (const text of burst) {
      expect(relayed(sim, adminChatId, topic.threadId).filter((m) => m.text === text)).toHaveLength(
        1,
      );
    }
    expect(ownerSays(LOST)).toHaveLength(1);
    expect(botMessages(sim, fan.id).filter((m) => m.text?.includes(AWAY))).toHaveLength(1);
    expect((await runtime.ledger.balance(fan.id)).credits).toBe(20 - 1 - burst.length);
    await eventually(async () => {
      const open = await testDb
        .db('outbox')
        .where({ kind: 'relay.fan', fan_id: fan.id })
        .whereNot({ status: 'sent' });
      return open.length === 0;
    }, 'every relay marked sent');
    expect(await testDb.db('chat_pauses').where({ chat_id: adminChatId })).toHaveLength(0);
  });

  it('the topic right taken away: a new fan is kept waiting, then delivered when it is back', async () => {
    const { sim, adminChatId, runtime } = h;
    const before = ownerSays(LOST).length;
    sim.control.setBotMembership(adminChatId, {
      status: 'administrator',
      rights: { can_manage_topics: false },
    });
    const fan = sim.control.createUser({ first_name: 'Newcomer' });
    await grantCredits(h, fan, 5, 'grant:cs_Newcomer');
    sim.control.fanSendsText(fan.id, 'first words');
    await sim.control.waitFor(() => ownerSays(LOST).length === before + 1, 15_000, 'alert');
    await sim.control.waitFor(
      () => botMessages(sim, fan.id).some((m) => m.text?.includes(AWAY)),
      15_000,
      'fan told',
    );
    await balanceReaches(fan.id, 4);

    const backBefore = ownerSays(BACK).length;
    sim.control.setBotMembership(adminChatId, { status: 'administrator' });
    const topic = await topicOf(sim, adminChatId, 'Newcomer');
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).some((m) => m.text === 'first words'),
      20_000,
      'delivered',
    );
    await sim.control.waitFor(() => ownerSays(BACK).length === backBefore + 1, 15_000, 'back');
    expect((await runtime.ledger.balance(fan.id)).credits).toBe(4);
  });

  it('re-added while the bot was down (update missed): the re-check resumes by itself', async () => {
    const { sim, adminChatId, testDb } = h;
    const { fan, topic } = await fanWithTopic('Patient', 10);
    const lostBefore = ownerSays(LOST).length;
    const backBefore = ownerSays(BACK).length;
    sim.control.setBotMembership(adminChatId, { status: 'left' });
    sim.control.fanSendsText(fan.id, 'are you there?');
    await sim.control.waitFor(() => ownerSays(LOST).length === lostBefore + 1, 15_000, 'alert');
    await h.stopRuntime();

    // The bot is added back while nothing listens, and the update is dropped.
    sim.control.setBotMembership(adminChatId, { status: 'administrator' });
    await sim.callApi('deleteWebhook', { drop_pending_updates: true });
    const again = await startHarness({
      sim,
      testDb,
      admin: { chatId: adminChatId, ownerId: h.ownerId },
      freeMessages: false,
    });
    try {
      await sim.control.waitFor(
        () => relayed(sim, adminChatId, topic.threadId).some((m) => m.text === 'are you there?'),
        20_000,
        'delivered after the re-check',
      );
      await sim.control.waitFor(() => ownerSays(BACK).length === backBefore + 1, 15_000, 'back');
      expect(ownerSays(LOST)).toHaveLength(lostBefore + 1);
    } finally {
      await again.stopRuntime();
    }
  });
});
