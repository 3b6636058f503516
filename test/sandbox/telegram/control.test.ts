import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type {
  TelegramSimulator,
  TgMessage,
  TgUpdate,
} from '../../../src/sandbox/telegram/index.js';
import { CONTROL_OPERATIONS } from '../../../src/sandbox/telegram/index.js';
import { callApi, ok, seedWorld, startSimulator } from './helpers.js';

describe('control API (in-process)', () => {
  let sim: TelegramSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ rateLimits: false });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => sim.control.reset());

  it('copies a fan photo into a topic keeping media and caption, then replies back to the fan', async () => {
    const { fan, groupId, topicId, admin } = seedWorld(sim);
    const photo = sim.control.fanSendsPhoto(fan.id, { caption: 'for you' });
    const copied = await ok<{ message_id: number }>(sim, 'copyMessage', {
      chat_id: groupId,
      message_thread_id: topicId,
      from_chat_id: fan.id,
      message_id: photo.message_id,
    });
    const inTopic = sim.control.message(groupId, copied.message_id);
    expect(inTopic).toMatchObject({
      threadId: topicId,
      kind: 'photo',
      caption: 'for you',
      fromBot: true,
    });
    expect(inTopic?.media?.fileId).toBe(photo.photo?.at(-1)?.file_id);

    const answer = sim.control.adminSendsInTopic(admin.id, groupId, topicId, 'Thanks!');
    expect(answer).toMatchObject({
      message_thread_id: topicId,
      is_topic_message: true,
      reply_to_message: { message_id: topicId },
    });
    await ok(sim, 'copyMessage', {
      chat_id: fan.id,
      from_chat_id: groupId,
      message_id: answer.message_id,
    });
    expect(sim.control.messages(fan.id).at(-1)).toMatchObject({ text: 'Thanks!', fromBot: true });
    expect(sim.control.messages(groupId, { threadId: topicId }).map((m) => m.kind)).toEqual([
      'service',
      'photo',
      'text',
    ]);
  });

  it('threads replies: reply_parameters (or legacy reply_to_message_id) picks the topic of the replied message', async () => {
    const { groupId, topicId, admin, fan } = seedWorld(sim);
    const question = sim.control.adminSendsInTopic(admin.id, groupId, topicId, 'Which plan?');
    const reply = await ok<TgMessage>(sim, 'sendMessage', {
      chat_id: groupId,
      text: 'The monthly one',
      reply_parameters: { message_id: question.message_id },
    });
    expect(reply).toMatchObject({
      message_thread_id: topicId,
      is_topic_message: true,
      reply_to_message: { message_id: question.message_id, text: 'Which plan?' },
    });
    const legacy = await ok<TgMessage>(sim, 'sendMessage', {
      chat_id: fan.id,
      text: 'ok',
      reply_to_message_id: 1,
    });
    expect(legacy.reply_to_message?.message_id).toBe(1);
    const missing = await callApi(sim, 'sendMessage', {
      chat_id: fan.id,
      text: 'x',
      reply_parameters: { message_id: 999 },
    });
    expect(missing.body.description).toBe('Bad Request: message to be replied not found');
    const tolerated = await callApi(sim, 'sendMessage', {
      chat_id: fan.id,
      text: 'x',
      reply_parameters: { message_id: 999, allow_sending_without_reply: true },
    });
    expect(tolerated.status).toBe(200);
    expect(sim.control.violations()).toEqual([]);
  });

  it('copyMessages keeps order and album grouping', async () => {
    const { fan, groupId, topicId } = seedWorld(sim);
    const album = sim.control.fanSendsAlbum(fan.id, [
      { kind: 'photo', caption: 'one' },
      { kind: 'video' },
      { kind: 'photo' },
    ]);
    const text = sim.control.fanSendsText(fan.id, 'after the album');
    const ids = await ok<{ message_id: number }[]>(sim, 'copyMessages', {
      chat_id: groupId,
      message_thread_id: topicId,
      from_chat_id: fan.id,
      message_ids: [...album.map((m) => m.message_id), text.message_id],
    });
    const copies = ids.map((id) => sim.control.message(groupId, id.message_id));
    expect(copies.map((m) => m?.kind)).toEqual(['photo', 'video', 'photo', 'text']);
    expect(copies[0]?.caption).toBe('one');
    const groups = copies.map((m) => m?.mediaGroupId);
    expect(groups[0]).toBeDefined();
    expect(groups[0]).not.toBe(album[0]?.media_group_id);
    expect(new Set(groups.slice(0, 3)).size).toBe(1);
    expect(groups[3]).toBeUndefined();
  });

  it('runs a button press through answerCallbackQuery and shows edits, pins and reactions', async () => {
    const { fan } = seedWorld(sim);
    const menu = await ok<TgMessage>(sim, 'sendMessage', {
      chat_id: fan.id,
      text: 'Choose',
      reply_markup: {
        inline_keyboard: [
          [
            { text: '10 credits', callback_data: 'buy:10' },
            { text: 'Site', url: 'https://e.x' },
          ],
        ],
      },
    });
    expect(sim.control.message(fan.id, menu.message_id)?.buttons).toEqual([
      [
        { text: '10 credits', callbackData: 'buy:10' },
        { text: 'Site', url: 'https://e.x' },
      ],
    ]);
    expect(() => sim.control.pressButton(fan.id, fan.id, menu.message_id, 'nope')).toThrow(
      /no button/,
    );
    const queryId = sim.control.pressButton(fan.id, fan.id, menu.message_id, 'buy:10');
    await ok(sim, 'answerCallbackQuery', { callback_query_id: queryId, text: 'Opening checkout' });
    expect(sim.control.callbackQuery(queryId)?.answer).toMatchObject({ text: 'Opening checkout' });
    expect((await callApi(sim, 'answerCallbackQuery', { callback_query_id: queryId })).status).toBe(
      400,
    );

    await ok(sim, 'editMessageText', {
      chat_id: fan.id,
      message_id: menu.message_id,
      text: 'Chosen',
    });
    await ok(sim, 'pinChatMessage', { chat_id: fan.id, message_id: menu.message_id });
    await ok(sim, 'setMessageReaction', {
      chat_id: fan.id,
      message_id: menu.message_id,
      reaction: [{ type: 'emoji', emoji: '👍' }],
    });
    sim.control.fanReacts(fan.id, menu.message_id, '❤');
    const shown = sim.control.message(fan.id, menu.message_id);
    expect(shown).toMatchObject({ text: 'Chosen', edited: true, pinned: true, buttons: [] });
    expect(shown?.reactions.map((r) => r.userId).sort()).toEqual([123456, fan.id].sort());
  });

  it('answers the pre-checkout flow with a successful_payment message', async () => {
    const { fan } = seedWorld(sim);
    const invoice = await ok<TgMessage>(sim, 'sendInvoice', {
      chat_id: fan.id,
      title: 'Pass',
      description: '1 hour',
      payload: 'pass:3600',
      currency: 'XTR',
      prices: [{ label: '1 hour', amount: 250 }],
    });
    const queryId = sim.control.startPreCheckout(fan.id, { invoiceMessageId: invoice.message_id });
    await ok(sim, 'answerPreCheckoutQuery', { pre_checkout_query_id: queryId, ok: true });
    const updates = await ok<TgUpdate[]>(sim, 'getUpdates');
    const payment = updates
      .map((u) => (u.message as TgMessage | undefined)?.successful_payment)
      .find(Boolean);
    expect(payment).toMatchObject({
      currency: 'XTR',
      total_amount: 250,
      invoice_payload: 'pass:3600',
    });
  });

  it('waitFor resolves on change and rejects after its timeout', async () => {
    const fan = sim.control.createUser({ first_name: 'W' });
    const waiting = sim.control.waitFor(
      () => sim.control.messages(fan.id).find((m) => m.text === 'later'),
      2000,
    );
    setTimeout(() => sim.control.fanSendsText(fan.id, 'later'), 20);
    expect((await waiting).text).toBe('later');
    await expect(sim.control.waitFor(() => false, 50, 'never')).rejects.toThrow(
      'waitFor: never not met within 50 ms',
    );
  });

  it('serves uploaded files at getFile file_path', async () => {
    const { fan } = seedWorld(sim);
    const sent = await ok<TgMessage>(
      sim,
      'sendDocument',
      { chat_id: fan.id },
      {
        files: { document: { name: 'notes.txt', data: Buffer.from('hello file') } },
      },
    );
    const file = await ok<{ file_path: string }>(sim, 'getFile', {
      file_id: sent.document?.file_id,
    });
    const download = await fetch(`${sim.apiRoot}/file/bot${sim.token}/${file.file_path}`);
    expect(await download.text()).toBe('hello file');
  });
});

