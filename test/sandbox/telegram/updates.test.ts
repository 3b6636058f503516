import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { TelegramSimulator, TgUpdate } from '../../../src/sandbox/telegram/index.js';
import { callApi, ok, startSimulator } from './helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('getUpdates', () => {
  let sim: TelegramSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('keeps updates until confirmed by a higher offset; negative offsets keep the tail', async () => {
    sim = await startSimulator();
    const fan = sim.control.createUser({ first_name: 'A' });
    for (const text of ['/start', 'one', 'two', 'three']) sim.control.fanSendsText(fan.id, text);
    const first = await ok<TgUpdate[]>(sim, 'getUpdates');
    expect(first).toHaveLength(4);
    expect(await ok<TgUpdate[]>(sim, 'getUpdates', { limit: 2 })).toEqual(first.slice(0, 2));
    const afterSecond = await ok<TgUpdate[]>(sim, 'getUpdates', {
      offset: (first[1] as TgUpdate).update_id + 1,
    });
    expect(afterSecond).toEqual(first.slice(2));
    expect(await ok<TgUpdate[]>(sim, 'getUpdates', { offset: -1 })).toEqual(first.slice(3));
    expect(
      await ok<TgUpdate[]>(sim, 'getUpdates', { offset: (first[3] as TgUpdate).update_id + 1 }),
    ).toEqual([]);
    expect(sim.control.updates().map((u) => u.status)).toEqual([
      'confirmed',
      'confirmed',
      'confirmed',
      'confirmed',
    ]);
  });

  it('an idle long-poller makes at most one call per timeout (time scaled)', async () => {
    const timeScale = 0.05; // timeout 10 s → 0.5 real seconds
    sim = await startSimulator({ timeScale });
    const started = Date.now();
    let polls = 0;
    while (Date.now() - started < 2000) {
      const updates = await ok<TgUpdate[]>(sim, 'getUpdates', { timeout: 10 });
      expect(updates).toEqual([]);
      polls += 1;
    }
    // 2 s of polling with a 0.5 s long poll: 4 calls plus the one that crossed the line.
    expect(polls).toBeLessThanOrEqual(5);
    expect(polls).toBeGreaterThanOrEqual(1);
    expect(sim.control.calls({ method: 'getUpdates' })).toHaveLength(polls);
  });

  it('answers a waiting long poll as soon as an update arrives', async () => {
    sim = await startSimulator();
    const fan = sim.control.createUser({ first_name: 'A' });
    const poll = ok<TgUpdate[]>(sim, 'getUpdates', { timeout: 5 });
    await sleep(50);
    sim.control.fanSendsText(fan.id, 'wake up');
    const updates = await poll;
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ message: { text: 'wake up', from: { id: fan.id } } });
  });

  it('terminates the older of two overlapping pollers with 409, and refuses while a webhook is set', async () => {
    sim = await startSimulator();
    const older = callApi(sim, 'getUpdates', { timeout: 5 });
    await sleep(50);
    const newer = callApi(sim, 'getUpdates', { timeout: 0 });
    expect((await older).body).toEqual({
      ok: false,
      error_code: 409,
      description:
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    });
    expect((await newer).body).toEqual({ ok: true, result: [] });

    await ok(sim, 'setWebhook', { url: 'http://127.0.0.1:9/never' });
    expect((await callApi(sim, 'getUpdates')).body).toEqual({
      ok: false,
      error_code: 409,
      description:
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    });
    await ok(sim, 'deleteWebhook');
    expect((await callApi(sim, 'getUpdates')).status).toBe(200);
  });

  it('applies allowed_updates when updates are created (message_reaction is off by default)', async () => {
    sim = await startSimulator();
    const fan = sim.control.createUser({ first_name: 'A' });
    const message = sim.control.fanSendsText(fan.id, '/start');
    sim.control.fanReacts(fan.id, message.message_id, '👍');
    expect((await ok<TgUpdate[]>(sim, 'getUpdates')).map((u) => Object.keys(u)[1])).toEqual([
      'message',
    ]);
    await ok(sim, 'getUpdates', { allowed_updates: ['message', 'message_reaction'] });
    sim.control.fanReacts(fan.id, message.message_id, '🔥');
    const updates = await ok<TgUpdate[]>(sim, 'getUpdates');
    expect(updates.map((u) => Object.keys(u)[1])).toEqual(['message', 'message_reaction']);
    expect(updates[1]?.message_reaction).toMatchObject({
      old_reaction: [{ type: 'emoji', emoji: '👍' }],
      new_reaction: [{ type: 'emoji', emoji: '🔥' }],
    });
  });
});

