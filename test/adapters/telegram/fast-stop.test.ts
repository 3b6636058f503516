/**
 * Issue 13, item 7: a fast, clean stop. `serve` runs with 200 relays waiting for the admin
 * group's budget (new fans: each needs a topic, its card and a pin before its relays, and
 * the group takes 20 sends a minute at Telegram's real pace). SIGTERM ends it with exit 0
 * well before Docker's 10 s, although the shutdown grace allows 30 s: jobs that only wait
 * for budget go back to the queue at once, only calls on the wire are waited for. A restart
 * (at a faster simulated pace) then delivers all 200, once each and in order.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSettingsStore } from '../../../src/config/settings-store.js';
import { MESSAGE_TYPES } from '../../../src/core/pricing.js';
import {
  createTelegramSimulator,
  type TelegramSimulator,
} from '../../../src/sandbox/telegram/index.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';
import { spawnServe } from '../../helpers/serve-process.js';

const FANS = 20;
const PER_FAN = 10;
const SECRET = 'fast-stop-secret_1';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('SIGTERM while relays wait for the group budget', () => {
  let sim: TelegramSimulator;
  let testDb: TestDb;
  let dir: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    // The simulator runs fast (its own limits never get in the way); the bot's pace is set
    // per run by its traffic config.
    sim = createTelegramSimulator({ timeScale: 0.01 });
    await sim.listen(0);
    testDb = await createMigratedTestDb();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-fast-stop-'));
    // First run: Telegram's real pace and a shutdown grace far longer than Docker allows.
    fs.writeFileSync(
      path.join(dir, 'slow.json'),
      JSON.stringify({ limits: { timeScale: 1 }, shutdownGraceMs: 30_000 }),
    );
    fs.writeFileSync(path.join(dir, 'fast.json'), JSON.stringify({ limits: { timeScale: 0.01 } }));
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await sim?.close();
    await testDb?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 in under 5 s, and loses nothing', { timeout: 180_000 }, async () => {
    const owner = sim.control.createUser({ first_name: 'Olivia' });
    const { chatId: adminChatId } = sim.control.createForumGroup({
      title: 'Team',
      ownerId: owner.id,
    });
    const port = await freePort();
    const env = {
      BOT_TOKEN: sim.token,
      ADMIN_CHAT_ID: String(adminChatId),
      ADMIN_USER_IDS: String(owner.id),
      STRIPE_API_KEY: 'sk_test_fast_stop',
      STRIPE_WEBHOOK_SECRET: 'whsec_fast_stop',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: sim.apiRoot,
      DATABASE_URL: testDb.url,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
    };
    const serve = (config: string) =>
      spawnServe(['--traffic-config', path.join(dir, config)], { env, cwd: dir, children });
    const healthy = async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
      } catch {
        return false;
      }
    };
    const waitUntil = async (check: () => Promise<boolean> | boolean, what: string) => {
      const deadline = Date.now() + 60_000;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    // Free messages: the relays need no credits (the paid path is sigterm.test.ts's).
    const settings = createSettingsStore(testDb.db);
    for (const type of MESSAGE_TYPES) await settings.set(`cost.${type}`, 0);
    const fans = Array.from({ length: FANS }, (_, i) =>
      sim.control.createUser({ first_name: `Stopfan${i}` }),
    );
    await sim.callApi('setWebhook', {
      url: `http://127.0.0.1:${port}/telegram-webhook`,
      secret_token: SECRET,
    });

    const first = serve('slow.json');
    await waitUntil(healthy, 'serve to listen');
    for (let i = 0; i < PER_FAN; i++) {
      for (let n = 0; n < FANS; n++) sim.control.fanSendsText(fans[n]!.id, `s${n}-${i}`);
    }
    const all = FANS * PER_FAN;
    const accepted = () => sim.control.webhookDeliveries().filter((d) => d.status === 200).length;
    const relayed = () =>
      sim.control.messages(adminChatId).filter((m) => m.fromBot && /^s\d+-\d+$/.test(m.text ?? ''));
    const groupSends = () =>
      sim.control.calls().filter((c) => String(c.params.chat_id) === String(adminChatId));
    await waitUntil(() => accepted() >= all, 'every update accepted');
    // At Telegram's pace the group takes 20 sends a minute, and these 200 relays need 260
    // (20 new topics, each with its card and pin): once the worker is under way, almost all
    // of them wait for the budget.
    await waitUntil(() => groupSends().length >= 10, 'the worker under way');
    expect(relayed().length).toBeLessThan(all / 2);

    const stopping = Date.now();
    first.child.kill('SIGTERM');
    expect(await first.exited, first.output()).toBe(0);
    const stopMs = Date.now() - stopping;
    expect(first.output()).toContain('Stopped cleanly.');
    // A generous bound: the old stop slept the 30 s grace before releasing the waiting jobs.
    expect(stopMs, first.output()).toBeLessThan(5_000);

    const second = serve('fast.json');
    await sim.control.waitFor(() => relayed().length >= all, 90_000, 'every relay after restart');
    const unfinished = async () => {
      const rows = (await testDb.db('outbox').whereIn('status', ['pending', 'sending']).count({
        n: '*',
      })) as Array<{ n: number | string }>;
      return Number(rows[0]!.n);
    };
    // The cards and notes of the new topics follow the relays.
    await waitUntil(async () => (await unfinished()) === 0, 'an empty outbox');
    second.child.kill('SIGTERM');
    expect(await second.exited, second.output()).toBe(0);

    const texts = relayed().map((m) => m.text!);
    expect(texts).toHaveLength(all);
    expect(new Set(texts).size).toBe(all);
    for (let n = 0; n < FANS; n++) {
      expect(texts.filter((t) => t.startsWith(`s${n}-`))).toEqual(
        Array.from({ length: PER_FAN }, (_, i) => `s${n}-${i}`),
      );
    }
    expect(sim.control.violations()).toEqual([]);
  });
});
