/**
 * Issue 13 item 3: only content is charged. Every service field of `Message` — taken from
 * the Bot API spec (../shared/spec), not from a hand list — sent in a fan's private chat
 * costs nothing, produces no prompt and reaches no topic. Polls are relayed at the price of
 * "any other message"; dice, games, stories, paid media and checklists are refused politely
 * for free. Without the spec the same checks run over a few known service fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageKind } from '../../../src/core/relay/message-kind.js';
import { loadSpec } from '../../sandbox/telegram/helpers.js';
import { messageFieldsByRole, sampleOf } from '../../sandbox/telegram/spec-samples.js';
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

const spec = loadSpec();
if (!spec)
  console.warn('[service-messages] ../shared/spec absent: a few known service fields only');

/** Service fields with a sample value each: every one in the spec, or a few known ones. */
function serviceSamples(): Array<[string, unknown]> {
  if (!spec) {
    return [
      ['message_auto_delete_timer_changed', { message_auto_delete_time: 86400 }],
      ['pinned_message', { chat: { id: 1, type: 'private' }, message_id: 1, date: 0 }],
      ['boost_added', { boost_count: 1 }],
      ['write_access_allowed', {}],
    ];
  }
  const fields = spec.types.Message!.fields ?? [];
  return messageFieldsByRole(spec).service.map((name) => {
    const field = fields.find((f) => f.name === name)!;
    return [name, sampleOf(spec, field.types[0]!)];
  });
}

/** A sample of a content field (from the spec), or a hand-made one without it. */
function contentSample(name: string, fallback: unknown): unknown {
  const field = spec?.types.Message!.fields?.find((f) => f.name === name);
  return spec && field ? sampleOf(spec, field.types[0]!) : fallback;
}

describe('only content is charged', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFanHarness();
    await seedProducts(h);
  });
  afterAll(async () => {
    expect(h.sim.control.violations()).toEqual([]);
    await h?.close();
  });

  it('classifies every content field of the spec as relayed or refused, never as service', () => {
    if (!spec) return;
    const fields = spec.types.Message!.fields ?? [];
    for (const name of messageFieldsByRole(spec).content) {
      const type = fields.find((f) => f.name === name)!.types[0]!;
      expect([name, messageKind({ [name]: sampleOf(spec, type) })]).not.toEqual([name, 'service']);
    }
  });

  it('every service field of Message: no charge, no prompt, no topic message', async () => {
    const { sim, adminChatId, runtime } = h;
    const rich = sim.control.createUser({ first_name: 'Servia' });
    const broke = sim.control.createUser({ first_name: 'Nocash' });
    await grantCredits(h, rich, 10, 'grant:cs_servia');
    sim.control.fanSendsText(rich.id, 'hello');
    const topic = await topicOf(sim, adminChatId, 'Servia');
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).length === 1,
      15_000,
      'first relay',
    );
    const samples = serviceSamples();
    expect(samples.length).toBeGreaterThan(spec ? 40 : 3);
    for (const [field, value] of samples) {
      sim.control.fanSendsFields(rich.id, { [field]: value });
      sim.control.fanSendsFields(broke.id, { [field]: value });
    }
    await fanChatSettled(sim, rich.id);
    await fanChatSettled(sim, broke.id);
    expect((await runtime.ledger.balance(rich.id)).credits).toBe(9);
    expect((await runtime.ledger.balance(broke.id)).credits).toBe(0);
    expect(relayed(sim, adminChatId, topic.threadId)).toHaveLength(1);
    expect(sim.control.topics(adminChatId).some((t) => t.name === 'Nocash')).toBe(false);
    for (const fan of [rich, broke]) {
      // The /balance answers of fanChatSettled, and the balance bar after "hello".
      const answers = botMessages(sim, fan.id).filter(
        (m) => !m.text?.startsWith('💳') && !m.text?.startsWith('Credits:'),
      );
      expect(answers.map((m) => m.text)).toEqual([]);
    }
  });

  it('a poll is relayed at the price of any other message; dice, games, stories, paid media, checklists are refused for free', async () => {
    const { sim, adminChatId, runtime } = h;
    const fan = sim.control.createUser({ first_name: 'Pollster' });
    await grantCredits(h, fan, 10, 'grant:cs_pollster');
    sim.control.fanSendsPoll(fan.id, 'Which day?', ['Monday', 'Friday']);
    sim.control.fanSendsDice(fan.id);
    const refused: Array<[string, unknown]> = [
      ['game', contentSample('game', { title: 'g', description: 'd', photo: [] })],
      ['story', contentSample('story', { chat: { id: 5, type: 'private' }, id: 1 })],
      ['paid_media', contentSample('paid_media', { star_count: 5, paid_media: [] })],
      ['checklist', contentSample('checklist', { title: 'todo', tasks: [] })],
    ];
    for (const [field, value] of refused) sim.control.fanSendsFields(fan.id, { [field]: value });
    await fanChatSettled(sim, fan.id);
    const topic = await topicOf(sim, adminChatId, 'Pollster');
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).length === 1,
      15_000,
      'the poll',
    );
    expect((await runtime.ledger.balance(fan.id)).credits).toBe(10 - 1);
    const notes = botMessages(sim, fan.id).filter((m) => m.text?.includes("can't be passed on"));
    expect(notes.map((m) => m.text!.split(' can')[0])).toEqual([
      'Sorry, a dice roll',
      'Sorry, a game',
      'Sorry, a story (send a screenshot or the link instead)',
      'Sorry, paid media',
      'Sorry, a checklist',
    ]);
    expect(notes.every((m) => m.buttons.length === 0)).toBe(true);
  });
});