describe('control API over HTTP (/_sim)', () => {
  let sim: TelegramSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ rateLimits: false });
  });
  afterAll(async () => {
    await sim.close();
  });

  const post = async (operation: string, body: unknown) => {
    const response = await fetch(`${sim.apiRoot}/_sim/${operation}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  };

  it('exposes the same operations, JSON in and out, CORS-friendly', async () => {
    const preflight = await fetch(`${sim.apiRoot}/_sim/createUser`, { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');

    const user = await post('createUser', { first_name: 'Web fan', username: 'webfan' });
    expect(user.headers.get('access-control-allow-origin')).toBe('*');
    const fanId = (user.body.result as { id: number }).id;
    const admin = (await post('createUser', { first_name: 'Agent' })).body.result as { id: number };
    const group = await post('createForumGroup', { title: 'Inbox', admins: [admin.id] });
    const groupId = (group.body.result as { chatId: number }).chatId;
    const topic = await ok<{ message_thread_id: number }>(sim, 'createForumTopic', {
      chat_id: groupId,
      name: 'Web fan',
    });
    expect((await post('fanSendsText', { userId: fanId, text: '/start' })).body.ok).toBe(true);
    expect((await post('fanSendsPhoto', { userId: fanId, caption: 'hi' })).body.ok).toBe(true);
    const sent = await post('adminSendsInTopic', {
      adminId: admin.id,
      chatId: groupId,
      threadId: topic.message_thread_id,
      content: 'hello',
    });
    expect(sent.body.ok).toBe(true);

    const messages = await fetch(`${sim.apiRoot}/_sim/messages?chatId=${fanId}`);
    const list = ((await messages.json()) as { result: { kind: string; text?: string }[] }).result;
    expect(list.map((m) => m.kind)).toEqual(['text', 'photo']);
    const inTopic = await fetch(
      `${sim.apiRoot}/_sim/messages?chatId=${groupId}&threadId=${topic.message_thread_id}`,
    );
    expect(((await inTopic.json()) as { result: { text?: string }[] }).result.at(-1)?.text).toBe(
      'hello',
    );

    expect(
      (
        await post('injectFault', {
          fault: { type: 'rate_limit', retryAfter: 3 },
          methods: ['sendMessage'],
        })
      ).body.ok,
    ).toBe(true);
    expect((await callApi(sim, 'sendMessage', { chat_id: fanId, text: 'x' })).status).toBe(429);
    const calls = await fetch(`${sim.apiRoot}/_sim/calls?method=sendMessage`);
    expect(((await calls.json()) as { result: { fault?: string }[] }).result[0]?.fault).toBe(
      'rate_limit',
    );
  });

  it('GET /_sim/ lists every operation with its arguments and an example its schema accepts', async () => {
    const response = await fetch(`${sim.apiRoot}/_sim/`);
    const { result } = (await response.json()) as {
      result: {
        operations: string[];
        usage: Record<string, { call: string; args: string; example: unknown }>;
      };
    };
    expect(result.operations).toEqual(Object.keys(CONTROL_OPERATIONS));
    expect(result.usage.fanSendsText).toEqual({
      call: 'POST /_sim/fanSendsText',
      args: expect.stringMatching(
        /^\{ userId: integer, text: string \| number, replyTo\?: integer/,
      ),
      example: { userId: 100001, text: 'Hello!' },
    });
    expect(result.usage.messages?.call).toMatch(/^GET/);
    const rejected = Object.entries(result.usage).filter(
      ([name, usage]) =>
        usage.example !== null &&
        !CONTROL_OPERATIONS[name]!.schema.safeParse(usage.example).success,
    );
    expect(rejected.map(([name]) => name)).toEqual([]);
  });

  it('reports unknown operations, bad arguments and GET on a write', async () => {
    expect((await post('summonDragon', {})).status).toBe(404);
    const bad = await post('fanSendsText', { userId: 'abc' });
    expect(bad.status).toBe(400);
    expect(String(bad.body.error)).toMatch(/invalid arguments for fanSendsText/);
    const get = await fetch(`${sim.apiRoot}/_sim/reset`);
    expect(get.status).toBe(405);
    const control = await post('fanSendsText', { userId: 999, text: 'x' });
    expect(control.body).toEqual({
      ok: false,
      error: 'unknown user 999; create it with control.createUser first',
    });
  });
});
