import { afterEach, describe, expect, it } from 'vitest';
import type { TelegramSimulator } from '../../../src/sandbox/telegram/index.js';
import { callApi, fakeClock, seedWorld, startSimulator } from './helpers.js';

/**
 * The flood-limit model (DESIGN §6): 429 with retry_after exactly when a limit is exceeded,
 * never otherwise. Most tests drive a fake clock so that they are exact and independent of
 * machine speed; one uses real time with timeScale.
 */
describe('rate limits', () => {
  let sim: TelegramSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  async function setup(options: Parameters<typeof startSimulator>[0] = {}) {
    const clock = fakeClock();
    sim = await startSimulator({ clock, ...options });
    const world = seedWorld(sim);
    const topicB = sim.control.createTopic(world.groupId, 'Second fan');
    return { sim, clock, ...world, topicB };
  }

  it('shares 20 messages per minute across all topics of a group, topic creation included', async () => {
    const { sim, clock, groupId, topicId, topicB } = await setup();
    const statuses: number[] = [];
    const sentIds: number[] = [];
    for (let i = 0; i < 18; i++) {
      const thread = i % 2 === 0 ? topicId : topicB;
      const response = await callApi(sim, 'sendMessage', {
        chat_id: groupId,
        message_thread_id: thread,
        text: `m${i}`,
      });
      statuses.push(response.status);
      sentIds.push((response.body.result as { message_id: number }).message_id);
      clock.advance(1000);
    }
    statuses.push(
      (await callApi(sim, 'createForumTopic', { chat_id: groupId, name: 'Fan 3' })).status,
    );
    statuses.push(
      (
        await callApi(sim, 'copyMessage', {
          chat_id: groupId,
          from_chat_id: groupId,
          message_id: sentIds[0],
        })
      ).status,
    );
    expect(statuses).toEqual(Array(20).fill(200));

    const limited = await callApi(sim, 'createForumTopic', { chat_id: groupId, name: 'Fan 4' });
    // The first message went out 18 s ago (fake clock), so it leaves the 60 s window in 42 s.
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 42',
      parameters: { retry_after: 42 },
    });
    clock.advance(41_000);
    expect(
      (
        await callApi(sim, 'sendMessage', {
          chat_id: groupId,
          message_thread_id: topicB,
          text: 'x',
        })
      ).status,
    ).toBe(429);
    clock.advance(1_000);
    expect(
      (
        await callApi(sim, 'sendMessage', {
          chat_id: groupId,
          message_thread_id: topicB,
          text: 'x',
        })
      ).status,
    ).toBe(200);
  });

  it('counts a pin in a group against its limit (a pin posts a service message)', async () => {
    const { sim, groupId, topicId } = await setup();
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) {
      const sent = await callApi(sim, 'sendMessage', {
        chat_id: groupId,
        message_thread_id: topicId,
        text: `card ${i}`,
      });
      ids.push((sent.body.result as { message_id: number }).message_id);
    }
    for (const id of ids)
      expect(
        (await callApi(sim, 'pinChatMessage', { chat_id: groupId, message_id: id })).status,
      ).toBe(200);
    const limited = await callApi(sim, 'pinChatMessage', { chat_id: groupId, message_id: ids[0] });
    expect(limited.body).toMatchObject({ error_code: 429 });
  });

  it('never answers 429 to a sender that keeps to 20 per minute in a group', async () => {
    const { sim, clock, groupId, topicId } = await setup();
    for (let i = 0; i < 60; i++) {
      const response = await callApi(sim, 'sendMessage', {
        chat_id: groupId,
        message_thread_id: topicId,
        text: `m${i}`,
      });
      expect(response.status).toBe(200);
      clock.advance(3000);
    }
  });

  it('allows a small burst then about 1 message per second in a private chat', async () => {
    const { sim, clock, fan } = await setup();
    for (let i = 0; i < 3; i++)
      expect((await callApi(sim, 'sendMessage', { chat_id: fan.id, text: 'b' })).status).toBe(200);
    const limited = await callApi(sim, 'sendMessage', { chat_id: fan.id, text: 'b' });
    expect(limited.body).toMatchObject({ error_code: 429, parameters: { retry_after: 1 } });
    clock.advance(1000);
    expect((await callApi(sim, 'sendMessage', { chat_id: fan.id, text: 'ok' })).status).toBe(200);
    for (let i = 0; i < 20; i++) {
      clock.advance(1000);
      expect(
        (await callApi(sim, 'sendPhoto', { chat_id: fan.id, photo: 'https://e.x/p.jpg' })).status,
      ).toBe(200);
    }
  });

  it('limits the bot to 30 messages per second overall', async () => {
    const { sim, clock } = await setup();
    const fans = Array.from({ length: 31 }, (_, i) => {
      const fan = sim.control.createUser({ first_name: `F${i}` });
      sim.control.fanSendsText(fan.id, '/start');
      return fan.id;
    });
    for (const id of fans.slice(0, 30))
      expect((await callApi(sim, 'sendMessage', { chat_id: id, text: 'hi' })).status).toBe(200);
    const limited = await callApi(sim, 'sendMessage', { chat_id: fans[30], text: 'hi' });
    expect(limited.body).toMatchObject({ error_code: 429, parameters: { retry_after: 1 } });
    clock.advance(1000);
    expect((await callApi(sim, 'sendMessage', { chat_id: fans[30], text: 'hi' })).status).toBe(200);
  });

  it('counts edits against the group limit only, and a media group as several messages', async () => {
    const { sim, clock, groupId, topicId, fan } = await setup();
    const sent = await callApi(sim, 'sendMessage', { chat_id: fan.id, text: 'v0' });
    const messageId = (sent.body.result as { message_id: number }).message_id;
    for (let i = 1; i <= 10; i++) {
      expect(
        (
          await callApi(sim, 'editMessageText', {
            chat_id: fan.id,
            message_id: messageId,
            text: `v${i}`,
          })
        ).status,
      ).toBe(200);
    }
    const media = Array.from({ length: 10 }, () => ({ type: 'photo', media: 'https://e.x/p.jpg' }));
    expect(
      (
        await callApi(sim, 'sendMediaGroup', {
          chat_id: groupId,
          message_thread_id: topicId,
          media,
        })
      ).status,
    ).toBe(200);
    clock.advance(2000);
    expect(
      (
        await callApi(sim, 'sendMediaGroup', {
          chat_id: groupId,
          message_thread_id: topicId,
          media,
        })
      ).status,
    ).toBe(200);
    clock.advance(2000);
    const group = await callApi(sim, 'sendMessage', {
      chat_id: groupId,
      message_thread_id: topicId,
      text: 'one more',
    });
    expect(group.body).toMatchObject({ error_code: 429 });
  });

  it('can be turned off', async () => {
    const { sim, groupId, topicId } = await setup({ rateLimits: false });
    for (let i = 0; i < 40; i++) {
      expect(
        (
          await callApi(sim, 'sendMessage', {
            chat_id: groupId,
            message_thread_id: topicId,
            text: `${i}`,
          })
        ).status,
      ).toBe(200);
    }
  });

  it('honours retry_after in scaled real time while reporting simulated seconds', async () => {
    const timeScale = 0.05; // a 60 s window lasts 3 real seconds
    sim = await startSimulator({ timeScale, rateLimits: { groupPerMinute: 5 } });
    const { groupId, topicId } = seedWorld(sim);
    for (let i = 0; i < 5; i++) {
      expect(
        (
          await callApi(sim, 'sendMessage', {
            chat_id: groupId,
            message_thread_id: topicId,
            text: `${i}`,
          })
        ).status,
      ).toBe(200);
    }
    const limited = await callApi(sim, 'sendMessage', {
      chat_id: groupId,
      message_thread_id: topicId,
      text: 'x',
    });
    expect(limited.status).toBe(429);
    const retryAfter = limited.body.parameters?.retry_after as number;
    expect(retryAfter).toBeGreaterThan(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 * timeScale + 50));
    expect(
      (
        await callApi(sim, 'sendMessage', {
          chat_id: groupId,
          message_thread_id: topicId,
          text: 'y',
        })
      ).status,
    ).toBe(200);
  });
});
