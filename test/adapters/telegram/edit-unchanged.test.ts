/** An edit that changes nothing is done, not refused (Telegram: "message is not modified"). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRIORITY } from '../../../src/core/traffic/outbox.js';
import { startHarness, type Harness } from './harness.js';

describe('edits that change nothing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ timeScale: 0.01 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('"message is not modified" ends the job as sent, with no warning and no retry', async () => {
    const { sim, runtime, testDb } = h;
    const fan = sim.control.createUser({ first_name: 'Noa' });
    sim.control.fanSendsText(fan.id, '/start');
    const menu = await sim.control.waitFor(
      () => sim.control.messages(fan.id).find((m) => m.fromBot),
      10_000,
      'the welcome',
    );
    // The same edit twice: the second finds the message already reading so.
    const edit = (n: number) => ({
      kind: 'notice.fan',
      target: { type: 'chat' as const, chatId: fan.id },
      method: 'editMessageText',
      params: { message_id: menu.messageId, text: 'Updated once' },
      priority: PRIORITY.teamAnswer,
      fanId: fan.id,
      dedupeKey: `test:unchanged:${n}`,
    });
    await runtime.outbox.enqueue([edit(1)]);
    runtime.worker.wake();
    await sim.control.waitFor(
      () => sim.control.message(fan.id, menu.messageId)?.text === 'Updated once',
      10_000,
      'the first edit',
    );
    await runtime.outbox.enqueue([edit(2)]);
    runtime.worker.wake();
    const settled = async () =>
      (await testDb.db('outbox').where({ dedupe_key: 'test:unchanged:2' }).first()) as
        { status: string; attempts: number } | undefined;
    for (let i = 0; i < 400; i++) {
      const row = await settled();
      // Claimed jobs are 'sending' until the call's answer is recorded.
      if (row && !['pending', 'claimed', 'sending'].includes(row.status)) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(await settled()).toMatchObject({ status: 'sent' });
    const calls = sim.control.calls({ method: 'editMessageText' });
    expect(calls).toHaveLength(2);
    expect(calls[1]?.error?.description).toMatch(/message is not modified/);
  });
});
