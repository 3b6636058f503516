/**
 * Acceptance (issue 19, claim and collision guard) through the Telegram simulator, on
 * SQLite and Postgres: agent A takes a fan; agent B writes in the topic → the message is
 * held (no relay job at all), B is told in the topic with "Send anyway" and "Take over";
 * someone else's press changes nothing; B's double tap on "Send anyway" delivers it once;
 * on a second held message B's "Take over" moves the claim to B (audited) and delivers it
 * once. The card and /conversations name the claimer. Zero spec violations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/sandbox/telegram/control.js';
import { grantCredits, relayed, topicOf } from '../adapters/telegram/fan-harness.js';
import { isFanCard } from '../adapters/telegram/harness.js';
import {
  answerOf,
  buttonData,
  command,
  eventually,
  startPanelEnv,
  type PanelEnv,
} from '../adapters/telegram/panel-harness.js';

describe('claims and the collision guard', () => {
  let env: PanelEnv;
  /** Agent A is the env's agent; agent B is the group admin the env left off the team. */
  let agentA: number;
  let agentB: number;
  let fan: { id: number; first_name: string };
  let threadId: number;

  beforeAll(async () => {
    env = await startPanelEnv({
      freeMessages: true,
      fan: { cardRefreshMs: 100, settingsTtlMs: 0 },
    });
    agentA = env.agentId;
    agentB = env.outsiderId;
    await env.testDb.db('admins').insert({ user_id: agentB, role: 'agent' });
    fan = env.sim.control.createUser({ first_name: 'Fiona' });
    await grantCredits(env, fan, 10, 'grant:cs_fiona');
    env.sim.control.fanSendsText(fan.id, 'hi team');
    threadId = (await topicOf(env.sim, env.adminChatId, 'Fiona')).threadId;
    await env.sim.control.waitFor(
      () => relayed(env.sim, env.adminChatId, threadId).length === 1,
      15_000,
      'the fan message in the topic',
    );
  }, 60_000);

  afterAll(async () => {
    expect(env?.sim.control.violations()).toEqual([]);
    await env?.close();
  });

  const inTopic = (): MessageView[] =>
    env.sim.control.messages(env.adminChatId, { threadId }).filter((m) => m.fromBot);
  const atFan = (text: string) =>
    env.sim.control.messages(fan.id).filter((m) => m.fromBot && m.text === text);
  const claimer = async () =>
    (
      (await env.testDb.db('fan_claims').where('fan_id', fan.id).first('user_id')) as
        { user_id: unknown } | undefined
    )?.user_id;
  const relayJobs = async () =>
    Number(
      (
        (await env.testDb.db('outbox').where('kind', 'relay.team').count({ n: '*' })) as {
          n: unknown;
        }[]
      )[0]!.n,
    );

  /** B writes in the topic; the bot's note replying to it (held). */
  async function bWrites(text: string): Promise<MessageView> {
    const sent = env.sim.control.adminSendsInTopic(agentB, env.adminChatId, threadId, text);
    return env.sim.control.waitFor(
      () => inTopic().find((m) => m.replyToMessageId === sent.message_id),
      15_000,
      `the note about ${text}`,
    );
  }

  it('A takes the fan; the card and the claim say so', async () => {
    const answer = await topicCommand(agentA, '/take');
    expect(answer.text).toBe('🔒 Agnes took this fan.');
    expect(Number(await claimer())).toBe(agentA);
    await env.sim.control.waitFor(
      () => inTopic().some((m) => isFanCard(m) && (m.text ?? '').includes('Answered by: 🔒 Agnes')),
      15_000,
      'the card naming the claimer',
    );
    const audit = await env.testDb.db('audit_log').where('action', 'inbox:take');
    expect(audit).toHaveLength(1);
  });

  it('B writes → held, B told, nothing relayed; a double "Send anyway" delivers once', async () => {
    const jobsBefore = await relayJobs();
    const note = await bWrites('B here, hello!');
    expect(note.text).toBe(
      '✋ Not sent: Agnes is on this fan. Your message waits here until you choose.',
    );
    expect(note.buttons.flat().map((b) => b.text)).toEqual(['📨 Send anyway', '🔒 Take over']);
    expect(await relayJobs()).toBe(jobsBefore);
    expect(atFan('B here, hello!')).toHaveLength(0);

    // A press by someone else (A, or the owner) changes nothing.
    const send = buttonData(note, '📨 Send anyway');
    const byA = env.sim.control.pressButton(agentA, env.adminChatId, note.messageId, send);
    expect((await answerOf(env, byA)).text).toBe('Only the author of the message can choose.');
    expect(await relayJobs()).toBe(jobsBefore);

    const first = env.sim.control.pressButton(agentB, env.adminChatId, note.messageId, send);
    const second = env.sim.control.pressButton(agentB, env.adminChatId, note.messageId, send);
    const toasts = [(await answerOf(env, first)).text, (await answerOf(env, second)).text];
    expect(toasts.sort()).toEqual(['Already done.', '📨 Sent anyway by Otto <b>_x_</b>.'].sort());
    await env.sim.control.waitFor(() => atFan('B here, hello!').length === 1, 15_000, 'delivered');
    await eventually(
      async () => {
        const depth = await env.runtime.outbox.depth();
        return depth.pending + depth.sending === 0;
      },
      15_000,
      'an idle outbox',
    );
    expect(atFan('B here, hello!')).toHaveLength(1);
    expect(Number(await claimer())).toBe(agentA);
  });

  it('B presses "Take over" on another held message → the claim moves, audited, sent once', async () => {
    const note = await bWrites('Let me handle this');
    const take = buttonData(note, '🔒 Take over');
    const query = env.sim.control.pressButton(agentB, env.adminChatId, note.messageId, take);
    expect((await answerOf(env, query)).text).toBe(
      '🔒 Otto <b>_x_</b> took over this fan; the message was sent.',
    );
    expect(Number(await claimer())).toBe(agentB);
    await env.sim.control.waitFor(() => atFan('Let me handle this').length === 1, 15_000, 'sent');
    const moves = (await env.testDb.db('audit_log').where('action', 'inbox:take_over')) as {
      actor_id: unknown;
      before: string;
      after: string;
    }[];
    expect(moves).toHaveLength(1);
    expect(Number(moves[0]!.actor_id)).toBe(agentB);
    expect(JSON.parse(moves[0]!.before)).toEqual({ claimedBy: agentA });
    expect(JSON.parse(moves[0]!.after)).toEqual({ claimedBy: agentB });
    // Now A is the one held, and B's messages go straight through.
    env.sim.control.adminSendsInTopic(agentB, env.adminChatId, threadId, 'straight through');
    await env.sim.control.waitFor(() => atFan('straight through').length === 1, 15_000, 'relay');
  });

  it('/conversations shows the claimer; "Mine" lists B’s fan for B only', async () => {
    const mine = await command(env, agentB, '/conversations mine');
    expect(mine.text).toContain('Fiona');
    expect(mine.text).toContain('🔒 Otto');
    const notMine = await command(env, agentA, '/conversations mine');
    expect(notMine.text).not.toContain('Fiona');
    const unassigned = await command(env, env.ownerId, '/conversations unassigned');
    expect(unassigned.text).not.toContain('Fiona');
  });

  /** A command in the fan's topic and the bot's answer replying to it. */
  async function topicCommand(userId: number, text: string): Promise<MessageView> {
    const sent = env.sim.control.adminSendsInTopic(userId, env.adminChatId, threadId, text);
    return env.sim.control.waitFor(
      () => inTopic().find((m) => m.replyToMessageId === sent.message_id),
      15_000,
      `the answer to ${text}`,
    );
  }
});
