/**
 * Issue 17 (serve's RSS): `serve` loads stripe-node only when STRIPE_API_KEY is set — the
 * client module is imported at that moment, not with the command. With a key the lazily
 * built client is wired (POST /stripe-webhook is served: a bad signature is refused with
 * 400); without one there is no Stripe route (404). The real command, run in-process against
 * the simulators.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { createDb } from '../../src/adapters/db/knex.js';
import {
  BOT_TOKEN,
  STRIPE_KEY,
  captureOutput,
  createAdminGroup,
  startSims,
  tempDir,
  type Sims,
} from './operator-harness.js';
import { EventEmitter } from 'node:events';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('serve loads Stripe only when it is on (issue 17)', () => {
  let sims: Sims;
  let dir: string;
  let databaseUrl: string;
  let group: { ownerId: number; chatId: number };
  beforeAll(async () => {
    sims = await startSims();
    group = createAdminGroup(sims);
    dir = tempDir('pb-serve-lazy-');
    databaseUrl = `sqlite:${path.join(dir, 'premiumbot.db')}`;
    const db = createDb(databaseUrl);
    await db.migrate.latest();
    await db.destroy();
  });
  afterAll(async () => {
    await sims?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `serve --polling` until it listens, posts to /stripe-webhook, then stops it. */
  async function stripeRouteStatus(stripe: Record<string, string>): Promise<number> {
    const port = await freePort();
    const output = captureOutput();
    const signals = new EventEmitter();
    const listening = new Promise<void>((resolve) => output.when('Polling Telegram', resolve));
    const serving = run({
      argv: ['serve', '--polling'],
      env: {
        BOT_TOKEN,
        ADMIN_CHAT_ID: String(group.chatId),
        ADMIN_USER_IDS: String(group.ownerId),
        DATABASE_URL: databaseUrl,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'silent',
        ...sims.env,
        ...stripe,
      },
      cwd: dir,
      output,
      signals,
    });
    const exited = serving.then((code) => {
      throw new Error(`serve exited (${code}):\n${output.text()}`);
    });
    await Promise.race([listening, exited]);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/stripe-webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=forged' },
        body: JSON.stringify({ id: 'evt_forged', type: 'checkout.session.completed' }),
      });
      await res.arrayBuffer();
      return res.status;
    } finally {
      signals.emit('shutdown', 'SIGTERM');
      expect(await serving).toBe(0);
    }
  }

  it('with STRIPE_API_KEY the client is built and the webhook route served', async () => {
    const status = await stripeRouteStatus({
      STRIPE_API_KEY: STRIPE_KEY,
      STRIPE_WEBHOOK_SECRET: 'whsec_test_lazy',
    });
    expect(status).toBe(400);
  });

  it('without it, no Stripe route', async () => {
    expect(await stripeRouteStatus({})).toBe(404);
  });
});
