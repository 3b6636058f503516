/**
 * Lost sales become visible (issue 16): a fan who writes without credits is not relayed,
 * but the team gets one line per fan per window — in the Alerts topic for a fan who never
 * paid (no topic), in the fan's topic otherwise — edited in place when the fan tries again,
 * with the card's 🎁 Gift credits button. Driven through the Telegram simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../../src/sandbox/telegram/control.js';
import type { Harness } from './harness.js';
import { botMessages, grantCredits, relayed, startFanHarness, topicOf } from './fan-harness.js';
import { fanChatSettled } from './settle.js';

const LINE = '💸 ';

describe('the lost-sales line', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFanHarness({ fan: { lostSaleDelayMs: 150 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** The lost-sales lines the bot posted anywhere in the admin group. */
  function lines(): MessageView[] {
    return h.sim.control
      .messages(h.adminChatId)
      .filter((m) => m.fromBot && !m.deleted && m.text?.startsWith(LINE));
  }

  const alertsTopic = () => h.sim.control.topics(h.adminChatId).find((t) => t.name === '⚠️ Alerts');

  it('a fan who never paid: one line in the Alerts topic for the burst, edited on the next try', async () => {
    const { sim, adminChatId } = h;
    const fan = sim.control.createUser({ first_name: 'Maya', username: 'maya' });
    for (const text of ['hi', 'are you there?', 'hello?']) sim.control.fanSendsText(fan.id, text);
    await fanChatSettled(sim, fan.id);
    const prompts = botMessages(sim, fan.id).filter((m) => m.text?.startsWith('Not enough'));
    expect(prompts).toHaveLength(1);

    const line = await sim.control.waitFor(
      () => lines().find((m) => m.text?.includes('3 times')),
      10_000,
      'the line',
    );
    expect(line.text).toBe(
      `💸 Maya (@maya, id ${fan.id}) tried to write 3 times with no credits: not relayed. A gift may win the sale:`,
    );
    expect(line.threadId).toBe(alertsTopic()?.threadId);
    expect(line.buttons.flat().map((b) => b.callbackData)).toEqual([`card:giftmenu:${fan.id}`]);
    // Nothing was relayed and no topic opened for a fan who never paid.
    expect(sim.control.topics(adminChatId).filter((t) => t.name.startsWith('Maya'))).toEqual([]);

    // The next try in the same window edits that line: no second message in the group.
    sim.control.fanSendsText(fan.id, 'one more');
    await sim.control.waitFor(
      () => sim.control.message(adminChatId, line.messageId)?.text?.includes('4 times'),
      10_000,
      'the line edited',
    );
    expect(lines()).toHaveLength(1);
    expect(sim.control.message(adminChatId, line.messageId)!.buttons.flat()).toHaveLength(1);
    expect(sim.control.violations()).toEqual([]);
  });

  it("the line's 🎁 button opens the card's gift flow: the fan gets the credits", async () => {
    const { sim, adminChatId, ownerId } = h;
    const fan = sim.control.createUser({ first_name: 'Gia' });
    sim.control.fanSendsText(fan.id, 'hello');
    const line = await sim.control.waitFor(
      () => lines().find((m) => m.text?.startsWith(`💸 Gia (id ${fan.id}) tried to write once`)),
      10_000,
      'the line',
    );
    sim.control.pressButton(ownerId, adminChatId, line.messageId, `card:giftmenu:${fan.id}`);
    const menu = await sim.control.waitFor(
      () => {
        const shown = sim.control.message(adminChatId, line.messageId)!;
        return shown.buttons
          .flat()
          .find((b) => b.callbackData?.startsWith(`card:gift:${fan.id}:5`));
      },
      10_000,
      'gift presets on the line',
    );
    sim.control.pressButton(ownerId, adminChatId, line.messageId, menu.callbackData!);
    await sim.control.waitFor(
      () => botMessages(sim, fan.id).some((m) => m.text?.startsWith('🎁 You received 5')),
      10_000,
      'gift notice',
    );
    expect((await h.runtime.ledger.balance(fan.id)).credits).toBe(5);
    expect(sim.control.violations()).toEqual([]);
  });

  it("a fan who paid before and ran out: the line is in the fan's own topic", async () => {
    const { sim, adminChatId } = h;
    const fan = sim.control.createUser({ first_name: 'Pavel', username: 'pavel_p' });
    await grantCredits(h, fan, 1, 'grant:cs_lost_sales_pavel');
    sim.control.fanSendsText(fan.id, 'paid text');
    const topic = await topicOf(sim, adminChatId, 'Pavel');
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).some((m) => m.text === 'paid text'),
      10_000,
      'relayed',
    );
    sim.control.fanSendsPhoto(fan.id);
    const line = await sim.control.waitFor(
      () => lines().find((m) => m.text?.includes(`(@pavel_p, id ${fan.id})`)),
      10_000,
      'the line',
    );
    expect(line.threadId).toBe(topic.threadId);
    expect(line.text).toContain('tried to write once with no credits');
    expect(sim.control.violations()).toEqual([]);
  });

  it('lost_sales.window_minutes = 0 turns the line off', async () => {
    const { sim } = h;
    await h.runtime.settings.set('lost_sales.window_minutes', 0);
    try {
      const fan = sim.control.createUser({ first_name: 'Quiet' });
      sim.control.fanSendsText(fan.id, 'hello');
      await fanChatSettled(sim, fan.id);
      // The line of a fan who wrote later still comes: nothing of Quiet's is behind it.
      await h.runtime.settings.set('lost_sales.window_minutes', 60);
      const other = sim.control.createUser({ first_name: 'Later' });
      sim.control.fanSendsText(other.id, 'hello');
      await sim.control.waitFor(
        () => lines().some((m) => m.text?.startsWith('💸 Later')),
        10_000,
        'the later line',
      );
      expect(lines().filter((m) => m.text?.startsWith('💸 Quiet'))).toEqual([]);
    } finally {
      await h.runtime.settings.reset('lost_sales.window_minutes');
    }
  });
});
