import { Input, Telegraf } from 'telegraf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelegramSimulator } from '../../../src/sandbox/telegram/index.js';
import { seedWorld, startSimulator } from './helpers.js';

/** telegraf 4.16 against the simulator, end to end over HTTP, with no violations allowed. */
describe('telegraf end-to-end', () => {
  let sim: TelegramSimulator;
  let bot: Telegraf;
  let world: ReturnType<typeof seedWorld>;

  beforeAll(async () => {
    sim = await startSimulator();
    world = seedWorld(sim);
    bot = new Telegraf(sim.token, { telegram: { apiRoot: sim.apiRoot } });
  });

  afterAll(async () => {
    expect(sim.control.violations()).toEqual([]);
    await sim.close();
  });

  it('sends a message with HTML and an inline keyboard', async () => {
    const sent = await bot.telegram.sendMessage(world.fan.id, 'Hi <b>Fan_*&lt;b&gt;</b>', {
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: [[{ text: 'Buy', callback_data: 'buy:10' }]] },
    });
    expect(sent.text).toBe('Hi Fan_*<b>');
    expect(sent.entities).toEqual([{ type: 'bold', offset: 3, length: 8 }]);
    expect(sim.control.message(world.fan.id, sent.message_id)?.buttons).toEqual([
      [{ text: 'Buy', callbackData: 'buy:10' }],
    ]);
  });

  it('copies a fan message into a topic', async () => {
    const photo = sim.control.fanSendsPhoto(world.fan.id, { caption: 'from the fan' });
    const copied = await bot.telegram.copyMessage(world.groupId, world.fan.id, photo.message_id, {
      message_thread_id: world.topicId,
    });
    expect(sim.control.message(world.groupId, copied.message_id)).toMatchObject({
      threadId: world.topicId,
      kind: 'photo',
      caption: 'from the fan',
    });
  });

  it('uploads a photo with multipart (Input.fromBuffer) and serves it back', async () => {
    const data = Buffer.from('not really a jpeg, but bytes all the same');
    const sent = await bot.telegram.sendPhoto(world.groupId, Input.fromBuffer(data, 'pic.jpg'), {
      message_thread_id: world.topicId,
      caption: 'uploaded',
    });
    expect(sent).toMatchObject({
      message_thread_id: world.topicId,
      is_topic_message: true,
      caption: 'uploaded',
    });
    const link = await bot.telegram.getFileLink(sent.photo.at(-1)?.file_id as string);
    const download = await fetch(link);
    expect(Buffer.from(await download.arrayBuffer()).equals(data)).toBe(true);
    expect(sim.control.calls({ method: 'sendPhoto' }).at(-1)?.params.photo).toMatchObject({
      upload: 'pic.jpg',
    });
  });

  it('uploads an album (sendMediaGroup with attach:// parts) and creates a topic', async () => {
    const topic = await bot.telegram.createForumTopic(world.groupId, 'Zoë_* <fan>');
    const album = await bot.telegram.sendMediaGroup(
      world.groupId,
      [
        { type: 'photo', media: Input.fromBuffer(Buffer.from('one'), 'one.jpg'), caption: 'first' },
        { type: 'video', media: Input.fromBuffer(Buffer.from('two'), 'two.mp4') },
      ],
      { message_thread_id: topic.message_thread_id },
    );
    expect(album).toHaveLength(2);
    expect(album.every((m) => m.message_thread_id === topic.message_thread_id)).toBe(true);
    expect(album[0]?.media_group_id).toBe(album[1]?.media_group_id);
  });

  it('runs a polling bot that answers a fan and an admin in a topic', async () => {
    const polling = new Telegraf(sim.token, { telegram: { apiRoot: sim.apiRoot } });
    polling.on('text', async (ctx) => {
      await ctx.reply(`echo: ${ctx.message.text}`);
    });
    polling.catch((error) => {
      throw error;
    });
    const launched = polling.launch();
    try {
      sim.control.fanSendsText(world.fan.id, 'hello bot');
      const echo = await sim.control.waitFor(
        () => sim.control.messages(world.fan.id).find((m) => m.text === 'echo: hello bot'),
        10_000,
        'echo to the fan',
      );
      expect(echo.fromBot).toBe(true);

      sim.control.adminSendsInTopic(
        world.admin.id,
        world.groupId,
        world.topicId,
        'note for the team',
      );
      const inTopic = await sim.control.waitFor(
        () =>
          sim.control
            .messages(world.groupId, { threadId: world.topicId })
            .find((m) => m.text === 'echo: note for the team'),
        10_000,
        'echo in the topic',
      );
      expect(inTopic.threadId).toBe(world.topicId);
    } finally {
      polling.stop('test over');
      await launched;
    }
    const polls = sim.control.calls({ method: 'getUpdates' });
    expect(polls.some((call) => call.params.timeout === 50)).toBe(true);
  });
});