interface Received {
  update: TgUpdate;
  secret: string | undefined;
}

/** A webhook receiver whose answers tests script. */
async function startReceiver(
  respond: (update: TgUpdate, req: IncomingMessage) => Promise<{ status: number; body?: unknown }>,
): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const update = JSON.parse(Buffer.concat(chunks).toString('utf8')) as TgUpdate;
      received.push({
        update,
        secret: req.headers['x-telegram-bot-api-secret-token'] as string | undefined,
      });
      void respond(update, req).then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body === undefined ? '' : JSON.stringify(body));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/telegram-webhook`, received, server };
}

const chatOf = (update: TgUpdate): number => (update.message as { chat: { id: number } }).chat.id;

describe('webhook delivery', () => {
  let sim: TelegramSimulator | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('posts updates with the secret header and retries on 500 with backoff', async () => {
    let failures = 2;
    const receiver = await startReceiver(async () => {
      if (failures > 0) {
        failures -= 1;
        return { status: 500 };
      }
      return { status: 200 };
    });
    server = receiver.server;
    sim = await startSimulator({ timeScale: 0.01 });
    await ok(sim, 'setWebhook', { url: receiver.url, secret_token: 'S3cret_token' });
    const fan = sim.control.createUser({ first_name: 'A' });
    sim.control.fanSendsText(fan.id, '/start');
    await sim.control.waitFor(
      () => sim?.control.updates()[0]?.status === 'delivered',
      5000,
      'delivery',
    );
    expect(receiver.received).toHaveLength(3);
    expect(receiver.received.every((r) => r.secret === 'S3cret_token')).toBe(true);
    expect(new Set(receiver.received.map((r) => r.update.update_id)).size).toBe(1);
    const info = await ok<Record<string, unknown>>(sim, 'getWebhookInfo');
    expect(info).toMatchObject({
      url: receiver.url,
      pending_update_count: 0,
      last_error_message: 'Wrong response from the webhook: 500 Internal Server Error',
    });
  });

  it('keeps one update in flight per chat and the order within each chat', async () => {
    const inFlight = new Map<number, number>();
    const attempts = new Map<number, number>();
    let overlap = false;
    const receiver = await startReceiver(async (update) => {
      const chat = chatOf(update);
      inFlight.set(chat, (inFlight.get(chat) ?? 0) + 1);
      if ((inFlight.get(chat) ?? 0) > 1) overlap = true;
      await sleep(5 + (update.update_id % 3) * 5);
      inFlight.set(chat, (inFlight.get(chat) ?? 0) - 1);
      const attempt = (attempts.get(update.update_id) ?? 0) + 1;
      attempts.set(update.update_id, attempt);
      // Every fourth update fails once, to mix retries into the ordering.
      return { status: update.update_id % 4 === 0 && attempt === 1 ? 502 : 200 };
    });
    server = receiver.server;
    sim = await startSimulator({ timeScale: 0.01 });
    const fans = [
      sim.control.createUser({ first_name: 'A' }),
      sim.control.createUser({ first_name: 'B' }),
    ];
    for (let i = 0; i < 6; i++) for (const fan of fans) sim.control.fanSendsText(fan.id, `m${i}`);
    await ok(sim, 'setWebhook', { url: receiver.url });
    await sim.control.waitFor(
      () => sim?.control.updates().every((u) => u.status === 'delivered'),
      10_000,
      'all delivered',
    );
    expect(overlap).toBe(false);
    expect([...attempts.values()].some((attempt) => attempt > 1)).toBe(true);
    for (const fan of fans) {
      const delivered = receiver.received.map((r) => r.update).filter((u) => chatOf(u) === fan.id);
      const texts = delivered.map((u) => (u.message as { text: string }).text);
      // Retries repeat an update, never reorder: first appearances are m0..m5 in order.
      expect([...new Set(texts)]).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    }
  });

  it('executes a method returned in the webhook answer (webhook reply)', async () => {
    const receiver = await startReceiver(async (update) => ({
      status: 200,
      body: { method: 'sendMessage', chat_id: chatOf(update), text: 'auto-reply' },
    }));
    server = receiver.server;
    sim = await startSimulator();
    await ok(sim, 'setWebhook', { url: receiver.url });
    const fan = sim.control.createUser({ first_name: 'A' });
    sim.control.fanSendsText(fan.id, '/start');
    const reply = await sim.control.waitFor(
      () => sim?.control.messages(fan.id).find((m) => m.fromBot),
      5000,
      'reply',
    );
    expect(reply.text).toBe('auto-reply');
    expect(sim.control.calls({ method: 'sendMessage' })[0]?.via).toBe('webhook_reply');
  });
});
