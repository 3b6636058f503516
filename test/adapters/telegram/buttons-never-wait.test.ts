/**
 * Issue 13, item 6: buttons never wait for the group budget inside the webhook. While the
 * admin group's 20/min window is full (a backlog of relays waits for it), a tap on a fan
 * card's 🎁, a gift amount or ⬅️ is answered at once, and the card edit it asks for waits in
 * the outbox. Proved in simulated time: the answer arrives before the group's budget frees
 * up, and the card changes only after it did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTelegramSimulator,
  type TelegramSimulator,
} from '../../../src/sandbox/telegram/index.js';
import type { MessageView } from '../../../src/sandbox/telegram/control.js';
import { botMessages, topicOf } from './fan-harness.js';
import { isFanCard, startHarness, type Harness } from './harness.js';

/** A 60 s group window lasts about 3 real seconds. */
const TIME_SCALE = 0.05;
const BACKLOG = 120;

describe('card buttons while the admin group window is full', () => {
  let sim: TelegramSimulator;
  let h: Harness;
  beforeAll(async () => {
    // Telegram's webhook timeout in simulated seconds: 60 real seconds, so a slow handler shows.
    sim = createTelegramSimulator({
      timeScale: TIME_SCALE,
      webhook: { timeoutSeconds: 60 / TIME_SCALE },
    });
    await sim.listen(0);
    h = await startHarness({
      timeScale: TIME_SCALE,
      sim,
      fan: { cardRefreshMs: 200, balanceBarDelayMs: 100, settingsTtlMs: 0 },
      // Each relayed message spends the budget, batched or not: the backlog lasts.
      tuning: { limits: { batchCost: 'per_message' } },
    });
  });
  afterAll(async () => {
    await h?.close();
    await sim?.close();
  });

  /** Real milliseconds until the admin group can take another send (0: it can now). */
  const groupDelay = () => h.runtime.sender.scheduler.chatDelay(h.adminChatId, Date.now());
  const buttons = (m: MessageView | undefined) =>
    (m?.buttons ?? []).flat().map((b) => b.callbackData ?? '');

  /**
   * Presses `data` on the card once the group's window is full for a good while, and checks
   * that the answer came before the budget freed up and before any edit of the card.
   */
  async function pressWhileFull(cardId: number, data: string) {
    const windowMs = h.runtime.sender.scheduler.rules.group.windowMs;
    await sim.control.waitFor(() => groupDelay() > windowMs / 2, 60_000, 'a full group window');
    const freesAt = Date.now() + groupDelay();
    const lastCall = sim.control.calls().at(-1)?.seq ?? 0;
    const id = sim.control.pressButton(h.ownerId, h.adminChatId, cardId, data);
    const answer = await sim.control.waitFor(
      () => sim.control.callbackQuery(id)?.answer,
      30_000,
      `the answer to ${data}`,
    );
    const cardEdits = sim.control
      .calls()
      .filter((c) => c.seq > lastCall && c.method.startsWith('editMessage'))
      .filter((c) => c.params.message_id === cardId);
    expect(
      cardEdits.map((c) => c.method),
      `${data}: the card was edited before the tap was answered`,
    ).toEqual([]);
    expect(answer.at, `${data}: answered only once the group's budget freed up`).toBeLessThan(
      freesAt,
    );
    const update = sim.control
      .updates()
      .find((e) => (e.update.callback_query as { id?: string } | undefined)?.id === id);
    const delivery = await sim.control.waitFor(
      () => sim.control.webhookDeliveries().find((d) => d.updateId === update!.update.update_id),
      30_000,
      `the webhook's answer to ${data}`,
    );
    expect(delivery.status).toBe(200);
    return { answer, freesAt };
  }

  it(
    '🎁, a gift amount and ⬅️ are answered at once; the card edits wait in the outbox',
    { timeout: 120_000 },
    async () => {
      const fan = sim.control.createUser({ first_name: 'Gina' });
      sim.control.fanSendsText(fan.id, 'hello');
      const topic = await topicOf(sim, h.adminChatId, 'Gina');
      const card = await sim.control.waitFor(
        () =>
          sim.control
            .messages(h.adminChatId, { threadId: topic.threadId })
            .find((m) => m.fromBot && isFanCard(m)),
        20_000,
        'the fan card',
      );
      const cardNow = () => sim.control.message(h.adminChatId, card.messageId);
      // The backlog that keeps the group's window full for the whole test.
      for (let i = 0; i < BACKLOG; i++) sim.control.fanSendsText(fan.id, `backlog ${i}`);

      // 🎁 opens the gift menu: answered at once, the menu shows once the budget allows.
      const opened = await pressWhileFull(card.messageId, `card:giftmenu:${fan.id}`);
      const menu = await sim.control.waitFor(
        () => buttons(cardNow()).find((d) => d.startsWith(`card:gift:${fan.id}:10:`)),
        60_000,
        'the gift menu',
      );
      const menuEdit = sim.control
        .calls({ method: 'editMessageReplyMarkup' })
        .find((c) => c.params.message_id === card.messageId && c.outcome === 'ok');
      expect(menuEdit!.time).toBeGreaterThanOrEqual(opened.freesAt);

      // A gift amount: the toast says what was given; the fan's notice and the card follow.
      const gift = await pressWhileFull(card.messageId, menu);
      expect(gift.answer.text).toContain('10');
      await sim.control.waitFor(
        () => botMessages(sim, fan.id).some((m) => m.text?.includes('10 free credits')),
        60_000,
        'the gift notice',
      );
      await sim.control.waitFor(
        () => buttons(cardNow()).includes(`card:giftmenu:${fan.id}`),
        60_000,
        'the card keyboard back',
      );
      expect((await h.runtime.ledger.balance(fan.id)).credits).toBe(10);
      // That edit is background work: it waited for the backlog to drain (issue 20). A new
      // backlog fills the window again.
      for (let i = 0; i < BACKLOG; i++) sim.control.fanSendsText(fan.id, `backlog again ${i}`);

      // ⬅️ on a menu opened again.
      await pressWhileFull(card.messageId, `card:giftmenu:${fan.id}`);
      const back = await sim.control.waitFor(
        () => buttons(cardNow()).find((d) => d === `card:back:${fan.id}`),
        60_000,
        'the gift menu again',
      );
      await pressWhileFull(card.messageId, back);
      await sim.control.waitFor(
        () => buttons(cardNow()).includes(`card:giftmenu:${fan.id}`),
        60_000,
        'the card keyboard after ⬅️',
      );
      expect(sim.control.violations()).toEqual([]);
    },
  );
});
