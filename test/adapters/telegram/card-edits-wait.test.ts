/**
 * Issue 20, "pack every window": a background card edit never takes a unit of the admin
 * group's budget that a queued relay could use. A fan renames themself and sends 30
 * messages (more than a window holds): the card edit this queues goes out after the last
 * of them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createOutboxStore } from '../../../src/adapters/db/outbox-store.js';
import { PRIORITY } from '../../../src/core/traffic/outbox.js';
import { startHarness, type Harness } from './harness.js';

/** A simulated minute in 1.2 s. */
const TIME_SCALE = 0.02;
const MESSAGES = 30;

async function queued(h: Harness, kind: string): Promise<number> {
  const row = (await h.testDb
    .db('outbox')
    .where({ kind, status: 'pending' })
    .count({ n: '*' })
    .first()) as { n: number | string };
  return Number(row.n);
}

async function waitQueued(h: Harness, kind: string, n: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await queued(h, kind)) < n) {
    if (Date.now() > deadline) throw new Error(`fewer than ${n} ${kind} queued`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('background card edits wait while relays for the group are queued', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it(
    'a card edit queued with 30 relays leaves after the last of them',
    {
      timeout: 120_000,
    },
    async () => {
      h = await startHarness({ timeScale: TIME_SCALE, fan: { cardRefreshMs: 50 } });
      const { sim, adminChatId } = h;
      const fan = sim.control.createUser({ first_name: 'Cora' });
      sim.control.fanSendsText(fan.id, 'hello');
      await sim.control.waitFor(
        () => sim.control.messages(adminChatId).some((m) => m.text === 'hello'),
        30_000,
        'the first relay',
      );
      // The first relay is settled (nothing left in the outbox) before the burst is queued.
      const deadline = Date.now() + 30_000;
      while ((await queued(h, 'relay.fan')) + (await queued(h, 'card.edit')) > 0) {
        if (Date.now() > deadline) throw new Error('the first relay did not settle');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await h.runtime.worker.stop();
      // A new name: the card shows it, so an edit is queued with the burst.
      sim.control.renameUser(fan.id, { first_name: 'Coralie' });
      for (let i = 0; i < MESSAGES; i++) sim.control.fanSendsText(fan.id, `burst ${i}`);
      await waitQueued(h, 'relay.fan', MESSAGES);
      await waitQueued(h, 'card.edit', 1);
      const editsBefore = sim.control.calls({ method: 'editMessageText' }).length;
      await h.runtime.worker.start();

      const copies = () =>
        sim.control
          .calls()
          .filter(
            (c) =>
              c.params.chat_id === adminChatId &&
              c.outcome === 'ok' &&
              (c.method === 'copyMessage' || c.method === 'copyMessages'),
          );
      const relayed = () =>
        copies().reduce((n, c) => n + (Array.isArray(c.result) ? c.result.length : 1), 0);
      // 1 (hello) + the burst, and the edit.
      await sim.control.waitFor(
        () =>
          relayed() === 1 + MESSAGES &&
          sim.control.calls({ method: 'editMessageText' }).length > editsBefore,
        60_000,
        'the burst and the card edit',
      );
      const edit = sim.control.calls({ method: 'editMessageText' })[editsBefore]!;
      expect(edit.params.text).toContain('Coralie');
      expect(Math.max(...copies().map((c) => c.seq))).toBeLessThan(edit.seq);
    },
  );
  it(
    "a fan's relays never wait behind their own topic's background work",
    {
      timeout: 120_000,
    },
    async () => {
      h = await startHarness({ timeScale: TIME_SCALE, fan: { cardRefreshMs: 50 } });
      const { sim, adminChatId } = h;
      const [ada, bea] = [
        sim.control.createUser({ first_name: 'Ada' }),
        sim.control.createUser({ first_name: 'Bea' }),
      ];
      for (const fan of [ada, bea]) sim.control.fanSendsText(fan.id, `hello ${fan.id}`);
      await sim.control.waitFor(
        () =>
          sim.control.messages(adminChatId).filter((m) => m.text?.startsWith('hello ')).length ===
          2,
        30_000,
        'both topics',
      );
      await h.runtime.worker.stop();
      for (let i = 0; i < MESSAGES; i++) sim.control.fanSendsText(bea.id, `bea ${i}`);
      await waitQueued(h, 'relay.fan', MESSAGES);
      // Background work in Ada's topic (a lost-sale line, say) queued before her message.
      await createOutboxStore(h.testDb.db).enqueue([
        {
          kind: 'notice.topic',
          target: { type: 'topic', chatId: adminChatId, fanId: ada.id },
          method: 'sendMessage',
          params: { text: 'background line' },
          priority: PRIORITY.background,
          fanId: ada.id,
        },
      ]);
      sim.control.fanSendsText(ada.id, 'ada writes');
      await waitQueued(h, 'relay.fan', MESSAGES + 1);
      await h.runtime.worker.start();

      const arrival = (text: string) =>
        sim.control.messages(adminChatId).find((m) => m.text === text)?.messageId;
      await sim.control.waitFor(
        () => arrival('ada writes') !== undefined && arrival(`bea ${MESSAGES - 1}`) !== undefined,
        60_000,
        'both backlogs',
      );
      // Round-robin: Ada's turn comes long before Bea's backlog is drained.
      expect(arrival('ada writes')!).toBeLessThan(arrival(`bea ${MESSAGES - 1}`)!);
    },
  );
});
