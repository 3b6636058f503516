import { afterEach, describe, expect, it } from 'vitest';
import type { TelegramSimulator, TgUpdate } from '../../../src/sandbox/telegram/index.js';
import { callApi, fakeClock, ok, seedWorld, startSimulator } from './helpers.js';

describe('fault injection', () => {
  let sim: TelegramSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  async function setup() {
    const clock = fakeClock();
    sim = await startSimulator({ clock, rateLimits: false });
    return { sim, clock, ...seedWorld(sim) };
  }

  it('fails the next N matching calls with 429 and the given retry_after', async () => {
    const { sim, fan, groupId, topicId } = await setup();
    sim.control.injectFault({
      fault: { type: 'rate_limit', retryAfter: 7 },
      count: 2,
      methods: ['sendMessage'],
      chatId: fan.id,
    });
    const other = await callApi(sim, 'sendMessage', {
      chat_id: groupId,
      message_thread_id: topicId,
      text: 'unaffected',
    });
    expect(other.status).toBe(200);
    for (let i = 0; i < 2; i++) {
      expect((await callApi(sim, 'sendMessage', { chat_id: fan.id, text: 'x' })).body).toEqual({
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 7',
        parameters: { retry_after: 7 },
      });
    }
    expect((await callApi(sim, 'sendMessage', { chat_id: fan.id, text: 'x' })).status).toBe(200);
    expect(sim.control.messages(fan.id).filter((m) => m.fromBot)).toHaveLength(1);
  });

  it('imposes a group-wide flood wait (huge retry_after) on every send into the group', async () => {
    const { sim, clock, fan, groupId, topicId } = await setup();
    sim.control.floodWait(groupId, 73414);
    const send = await callApi(sim, 'sendMessage', {
      chat_id: groupId,
      message_thread_id: topicId,
      text: 'x',
    });
    expect(send.body).toMatchObject({ error_code: 429, parameters: { retry_after: 73414 } });
    clock.advance(14_000);
    const create = await callApi(sim, 'createForumTopic', { chat_id: groupId, name: 'Fan' });
    expect(create.body).toMatchObject({ error_code: 429, parameters: { retry_after: 73400 } });
    expect(
      (await callApi(sim, 'sendMessage', { chat_id: fan.id, text: 'private is fine' })).status,
    ).toBe(200);
    clock.advance(73_400_000);
    expect((await callApi(sim, 'createForumTopic', { chat_id: groupId, name: 'Fan' })).status).toBe(
      200,
    );
  });

  it('answers 5xx without executing the call', async () => {
    const { sim, fan } = await setup();
    sim.control.injectFault({ fault: { type: 'server_error', status: 502 } });
    const response = await callApi(sim, 'sendMessage', { chat_id: fan.id, text: 'x' });
    expect(response.status).toBe(502);
    expect(response.body).toEqual({ ok: false, error_code: 502, description: 'Bad Gateway' });
    expect(sim.control.messages(fan.id).filter((m) => m.fromBot)).toHaveLength(0);
  });

  it('loses the response after delivery: the message exists but the client sees a dropped connection', async () => {
    const { sim, fan } = await setup();
    sim.control.injectFault({ fault: { type: 'response_lost' }, methods: ['sendMessage'] });
    await expect(
      callApi(sim, 'sendMessage', { chat_id: fan.id, text: 'delivered?' }),
    ).rejects.toThrow();
    expect(
      sim.control
        .messages(fan.id)
        .filter((m) => m.fromBot)
        .map((m) => m.text),
    ).toEqual(['delivered?']);
    expect(sim.control.calls({ method: 'sendMessage' })[0]).toMatchObject({
      outcome: 'response_lost',
      result: { text: 'delivered?' },
    });
  });

  it('times out without executing the call', async () => {
    const { sim, fan } = await setup();
    sim.control.injectFault({ fault: { type: 'timeout', holdMs: 100 } });
    await expect(callApi(sim, 'sendMessage', { chat_id: fan.id, text: 'x' })).rejects.toThrow();
    expect(sim.control.messages(fan.id).filter((m) => m.fromBot)).toHaveLength(0);
  });

  it('injects any error envelope', async () => {
    const { sim, fan } = await setup();
    sim.control.injectFault({
      fault: { type: 'error', code: 403, description: 'Forbidden: user is deactivated' },
    });
    expect((await callApi(sim, 'sendMessage', { chat_id: fan.id, text: 'x' })).body).toEqual({
      ok: false,
      error_code: 403,
      description: 'Forbidden: user is deactivated',
    });
  });

  it('draws random faults from a seeded generator, reproducibly', async () => {
    const pattern = async () => {
      const { sim, fan } = await setup();
      sim.control.setRandomFaults({ rate: 0.3, seed: 42, retryAfter: [1, 5] });
      const out: (number | undefined)[] = [];
      for (let i = 0; i < 40; i++) {
        const response = await callApi(sim, 'sendMessage', { chat_id: fan.id, text: `${i}` });
        out.push(response.status === 429 ? response.body.parameters?.retry_after : 0);
      }
      await sim.close();
      return out;
    };
    const first = await pattern();
    const second = await pattern();
    expect(first).toEqual(second);
    const limited = first.filter((value) => value !== 0);
    expect(limited.length).toBeGreaterThan(3);
    expect(limited.length).toBeLessThan(25);
    expect(limited.every((value) => value !== undefined && value >= 1 && value <= 5)).toBe(true);
  });

  it('blocks and unblocks the bot with my_chat_member updates', async () => {
    const { sim, fan } = await setup();
    sim.control.blockBot(fan.id);
    expect(
      (await callApi(sim, 'sendPhoto', { chat_id: fan.id, photo: 'https://e.x/p.jpg' })).body,
    ).toEqual({
      ok: false,
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    sim.control.unblockBot(fan.id);
    expect(
      (await callApi(sim, 'sendMessage', { chat_id: fan.id, text: 'welcome back' })).status,
    ).toBe(200);
    const updates = await ok<TgUpdate[]>(sim, 'getUpdates');
    const changes = updates
      .map(
        (u) =>
          u.my_chat_member as
            { chat: { id: number }; new_chat_member: { status: string } } | undefined,
      )
      .filter((u) => u?.chat.id === fan.id)
      .map((u) => u?.new_chat_member.status);
    expect(changes).toEqual(['kicked', 'member']);
  });

  it('reports a deleted topic as "message thread not found"', async () => {
    const { sim, fan, groupId, topicId } = await setup();
    sim.control.deleteTopic(groupId, topicId);
    for (const [method, params] of [
      ['sendMessage', { text: 'x' }],
      ['copyMessage', { from_chat_id: fan.id, message_id: 1 }],
      ['sendChatAction', { action: 'typing' }],
    ] as const) {
      const response = await callApi(sim, method, {
        chat_id: groupId,
        message_thread_id: topicId,
        ...params,
      });
      expect(response.body, method).toEqual({
        ok: false,
        error_code: 400,
        description: 'Bad Request: message thread not found',
      });
    }
    expect(sim.control.topics(groupId).find((t) => t.threadId === topicId)?.deleted).toBe(true);
  });

  it('reflects lost admin rights in getChatMember and createForumTopic', async () => {
    const { sim, groupId } = await setup();
    sim.control.setBotMembership(groupId, { status: 'member' });
    expect(await ok(sim, 'getChatMember', { chat_id: groupId, user_id: 123456 })).toMatchObject({
      status: 'member',
    });
    expect(
      (await callApi(sim, 'createForumTopic', { chat_id: groupId, name: 'x' })).body.description,
    ).toBe('Bad Request: not enough rights to create a topic in the chat');
    sim.control.setBotMembership(groupId, { status: 'left' });
    expect((await callApi(sim, 'sendMessage', { chat_id: groupId, text: 'x' })).body).toEqual({
      ok: false,
      error_code: 403,
      description: 'Forbidden: bot is not a member of the supergroup chat',
    });
  });
});
