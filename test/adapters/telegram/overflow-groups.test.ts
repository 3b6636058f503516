/**
 * Acceptance (issue 20, overflow admin groups): with two admin groups configured
 * (ADMIN_CHAT_IDS), new fans are split between them by the budget each has left, each fan's
 * topic, card and relays live in one group, each group stays within its own budget, and the
 * team answers a fan from the group the fan lives in. The real runtime against the Telegram
 * simulator, on SQLite or Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TgUser } from '../../../src/sandbox/telegram/types.js';
import { groupTraffic } from './group-traffic.js';
import { isFanCard, type Harness } from './harness.js';
import { botMessages, relayed, startFanHarness } from './fan-harness.js';

/** A minute in 1.2 s: 60 new fans take a few windows of two groups. */
const TIME_SCALE = 0.02;
const GROUP_PER_MINUTE = 20;

describe('overflow admin groups', () => {
  let h: Harness;
  let groups: number[];
  beforeAll(async () => {
    h = await startFanHarness({ freeMessages: true, overflowGroups: 1, timeScale: TIME_SCALE });
    groups = h.adminChatIds!;
  });
  afterAll(async () => {
    expect(h.sim.control.violations()).toEqual([]);
    await h?.close();
  });

  /** The group holding the fan's topic and the topic, once it exists. */
  function homeOf(fan: TgUser) {
    for (const chatId of groups) {
      const topic = h.sim.control.topics(chatId).find((t) => t.name.startsWith(fan.first_name));
      if (topic) return { chatId, threadId: topic.threadId };
    }
    return undefined;
  }

  /** The fan's home once `text` was relayed into their topic. */
  async function relayedHome(fan: TgUser, text: string) {
    return h.sim.control.waitFor(
      () => {
        const home = homeOf(fan);
        const texts = home ? relayed(h.sim, home.chatId, home.threadId).map((m) => m.text) : [];
        return home && texts.includes(text) ? home : undefined;
      },
      60_000,
      `${fan.first_name}'s text relayed`,
    );
  }

  /**
   * Resolves once both groups are idle: nothing queued for them and nothing sent to them for
   * two windows (the sender widens its window by a safety margin), so each has its full budget.
   */
  async function groupsIdle() {
    const windowMs = 2 * 60_000 * TIME_SCALE;
    for (const started = Date.now(); Date.now() - started < 30_000;) {
      const live = (await h.testDb
        .db('outbox')
        .whereIn('chat_id', groups)
        .whereIn('status', ['pending', 'sending'])
        .count({ n: '*' })) as Array<{ n: number | string }>;
      const last = Math.max(
        0,
        ...h.sim.control
          .calls()
          .filter((c) => groups.includes(c.params.chat_id as number))
          .map((c) => c.time),
      );
      if (Number(live[0]!.n) === 0 && Date.now() - last > windowMs) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the admin groups never went idle');
  }

  /**
   * A new fan living in the second group. With both groups idle, newcomers arriving together
   * are spread by the work each group has queued, so a burst of four puts at least one there.
   * One at a time would not: ties go to the primary, and a slow machine lets its window empty
   * between two newcomers.
   */
  async function newcomerInSecondGroup(prefix: string, text: (i: number) => string) {
    await groupsIdle();
    const fans = Array.from({ length: 4 }, (_, i) =>
      h.sim.control.createUser({ first_name: `${prefix}${i}` }),
    );
    fans.forEach((fan, i) => h.sim.control.fanSendsText(fan.id, text(i)));
    const homes = [];
    for (const [i, fan] of fans.entries()) homes.push(await relayedHome(fan, text(i)));
    const i = homes.findIndex((home) => home.chatId === groups[1]);
    expect(i).toBeGreaterThanOrEqual(0);
    return { fan: fans[i]!, home: homes[i]! };
  }

  it(
    '60 new fans are split between two groups, each within its own budget',
    { timeout: 120_000 },
    async () => {
      const { sim } = h;
      expect(groups).toHaveLength(2);
      const fans = Array.from({ length: 60 }, (_, i) =>
        sim.control.createUser({ first_name: `Split${String(i).padStart(2, '0')}` }),
      );
      for (const fan of fans) sim.control.fanSendsText(fan.id, `hello from ${fan.first_name}`);
      const homes = new Map<number, { chatId: number; threadId: number }>();
      for (const fan of fans)
        homes.set(fan.id, await relayedHome(fan, `hello from ${fan.first_name}`));

      // Split: both groups took a fair share of the newcomers.
      const perGroup = groups.map((g) => [...homes.values()].filter((x) => x.chatId === g).length);
      expect(perGroup[0]! + perGroup[1]!).toBe(60);
      for (const count of perGroup) expect(count).toBeGreaterThanOrEqual(20);

      // Each fan lives in one group: one topic there and none in the other, the card in it, and
      // the group stored for them (their topic's row and their assignment agree).
      for (const fan of fans) {
        const home = homes.get(fan.id)!;
        const topics = groups.flatMap((g) =>
          sim.control.topics(g).filter((t) => t.name.startsWith(fan.first_name)),
        );
        expect(topics).toHaveLength(1);
        await sim.control.waitFor(
          () => sim.control.messages(home.chatId, { threadId: home.threadId }).some(isFanCard),
          30_000,
          `${fan.first_name}'s card`,
        );
      }
      const rows = (await h.testDb
        .db('users as u')
        .join('conversations as c', 'c.user_id', 'u.id')
        .whereIn(
          'u.id',
          fans.map((f) => f.id),
        )
        .select('u.id', 'u.admin_chat_id', 'c.chat_id', 'c.topic_id')) as Array<
        Record<string, number | string>
      >;
      expect(rows).toHaveLength(60);
      for (const row of rows) {
        const home = homes.get(Number(row.id))!;
        expect([Number(row.chat_id), Number(row.admin_chat_id), Number(row.topic_id)]).toEqual([
          home.chatId,
          home.chatId,
          home.threadId,
        ]);
      }

      // Each group kept to its own budget: no 429, no 60-s window above the plan.
      const calls = sim.control.calls();
      for (const chatId of groups) {
        const traffic = groupTraffic(calls, chatId, TIME_SCALE);
        expect(traffic.tooMany).toBe(0);
        expect(traffic.busiest).toBeLessThanOrEqual(GROUP_PER_MINUTE);
        expect(traffic.ok).toBeGreaterThanOrEqual(2 * perGroup[groups.indexOf(chatId)]!);
      }
    },
  );

  it(
    'a team answer from the second group reaches the fan who lives there',
    { timeout: 60_000 },
    async () => {
      const { sim, ownerId } = h;
      const { fan, home } = await newcomerInSecondGroup('Bee', (i) => `hi ${i}`);
      sim.control.adminSendsInTopic(ownerId, home.chatId, home.threadId, 'answer from group two');
      await sim.control.waitFor(
        () => botMessages(sim, fan.id).some((m) => m.text === 'answer from group two'),
        30_000,
        'the answer in the fan chat',
      );
      // The fan's next message goes to the same topic in the same group.
      sim.control.fanSendsText(fan.id, 'thanks');
      expect(await relayedHome(fan, 'thanks')).toEqual(home);
    },
  );
  it(
    "the bot losing an overflow group: its fans' messages wait, the owners are told, then they go out",
    { timeout: 60_000 },
    async () => {
      const { sim, ownerId, testDb } = h;
      sim.control.fanSendsText(ownerId, '/start');
      const { fan, home } = await newcomerInSecondGroup('Cid', (i) => `hey ${i}`);
      sim.control.setBotMembership(home.chatId, { status: 'kicked' });
      sim.control.fanSendsText(fan.id, 'while you were away');
      await sim.control.waitFor(
        () =>
          botMessages(sim, ownerId).some((m) =>
            m.text?.includes(`cannot post in the overflow admin group ${home.chatId}`),
          ),
        30_000,
        'the owner alerted',
      );
      // Kept, not dropped: the relay is still queued (or being tried again) while the group is lost.
      const open = (await testDb
        .db('outbox')
        .where({ kind: 'relay.fan', fan_id: fan.id })
        .whereNot({ status: 'sent' })
        .select('status', 'outcome')) as Array<{ status: string; outcome: string | null }>;
      expect(open).toHaveLength(1);
      expect(['pending', 'sending']).toContain(open[0]!.status);
      expect(open[0]!.outcome).toBeNull();
      sim.control.setBotMembership(home.chatId, { status: 'administrator' });
      expect(await relayedHome(fan, 'while you were away')).toEqual(home);
    },
  );
});
