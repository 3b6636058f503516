/**
 * Issue 17: a Bot API call without an upload is one JSON POST on node's http client (no
 * fetch layers); uploads stay multipart through telegraf. Against the Telegram simulator
 * over real HTTP: every way a call can fail still becomes the same `CallFailure` — the API's
 * error envelope, a 429's retry_after, a 5xx, a lost answer (maybe sent), a timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotApiError, createBotApi, hasUpload } from '../../../src/adapters/telegram/bot-api.js';
import { createTelegramSimulator } from '../../../src/sandbox/telegram/index.js';

describe('Bot API client (issue 17)', () => {
  const sim = createTelegramSimulator({ rateLimits: false });
  let fanId = 0;
  let api: ReturnType<typeof createBotApi>;
  beforeAll(async () => {
    await sim.listen(0);
    fanId = sim.control.createUser({ first_name: 'Ada' }).id;
    sim.control.fanSends(fanId, '/start');
    api = createBotApi({ token: sim.token, apiRoot: sim.apiRoot, timeoutMs: 2_000 });
  });
  afterAll(async () => {
    await sim.close();
  });

  async function failureOf(call: Promise<unknown>) {
    const err = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BotApiError);
    return (err as BotApiError).failure;
  }

  it('sends a JSON call and returns its result; null fields are left out', async () => {
    const sent = await api.call<{ message_id: number; text: string }>('sendMessage', {
      chat_id: fanId,
      text: 'hello <b>you</b>',
      reply_markup: null,
    });
    expect(sent.text).toBe('hello <b>you</b>');
    const last = sim.control.messages(fanId).at(-1);
    expect(last?.fromBot).toBe(true);
    expect(last?.text).toBe('hello <b>you</b>');
  });

  it('uploads a file through multipart', async () => {
    const params = {
      chat_id: fanId,
      document: { source: Buffer.from('a,b\n1,2\n'), filename: 'x.csv' },
    };
    expect(hasUpload(params)).toBe(true);
    const sent = await api.call<{ document?: { file_name?: string } }>('sendDocument', params);
    expect(sent.document?.file_name).toBe('x.csv');
  });

  it('tells uploads from file ids and plain objects', () => {
    expect(hasUpload({ chat_id: 1, photo: 'AgACAgIAAx' })).toBe(false);
    expect(hasUpload({ chat_id: 1, reply_markup: { inline_keyboard: [] } })).toBe(false);
    expect(hasUpload({ chat_id: 1, link_preview_options: { url: 'https://x' } })).toBe(false);
    expect(hasUpload({ media: [{ type: 'photo', media: 'AgAC' }] })).toBe(false);
    expect(hasUpload({ media: [{ type: 'photo', media: { source: Buffer.from('x') } }] })).toBe(
      true,
    );
    expect(hasUpload({ photo: { url: 'https://example.com/a.jpg' } })).toBe(true);
  });

  it('turns the error envelope, 429, 5xx, a lost answer and a timeout into call failures', async () => {
    expect(await failureOf(api.call('sendMessage', { chat_id: fanId }))).toMatchObject({
      type: 'api',
      code: 400,
    });
    // The malformed call was on purpose.
    expect(sim.control.violations().map((v) => v.method)).toEqual(['sendMessage']);
    sim.control.injectFault({
      fault: { type: 'rate_limit', retryAfter: 7 },
      methods: ['sendMessage'],
    });
    expect(await failureOf(api.call('sendMessage', { chat_id: fanId, text: 'x' }))).toMatchObject({
      type: 'api',
      code: 429,
      retryAfterSeconds: 7,
    });
    sim.control.injectFault({
      fault: { type: 'server_error', status: 502 },
      methods: ['sendMessage'],
    });
    expect(await failureOf(api.call('sendMessage', { chat_id: fanId, text: 'x' }))).toMatchObject({
      type: 'api',
      code: 502,
    });
    sim.control.injectFault({ fault: { type: 'response_lost' }, methods: ['sendMessage'] });
    expect(await failureOf(api.call('sendMessage', { chat_id: fanId, text: 'x' }))).toMatchObject({
      type: 'network',
      sent: 'maybe',
    });
    sim.control.injectFault({
      fault: { type: 'timeout', holdMs: 5_000 },
      methods: ['sendMessage'],
    });
    expect(
      await failureOf(api.call('sendMessage', { chat_id: fanId, text: 'x' }, { timeoutMs: 200 })),
    ).toEqual({ type: 'network', sent: 'maybe', reason: 'timeout' });
    // The connection pool recovers: the next call goes through.
    await expect(api.call('sendMessage', { chat_id: fanId, text: 'after' })).resolves.toBeTruthy();
  });

  it('an aborted call fails as maybe sent; an unreachable API as not sent', async () => {
    const aborted = new AbortController();
    sim.control.injectFault({
      fault: { type: 'timeout', holdMs: 5_000 },
      methods: ['sendMessage'],
    });
    const call = api.call('sendMessage', { chat_id: fanId, text: 'x' }, { signal: aborted.signal });
    setTimeout(() => aborted.abort(), 50);
    expect(await failureOf(call)).toMatchObject({ type: 'network', sent: 'maybe' });
    const nowhere = createBotApi({ token: sim.token, apiRoot: 'http://127.0.0.1:1' });
    expect(await failureOf(nowhere.call('getMe', {}))).toMatchObject({
      type: 'network',
      sent: 'no',
      reason: 'ECONNREFUSED',
    });
  });
});
