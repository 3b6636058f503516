/**
 * What the sandbox page relies on in the simulators: the `/_sim/stream` event streams, photos
 * sent with their bytes (`dataBase64`) and read back by file id, plain members of the admin
 * group, and the page's loopback-only server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStripeSimulator } from '../../../src/sandbox/stripe/index.js';
import { createTelegramSimulator } from '../../../src/sandbox/telegram/index.js';
import { startSandboxUi } from '../../../src/sandbox/ui/server.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** Reads `count` `change` events from a stream (the first arrives at once). */
async function changes(url: string, count: number, act: () => Promise<unknown>): Promise<number[]> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = response.body!.getReader();
  const seqs: number[] = [];
  let buffer = '';
  let acted = false;
  while (seqs.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += new TextDecoder().decode(value);
    for (const match of buffer.matchAll(/event: change\ndata: (\{.*\})\n\n/g)) {
      seqs.push((JSON.parse(match[1] as string) as { seq: number }).seq);
    }
    buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
    if (!acted && seqs.length > 0) {
      acted = true;
      await act();
    }
  }
  controller.abort();
  return seqs;
}

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then((r) => r.json() as Promise<{ ok: boolean; result: unknown }>);

describe('simulator event streams', () => {
  it('the Telegram simulator says when its world changed', async () => {
    const sim = createTelegramSimulator();
    await sim.listen();
    closers.push(() => sim.close());
    const fan = sim.control.createUser({ first_name: 'Ana' });
    const seqs = await changes(`${sim.apiRoot}/_sim/stream`, 2, () =>
      post(`${sim.apiRoot}/_sim/fanSendsText`, { userId: fan.id, text: 'hi' }),
    );
    expect(seqs).toEqual([1, 2]);
    const listing = (await (await fetch(`${sim.apiRoot}/_sim/`)).json()) as {
      result: { other: Record<string, string> };
    };
    expect(Object.keys(listing.result.other)).toEqual([
      'GET /_sim/stream',
      'GET /_sim/file/<file_id>',
    ]);
  });

  it('the Stripe simulator says when a request changed something', async () => {
    const sim = createStripeSimulator();
    await sim.listen();
    closers.push(() => sim.close());
    const seqs = await changes(`${sim.apiBase}/_sim/stream`, 2, () =>
      post(`${sim.apiBase}/_sim/customers`, { email: 'ana@example.com' }),
    );
    expect(seqs).toEqual([1, 2]);
    const listing = (await (await fetch(`${sim.apiBase}/_sim/`)).json()) as {
      routes: { call: string }[];
    };
    expect(listing.routes.map((r) => r.call)).toContain('GET /_sim/stream');
  });
});

describe('what the page sends and reads', () => {
  it('a photo sent with its bytes is served back by file id, no larger size invented', async () => {
    const sim = createTelegramSimulator();
    await sim.listen();
    closers.push(() => sim.close());
    const fan = sim.control.createUser({ first_name: 'Ana' });
    const png = fs.readFileSync(
      path.resolve(import.meta.dirname, '../../../src/sandbox/ui/public/samples/sea.png'),
    );
    const sent = await post(`${sim.apiRoot}/_sim/fanSends`, {
      userId: fan.id,
      content: { kind: 'photo', dataBase64: png.toString('base64'), width: 320, height: 240 },
    });
    expect(sent.ok).toBe(true);
    const [view] = sim.control.messages(fan.id);
    const sizes = (view!.raw.photo ?? []).map((p) => p.width);
    expect(sizes).toEqual([90, 320]);
    const file = await fetch(`${sim.apiRoot}/_sim/file/${view!.media!.fileId}`);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
    expect((await fetch(`${sim.apiRoot}/_sim/file/nope`)).status).toBe(404);
  });

  it('an album carries each item’s bytes', async () => {
    const sim = createTelegramSimulator();
    await sim.listen();
    closers.push(() => sim.close());
    const fan = sim.control.createUser({ first_name: 'Ana' });
    const data = Buffer.from('not really a png');
    const sent = await post(`${sim.apiRoot}/_sim/fanSendsAlbum`, {
      userId: fan.id,
      items: [
        { kind: 'photo', dataBase64: data.toString('base64'), width: 60, height: 40 },
        { kind: 'photo' },
      ],
    });
    expect(sent.ok).toBe(true);
    const first = sim.control.messages(fan.id)[0]!;
    expect(sim.control.file(first.media!.fileId)?.data.equals(data)).toBe(true);
  });

  it('a plain member of the admin group may write in a topic; topics show their icon', async () => {
    const sim = createTelegramSimulator();
    await sim.listen();
    closers.push(() => sim.close());
    const member = sim.control.createUser({ first_name: 'Max' });
    const group = sim.control.createForumGroup({ title: 'team', members: [member.id] });
    expect(sim.control.chat(group.chatId).members).toContainEqual({
      userId: member.id,
      status: 'member',
    });
    sim.control.adminSendsInTopic(member.id, group.chatId, 1, 'hello');
    const created = await sim.callApi('createForumTopic', {
      chat_id: group.chatId,
      name: 'Ana',
      icon_custom_emoji_id: '5312536423851630001',
    });
    expect(created.kind).toBe('ok');
    expect(sim.control.topics(group.chatId).at(-1)).toMatchObject({
      name: 'Ana',
      iconCustomEmojiId: '5312536423851630001',
    });
  });
});

describe('the page server', () => {
  const config = {
    telegramApiRoot: 'http://127.0.0.1:1',
    stripeApiBase: 'http://127.0.0.1:2',
    botToken: '1:x',
    adminChatId: -1001,
    ownerId: 1,
    agentId: 2,
    memberId: 3,
  };

  it('listens on loopback only', async () => {
    await expect(startSandboxUi(config, { host: '0.0.0.0' })).rejects.toThrow(/loopback only/);
  });

  it('serves the page, its config, and nothing outside its folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-ui-page-'));
    fs.mkdirSync(path.join(dir, 'js'));
    fs.writeFileSync(path.join(dir, 'js/main.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>t</title>');
    const ui = await startSandboxUi(config, { publicDir: dir });
    closers.push(() => ui.close());
    expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(ui.url);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await (await fetch(`${ui.url}config.json`)).json()).toEqual(config);
    expect((await fetch(`${ui.url}js/main.js`)).status).toBe(200);
    expect((await fetch(`${ui.url}..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    expect((await fetch(ui.url, { method: 'POST' })).status).toBe(405);
  });

  it('refuses to start when the page is not built', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-ui-empty-'));
    await expect(startSandboxUi(config, { publicDir: dir })).rejects.toThrow(/npm run build/);
  });
});
