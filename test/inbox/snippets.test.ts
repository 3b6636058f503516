/**
 * Acceptance (issue 19, saved replies): `/snippet add welcome` as a reply to a message saves
 * it; `/s welcome` in a fan's topic sends it with the fan's first name filled in (entities
 * moved, never parsed as markup); a media snippet arrives as media; `/s` offers buttons and a
 * double tap sends once; changes are audited; agents may use but not change snippets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botMessages, fanWithTopic } from '../adapters/telegram/fan-harness.js';
import {
  botMessagesInTopic,
  command,
  startPanelEnv,
  type PanelEnv,
} from '../adapters/telegram/panel-harness.js';

describe('saved replies', () => {
  let env: PanelEnv;
  beforeAll(async () => {
    env = await startPanelEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  /** Sends `text` in the Panel topic as a reply to `replyTo` and waits for the bot's note. */
  async function replyCommand(userId: number, replyTo: number, text: string) {
    const before = botMessagesInTopic(env).length;
    const sent = env.sim.control.adminSendsInTopic(userId, env.adminChatId, env.threadId, text, {
      replyTo,
    });
    return env.sim.control.waitFor(
      () =>
        botMessagesInTopic(env)
          .slice(before)
          .find((m) => m.replyToMessageId === sent.message_id),
      15_000,
      `the answer to ${text}`,
    );
  }

  it('saves a text and a photo, sends them to the fan filled in, text as text and media as media', async () => {
    const { sim, adminChatId } = env;
    const source = sim.control.adminSendsInTopic(env.adminId, adminChatId, env.threadId, {
      kind: 'text',
      text: 'Hi {first_name}, welcome! {unknown}',
      entities: [{ type: 'bold', offset: 3, length: 12 }],
    });
    const added = await replyCommand(env.adminId, source.message_id, '/snippet add welcome');
    expect(added.text).toContain('welcome');
    const photo = sim.control.adminSendsInTopic(env.adminId, adminChatId, env.threadId, {
      kind: 'photo',
      caption: 'For you, {first_name}',
    });
    await replyCommand(env.ownerId, photo.message_id, '/snippet add pic');

    const { fan, topic } = await fanWithTopic(env, 'Zoë_*<b>', 5);
    sim.control.adminSendsInTopic(env.agentId, adminChatId, topic.threadId, '/s welcome');
    const text = await sim.control.waitFor(
      () => botMessages(sim, fan.id).find((m) => m.text?.startsWith('Hi ')),
      15_000,
      'the welcome snippet',
    );
    expect(text.text).toBe('Hi Zoë_*<b>, welcome! {unknown}');
    expect(text.entities).toEqual([{ type: 'bold', offset: 3, length: 8 }]);

    sim.control.adminSendsInTopic(env.adminId, adminChatId, topic.threadId, '/s pic');
    const media = await sim.control.waitFor(
      () => botMessages(sim, fan.id).find((m) => m.kind === 'photo'),
      15_000,
      'the photo snippet',
    );
    expect(media.caption).toBe('For you, Zoë_*<b>');
    expect(media.media?.fileId).toBe(
      sim.control.message(adminChatId, photo.message_id)!.media!.fileId,
    );

    // Counted like any team answer: the fan no longer waits, and each answer is recorded.
    const replies = await env.testDb.db('team_replies').where('fan_id', fan.id).orderBy('id');
    expect(replies.map((r: { admin_id: unknown }) => Number(r.admin_id))).toEqual([
      env.agentId,
      env.adminId,
    ]);
    await sim.control.waitFor(
      () => sim.control.messages(fan.id).filter((m) => m.fromBot).length >= 2,
      10_000,
      'both snippets delivered',
    );
  });

  it('/s offers the saved replies as buttons; a double tap sends once', async () => {
    const { sim, adminChatId } = env;
    const { fan, topic } = await fanWithTopic(env, 'Picker', 5);
    sim.control.adminSendsInTopic(env.adminId, adminChatId, topic.threadId, '/s');
    const picker = await sim.control.waitFor(
      () =>
        sim.control
          .messages(adminChatId, { threadId: topic.threadId })
          .find((m) => m.fromBot && m.buttons.flat().some((b) => b.text === 'welcome')),
      15_000,
      'the picker',
    );
    const data = picker.buttons.flat().find((b) => b.text === 'welcome')!.callbackData!;
    sim.control.pressButton(env.adminId, adminChatId, picker.messageId, data);
    sim.control.pressButton(env.adminId, adminChatId, picker.messageId, data);
    await sim.control.waitFor(
      () => botMessages(sim, fan.id).some((m) => m.text === 'Hi Picker, welcome! {unknown}'),
      15_000,
      'the picked snippet',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(botMessages(sim, fan.id).filter((m) => m.text?.startsWith('Hi Picker'))).toHaveLength(1);
  });

  it('a fan someone else holds gets no saved reply; the sender is told', async () => {
    const { sim, adminChatId } = env;
    const { fan, topic } = await fanWithTopic(env, 'Held', 5);
    sim.control.adminSendsInTopic(env.agentId, adminChatId, topic.threadId, '/take');
    await sim.control.waitFor(
      () =>
        sim.control
          .messages(adminChatId, { threadId: topic.threadId })
          .some((m) => m.fromBot && /Agnes/.test(m.text ?? '')),
      15_000,
      'the claim',
    );
    const sent = sim.control.adminSendsInTopic(
      env.adminId,
      adminChatId,
      topic.threadId,
      '/s welcome',
    );
    const refusal = await sim.control.waitFor(
      () =>
        sim.control
          .messages(adminChatId, { threadId: topic.threadId })
          .find((m) => m.fromBot && m.replyToMessageId === sent.message_id),
      15_000,
      'the refusal',
    );
    expect(refusal.text).toBe(
      '🔒 Agnes holds this fan: nothing was sent. /take the fan first, or ask Agnes.',
    );
    // The claimer sends it.
    sim.control.adminSendsInTopic(env.agentId, adminChatId, topic.threadId, '/s welcome');
    await sim.control.waitFor(
      () => botMessages(sim, fan.id).some((m) => m.text?.startsWith('Hi Held')),
      15_000,
      "the claimer's snippet",
    );
    expect(botMessages(sim, fan.id).filter((m) => m.text?.startsWith('Hi Held'))).toHaveLength(1);
  });

  it('edits and deletes are audited; agents cannot change snippets; /snippets lists them', async () => {
    const { sim, adminChatId } = env;
    const source = sim.control.adminSendsInTopic(
      env.ownerId,
      adminChatId,
      env.threadId,
      'Hello again {first_name}',
    );
    const refused = await replyCommand(env.agentId, source.message_id, '/snippet edit welcome');
    expect(refused.text).toBe('You are not allowed to do that.');
    await replyCommand(env.ownerId, source.message_id, '/snippet edit welcome');
    const list = await command(env, env.adminId, '/snippets');
    expect(list.text).toContain('welcome');
    expect(list.text).toContain('Hello again {first_name}');
    expect(list.text).toContain('pic');
    const gone = await command(env, env.ownerId, '/snippet delete pic');
    expect(gone.text).toContain('deleted');
    const entries = (await env.testDb
      .db('audit_log')
      .where('action', 'snippets:edit')
      .orderBy('id')) as { subject: string; actor_id: unknown }[];
    expect(entries.map((e) => [e.subject, Number(e.actor_id)])).toEqual([
      ['snippet welcome', env.adminId],
      ['snippet pic', env.ownerId],
      ['snippet welcome', env.ownerId],
      ['snippet pic', env.ownerId],
    ]);
    expect(sim.control.violations()).toEqual([]);
  });
});
