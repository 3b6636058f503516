/**
 * Issue 13 item 5: a partially skipped copyMessages batch. Telegram skips the sources it
 * cannot copy (deleted meanwhile) and answers with fewer MessageIds; the items that arrived
 * are recorded delivered with their copies (message_links kept, so edits and replies still
 * find them) and a paid item that was skipped gives its credits back. The mapping rule is
 * pure (core/traffic/outbox.ts); the journey runs the real runtime against the simulator,
 * on SQLite or Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchBatchAnswer } from '../../../src/core/traffic/outbox.js';
import type { Harness } from './harness.js';
import {
  botMessages,
  grantCredits,
  relayed,
  seedProducts,
  startFanHarness,
  topicOf,
} from './fan-harness.js';
import { fanChatSettled } from './settle.js';

describe('matching a copyMessages answer to its sources', () => {
  it('a full answer maps one to one', () => {
    expect(matchBatchAnswer(3, [11, 12, 13])).toEqual([
      { delivered: true, messageId: 11 },
      { delivered: true, messageId: 12 },
      { delivered: true, messageId: 13 },
    ]);
  });

  it('a short answer needs to know which sources are gone', () => {
    expect(matchBatchAnswer(3, [11, 13])).toBeNull();
  });

  it('exactly the missing number gone: the others took the ids in order', () => {
    expect(matchBatchAnswer(3, [11, 13], ['exists', 'gone', 'exists'])).toEqual([
      { delivered: true, messageId: 11 },
      { delivered: false },
      { delivered: true, messageId: 13 },
    ]);
    // A source whose probe failed is delivered too, when the gone ones account for the gap.
    expect(matchBatchAnswer(3, [11], ['gone', 'unknown', 'gone'])).toEqual([
      { delivered: false },
      { delivered: true, messageId: 11 },
      { delivered: false },
    ]);
  });

  it('when the gone sources do not account for the gap, every item counts as delivered without its copy', () => {
    const unmapped = [
      { delivered: true, messageId: null },
      { delivered: true, messageId: null },
      { delivered: true, messageId: null },
    ];
    // One was deleted after it was copied: which of the two gone ones arrived is unknown.
    expect(matchBatchAnswer(3, [11, 12], ['gone', 'gone', 'exists'])).toEqual(unmapped);
    // A probe failed and nothing is known to be gone.
    expect(matchBatchAnswer(3, [11, 12], ['unknown', 'exists', 'exists'])).toEqual(unmapped);
  });
});

describe('a partially skipped copyMessages batch', () => {
  let h: Harness;
  beforeAll(async () => {
    // A hold that outlasts the album's three updates even on a busy database.
    h = await startFanHarness({ fan: { albumHoldMs: 1_000 } });
    await seedProducts(h);
  });
  afterAll(async () => {
    expect(h.sim.control.violations()).toEqual([]);
    await h?.close();
  });

  it('an album item the fan deleted before the copy: the others delivered and linked, its credits returned', async () => {
    const { sim, adminChatId, runtime, testDb } = h;
    const fan = sim.control.createUser({ first_name: 'Della' });
    await grantCredits(h, fan, 20, 'grant:cs_della');
    sim.control.fanSendsText(fan.id, 'hi');
    const topic = await topicOf(sim, adminChatId, 'Della');
    await sim.control.waitFor(() => relayed(sim, adminChatId, topic.threadId).length === 1, 15_000);
    const items = sim.control.fanSendsAlbum(fan.id, [
      { kind: 'photo', caption: 'first' },
      { kind: 'photo', caption: 'second' },
      { kind: 'photo', caption: 'third' },
    ]);
    // Deleted while the album is held back for its siblings: copyMessages skips it.
    sim.control.fanDeletes(fan.id, items[1]!.message_id);
    const refunded = () =>
      botMessages(sim, fan.id).filter((m) => m.text?.includes('could not be delivered'));
    await sim.control.waitFor(() => refunded().length === 1, 15_000, 'the refund notice');
    await fanChatSettled(sim, fan.id);

    const photos = relayed(sim, adminChatId, topic.threadId).filter((m) => m.kind === 'photo');
    expect(photos.map((m) => m.caption)).toEqual(['first', 'third']);
    expect(new Set(photos.map((m) => m.mediaGroupId)).size).toBe(1);
    expect(refunded()[0]!.text).toContain('3 credits returned');
    // 1 for the text, 9 for the album, 3 of them back.
    expect((await runtime.ledger.balance(fan.id)).credits).toBe(20 - 1 - 9 + 3);
    expect(await runtime.ledger.sumLedger(fan.id)).toMatchObject({ credits: 13 });

    const jobs = (await testDb
      .db('outbox')
      .where({ kind: 'relay.fan', fan_id: fan.id })
      .orderBy('id')
      .select('status', 'outcome', 'sent_message_id')) as Array<{
      status: string;
      outcome: string;
      sent_message_id: unknown;
    }>;
    expect(jobs.map((j) => [j.status, j.outcome])).toEqual([
      ['sent', 'delivered'],
      ['sent', 'delivered'],
      ['failed', 'dropped'],
      ['sent', 'delivered'],
    ]);
    expect([jobs[1]!.sent_message_id, jobs[3]!.sent_message_id].map(Number)).toEqual(
      photos.map((m) => m.messageId),
    );
    const links = (await testDb
      .db('message_links')
      .where({ fan_id: fan.id, direction: 'fan' })
      .orderBy('fan_message_id')
      .select('fan_message_id', 'topic_message_id')) as Array<Record<string, unknown>>;
    expect(
      links.slice(1).map((l) => [Number(l.fan_message_id), Number(l.topic_message_id)]),
    ).toEqual([
      [items[0]!.message_id, photos[0]!.messageId],
      [items[2]!.message_id, photos[1]!.messageId],
    ]);
  });
});
