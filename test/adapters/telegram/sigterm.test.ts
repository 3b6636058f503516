/**
 * Acceptance (issue 7): SIGTERM while 200 updates are in flight loses none of the accepted
 * ones. `premiumbot serve` runs in webhook mode; fans write 200 messages that the simulator
 * delivers by webhook; SIGTERM lands mid-stream. Every update the webhook accepted (200) is
 * relayed — before the exit or after a restart — and the ones it never accepted are
 * redelivered by Telegram to the restarted server. In the end all 200 arrive once, in order.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedgerStore } from '../../../src/adapters/db/ledger-store.js';
import {
  createTelegramSimulator,
  type TelegramSimulator,
} from '../../../src/sandbox/telegram/index.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';
import { spawnServe } from '../../helpers/serve-process.js';

const TIME_SCALE = 0.01;
const FANS = 20;
const PER_FAN = 10;
const SECRET = 'sigterm-secret_1';

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

describe('SIGTERM while updates are in flight', () => {
  let sim: TelegramSimulator;
  let testDb: TestDb;
  let dir: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    sim = createTelegramSimulator({ timeScale: TIME_SCALE });
    await sim.listen(0);
    testDb = await createMigratedTestDb();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-sigterm-'));
    fs.writeFileSync(
      path.join(dir, 'traffic.json'),
      JSON.stringify({ limits: { timeScale: TIME_SCALE } }),
    );
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await sim?.close();
    await testDb?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(
    'loses none of the accepted updates, and all 200 arrive once',
    { timeout: 120_000 },
    async () => {
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
        STRIPE_API_KEY: 'sk_test_sigterm',
        STRIPE_WEBHOOK_SECRET: 'whsec_sigterm',
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_API_ROOT: sim.apiRoot,
        DATABASE_URL: testDb.url,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
      };
      const serve = () =>
        spawnServe(['--traffic-config', path.join(dir, 'traffic.json')], {
          env,
          cwd: dir,
          children,
        });
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

      const fans = Array.from({ length: FANS }, (_, i) =>
        sim.control.createUser({ first_name: `Termfan${i}` }),
      );
      const ledger = createLedgerStore(testDb.db);
      for (const fan of fans) {
        await ledger.ensureUser({ id: fan.id, firstName: fan.first_name });
        await ledger.grantCredits(fan.id, 100, `grant:sigterm:${fan.id}`);
      }
      const setWebhook = await fetch(`${sim.apiRoot}/bot${sim.token}/setWebhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          url: `http://127.0.0.1:${port}/telegram-webhook`,
          secret_token: SECRET,
        }),
      });
      expect(setWebhook.ok).toBe(true);

      const first = serve();
      await waitUntil(healthy, 'serve to listen');
      for (let i = 0; i < PER_FAN; i++) {
        for (let n = 0; n < FANS; n++) sim.control.fanSendsText(fans[n]!.id, `t${n}-${i}`);
      }
      const accepted = () => sim.control.webhookDeliveries().filter((d) => d.status === 200).length;
      // SIGTERM lands once some updates were accepted and many are still on their way.
      await waitUntil(() => accepted() >= 40, 'the first accepted updates');
      first.child.kill('SIGTERM');
      expect(await first.exited, first.output()).toBe(0);
      expect(first.output()).toContain('Stopped cleanly.');
      const acceptedBeforeStop = accepted();
      expect(acceptedBeforeStop).toBeLessThan(FANS * PER_FAN);

      const second = serve();
      const all = FANS * PER_FAN;
      const relayed = () =>
        sim.control
          .messages(adminChatId)
          .filter((m) => m.fromBot && /^t\d+-\d+$/.test(m.text ?? ''));
      await sim.control.waitFor(() => relayed().length >= all, 90_000, 'every relay after restart');
      await new Promise((resolve) => setTimeout(resolve, 500));
      second.child.kill('SIGTERM');
      expect(await second.exited, second.output()).toBe(0);

      const texts = relayed().map((m) => m.text!);
      expect(texts).toHaveLength(all);
      expect(new Set(texts).size).toBe(all);
      for (let n = 0; n < FANS; n++) {
        expect(texts.filter((t) => t.startsWith(`t${n}-`))).toEqual(
          Array.from({ length: PER_FAN }, (_, i) => `t${n}-${i}`),
        );
      }
      // Every message was paid exactly once: 100 credits each, PER_FAN texts at 1 credit.
      for (const fan of fans) {
        expect((await ledger.balance(fan.id)).credits).toBe(100 - PER_FAN);
      }
      expect(sim.control.violations()).toEqual([]);
    },
  );
});
