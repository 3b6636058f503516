/**
 * Acceptance: `premiumbot serve --polling` is killed with SIGKILL mid-drain and started
 * again: every persisted job is delivered exactly once — the ones sent before the crash are
 * not sent again, the ones persisted but not sent go out after the restart. The kill lands
 * while the group is paused by a 429, so no call is in flight (a call in flight at the
 * moment of a crash is the one case that cannot be exactly once: it is set aside as
 * uncertain; see docs/architecture.md).
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
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

const TIME_SCALE = 0.1;
const FANS = 10;
const PER_FAN = 4;

describe('SIGKILL mid-drain, then restart', () => {
  let sim: TelegramSimulator;
  let testDb: TestDb;
  let dir: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    sim = createTelegramSimulator({ timeScale: TIME_SCALE });
    await sim.listen(0);
    testDb = await createMigratedTestDb();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-sigkill-'));
    fs.writeFileSync(
      path.join(dir, 'traffic.json'),
      JSON.stringify({
        limits: { timeScale: TIME_SCALE },
        leaseMs: 1500,
        idlePollMs: 20,
        pollTimeoutSeconds: 2,
        pauseRefreshMs: 500,
      }),
    );
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await sim?.close();
    await testDb?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('delivers each persisted job exactly once', { timeout: 120_000 }, async () => {
    const owner = sim.control.createUser({ first_name: 'Olivia' });
    const { chatId: adminChatId } = sim.control.createForumGroup({
      title: 'Team',
      ownerId: owner.id,
    });
    const env = {
      BOT_TOKEN: sim.token,
      ADMIN_CHAT_ID: String(adminChatId),
      ADMIN_USER_IDS: String(owner.id),
      STRIPE_API_KEY: 'sk_test_sigkill',
      STRIPE_WEBHOOK_SECRET: 'whsec_sigkill',
      TELEGRAM_API_ROOT: sim.apiRoot,
      DATABASE_URL: testDb.url,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
    };
    const serve = () =>
      spawnServe(['--polling', '--traffic-config', path.join(dir, 'traffic.json')], {
        env,
        cwd: dir,
        children,
      });
    const fans = Array.from({ length: FANS }, (_, i) =>
      sim.control.createUser({ first_name: `Killfan${i}` }),
    );
    // `serve` runs the whole product: relays cost credits, so every fan has some.
    const ledger = createLedgerStore(testDb.db);
    for (const fan of fans) {
      await ledger.ensureUser({ id: fan.id, firstName: fan.first_name });
      await ledger.grantCredits(fan.id, 100, `grant:sigkill:${fan.id}`);
    }
    const sendAll = (from: number, to: number) => {
      for (let i = 0; i < PER_FAN; i++) {
        for (let n = from; n < to; n++) sim.control.fanSendsText(fans[n]!.id, `k${n}-${i}`);
      }
    };
    const EARLY = 3;
    sendAll(0, EARLY);

    const db = testDb.db;
    const first = serve();
    const inFlight = async () =>
      Number(
        (
          await db('outbox')
            .where({ status: 'sending' })
            .whereNotNull('attempt_started_at')
            .count({ n: '*' })
        )[0]!.n,
      );
    const waitFor = async (check: () => Promise<boolean>, what: string) => {
      const deadline = Date.now() + 60_000;
      while (!(await check())) {
        if (first.child.exitCode !== null)
          throw new Error(`serve exited early:\n${first.output()}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const relayedSoFar = () =>
      sim.control.messages(adminChatId).filter((m) => m.fromBot && /^k\d+-\d+$/.test(m.text ?? ''))
        .length;
    // Some relays are delivered before the crash: they must not be sent again after it.
    await waitFor(async () => relayedSoFar() >= EARLY * PER_FAN, 'the early relays');
    // Then Telegram makes the group wait 40 (simulated) seconds while more fans write: their
    // relays are persisted, the next group call gets a 429 and the worker holds every group
    // job, so nothing is in flight when the process is killed.
    const floodFrom = Date.now();
    sim.control.floodWait(adminChatId, 40);
    sendAll(EARLY, FANS);
    const late = (FANS - EARLY) * PER_FAN;
    await waitFor(async () => {
      const refused = sim.control
        .calls()
        .some(
          (c) =>
            c.time >= floodFrom &&
            c.error?.error_code === 429 &&
            String(c.params.chat_id) === String(adminChatId),
        );
      const waiting = Number(
        (
          await db('outbox')
            .where({ kind: 'relay.fan' })
            .whereIn('status', ['pending', 'sending'])
            .count({ n: '*' })
        )[0]!.n,
      );
      return refused && waiting === late && (await inFlight()) === 0;
    }, 'the group to be paused with every late relay persisted');
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const pendingAtKill = Number(
      (await db('outbox').whereIn('status', ['pending', 'sending']).count({ n: '*' }))[0]!.n,
    );
    expect(pendingAtKill).toBeGreaterThan(0);
    expect(
      await db('outbox').where({ status: 'sending' }).whereNotNull('attempt_started_at'),
    ).toEqual([]);

    const second = serve();
    const all = FANS * PER_FAN;
    const relayed = () =>
      sim.control.messages(adminChatId).filter((m) => m.fromBot && /^k\d+-\d+$/.test(m.text ?? ''));
    await sim.control.waitFor(() => relayed().length >= all, 60_000, 'every relay after restart');
    await new Promise((resolve) => setTimeout(resolve, 500));
    second.child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => second.child.once('exit', resolve));
    expect(code, second.output()).toBe(0);
    expect(second.output()).toContain('Stopped cleanly.');

    const texts = relayed().map((m) => m.text!);
    expect(texts).toHaveLength(all);
    expect(new Set(texts).size).toBe(all);
    for (let n = 0; n < FANS; n++) {
      expect(texts.filter((t) => t.startsWith(`k${n}-`))).toEqual(
        Array.from({ length: PER_FAN }, (_, i) => `k${n}-${i}`),
      );
    }
    const rows = await db('outbox').where({ kind: 'relay.fan' });
    expect(rows).toHaveLength(all);
    expect(rows.every((r: { status: string }) => r.status === 'sent')).toBe(true);
    expect(sim.control.violations()).toEqual([]);
  });
});
