/**
 * Issue 20, "pack every window": a background card edit never takes a unit of the admin
 * group's budget that a queued relay could use. A fan renames themself and sends 30
 * messages (more than a window holds): the card edit this queues goes out after the last
 * of them.
 */
import { afterEach, describe, expect, it } from 'vitest';
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
});
