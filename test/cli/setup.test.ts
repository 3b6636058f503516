import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALLOWED_UPDATES } from '../../src/adapters/telegram/operator-api.js';
import { STRIPE_EVENTS } from '../../src/adapters/stripe/webhook-endpoint.js';
import type { Prompter } from '../../src/cli/prompter.js';
import { run } from '../../src/cli/main.js';
import { runSetup } from '../../src/cli/setup/run-setup.js';
import type { SetupOptions } from '../../src/cli/setup/types.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import {
  BOT_TOKEN,
  PUBLIC_URL,
  STRIPE_KEY,
  captureOutput,
  cliContext,
  createAdminGroup,
  drainUpdates,
  runInProcess,
  startSims,
  tempDir,
  type Sims,
} from './operator-harness.js';

type Scripted = {
  kind: 'input' | 'password' | 'confirm' | 'select';
  match: RegExp;
  answer: string | boolean;
};

/** A Prompter that answers from a script, in order, and checks each question is the expected one. */
function scriptedPrompter(script: Scripted[]): Prompter & { asked: string[]; remaining(): number } {
  const queue = [...script];
  const asked: string[] = [];
  const next = (
    kind: Scripted['kind'],
    message: string,
    validate?: (v: string) => true | string,
  ) => {
    asked.push(`${kind}: ${message}`);
    const step = queue.shift();
    if (!step) throw new Error(`unexpected ${kind} prompt: ${message}`);
    if (step.kind !== kind || !step.match.test(message)) {
      throw new Error(`expected ${step.kind} ${step.match}, got ${kind}: ${message}`);
    }
    if (validate && typeof step.answer === 'string') {
      const verdict = validate(step.answer);
      if (verdict !== true) throw new Error(`scripted answer rejected: ${verdict}`);
    }
    return step.answer;
  };
  return {
    asked,
    remaining: () => queue.length,
    async input(o) {
      const answer = next('input', o.message, o.validate) as string;
      return answer === '' ? (o.default ?? '') : answer;
    },
    async password(o) {
      return next('password', o.message, o.validate) as string;
    },
    async confirm(o) {
      return next('confirm', o.message) as boolean;
    },
    async select<T extends string>(o: { message: string; choices: { value: T }[] }) {
      const answer = next('select', o.message) as T;
      if (!o.choices.some((c) => c.value === answer)) throw new Error(`no choice ${answer}`);
      return answer;
    },
  };
}

const baseOptions = (over: Partial<SetupOptions> = {}): SetupOptions => ({
  nonInteractive: false,
  flags: {},
  linkTimeoutSeconds: 30,
  ...over,
});

describe('premiumbot setup', () => {
  let sims: Sims;
  const dbs: TestDb[] = [];
  beforeAll(async () => {
    sims = await startSims();
  });
  afterAll(async () => {
    await sims.close();
  });
  afterEach(async () => {
    for (const db of dbs.splice(0)) await db.destroy();
  });

  async function freshDatabaseUrl(): Promise<string> {
    const t = await createTestDb();
    dbs.push(t);
    return t.url;
  }

  it('drives the wizard with scripted answers to a working .env; doctor then passes every check', async () => {
    sims.telegram.control.reset();
    const { ownerId, chatId } = createAdminGroup(sims);
    // The owner pressed Start, so alerts reach them in private (doctor checks it).
    sims.telegram.control.fanSendsText(ownerId, '/start');
    // A group without topics first: the wizard must say what is wrong and keep waiting.
    const plain = createAdminGroup(sims, { isForum: false, title: 'Old group' });
    const cwd = tempDir();
    const databaseUrl = await freshDatabaseUrl();
    const output = captureOutput();
    output.when('Send /link in the group', () => {
      setTimeout(() => {
        sims.telegram.control.adminSends(plain.ownerId, plain.chatId, '/link');
        sims.telegram.control.adminSends(ownerId, chatId, '/link');
      }, 50);
    });
    const prompter = scriptedPrompter([
      { kind: 'password', match: /Bot token/, answer: '999:wrong-token' },
      { kind: 'password', match: /Bot token/, answer: BOT_TOKEN },
      { kind: 'input', match: /owners/, answer: '' }, // the /link sender is suggested
      { kind: 'password', match: /Stripe secret key/, answer: STRIPE_KEY },
      { kind: 'input', match: /Currency/, answer: '' },
      { kind: 'input', match: /Database/, answer: databaseUrl },
      { kind: 'input', match: /Public URL/, answer: PUBLIC_URL },
      { kind: 'select', match: /Product catalog/, answer: 'example' },
      { kind: 'confirm', match: /webhooks at/, answer: true },
    ]);
    const ctx = cliContext(cwd, sims.env, output);
    await runSetup(ctx, baseOptions({ systemdUnit: 'premiumbot.service' }), prompter);
    expect(prompter.remaining()).toBe(0);
    const text = output.text();
    expect(text).toContain('Telegram getMe failed: 401 Unauthorized'); // the wrong token, then asked again
    // The wrong token is the one malformed call, made on purpose.
    expect(sims.telegram.control.violations()).toMatchObject([
      { method: 'getMe', error_code: 401 },
    ]);
    expect(text).toContain('"Old group" does not have Topics enabled');
    expect(text).toContain(`Linked "Fans inbox" (id ${chatId})`);
    // The migrate step gives the install its id once; serve and doctor show the same one.
    const installId = /Install id: (pb_[a-z2-7]{12})/.exec(text)?.[1];
    expect(installId).toBeDefined();

    const envFile = path.join(cwd, '.env');
    expect(fs.statSync(envFile).mode & 0o777).toBe(0o600);
    const env = dotenv.parse(fs.readFileSync(envFile));
    expect(env).toMatchObject({
      BOT_TOKEN,
      ADMIN_CHAT_ID: String(chatId),
      ADMIN_USER_IDS: String(ownerId),
      STRIPE_API_KEY: STRIPE_KEY,
      DATABASE_URL: databaseUrl,
      PUBLIC_URL,
      TELEGRAM_API_ROOT: sims.env.TELEGRAM_API_ROOT,
      STRIPE_API_BASE: sims.env.STRIPE_API_BASE,
    });
    expect(env.TELEGRAM_WEBHOOK_SECRET).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(env.STRIPE_WEBHOOK_SECRET).toMatch(/^whsec_/);
    // The template's comments survive.
    expect(fs.readFileSync(envFile, 'utf8')).toContain('# --- Telegram ---');
    expect(fs.readdirSync(cwd).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(fs.readFileSync(path.join(cwd, 'premiumbot.service'), 'utf8')).toContain(
      `WorkingDirectory=${cwd}`,
    );

    const info = await sims.telegram.callApi('getWebhookInfo');
    expect(info).toMatchObject({
      kind: 'ok',
      result: { url: `${PUBLIC_URL}/telegram-webhook`, allowed_updates: [...ALLOWED_UPDATES] },
    });
    const group = sims.telegram.control.messages(chatId).map((m) => m.text ?? '');
    expect(group.some((t) => t.includes('premiumbot is linked'))).toBe(true);

    // Then `serve` starts from that .env, and doctor (run while it serves) passes every check.
    const signals = new EventEmitter();
    const serveOutput = captureOutput();
    const listening = new Promise<string>((resolve) =>
      serveOutput.when('Listening on', () => resolve(serveOutput.lines.at(-1) ?? '')),
    );
    const serving = run({
      argv: ['serve'],
      env: { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent' },
      cwd,
      output: serveOutput,
      signals,
    });
    const line = await Promise.race([
      listening,
      serving.then((code) => `serve exited with ${code}: ${serveOutput.text()}`),
    ]);
    expect(line).toMatch(/^Listening on http:\/\/127\.0\.0\.1:\d+/);
    const address = /(http:\/\/\S+)/.exec(line)?.[1] as string;
    expect((await fetch(`${address}/healthz`)).status).toBe(200);
    const doctor = await runInProcess(['doctor'], { cwd });
    expect(doctor.output).not.toMatch(/^✖/m);
    expect(doctor.output).not.toMatch(/^⚠/m);
    expect(doctor.output).toContain('Every check passed.');
    expect(doctor.output).toContain(`✔ install id: ${installId}`);
    expect(doctor.code).toBe(0);
    signals.emit('shutdown', 'SIGTERM');
    expect(await serving).toBe(0);
    expect(serveOutput.text()).toContain('Stopped cleanly.');

    // A re-run of one step keeps the existing answers as defaults.
    const again = scriptedPrompter([{ kind: 'input', match: /owners/, answer: '' }]);
    await runSetup(cliContext(cwd, {}, captureOutput()), baseOptions(), again, 'admins');
    expect(dotenv.parse(fs.readFileSync(envFile)).ADMIN_USER_IDS).toBe(String(ownerId));
  });

  it('--non-interactive takes every answer from flags and gets the same result', async () => {
    sims.telegram.control.reset();
    const { ownerId, chatId } = createAdminGroup(sims);
    sims.telegram.control.fanSendsText(ownerId, '/start');
    await drainUpdates(sims);
    const cwd = tempDir();
    const databaseUrl = await freshDatabaseUrl();
    const endpointsBefore = sims.stripe.control.list('webhook_endpoint').length;
    // Through the real command line: the flags are generated from the settings table.
    const result = await runInProcess(
      [
        'setup',
        '--non-interactive',
        '--bot-token',
        BOT_TOKEN,
        '--admin-chat-id',
        String(chatId),
        '--admin-user-ids',
        String(ownerId),
        '--stripe-api-key',
        STRIPE_KEY,
        '--database-url',
        databaseUrl,
        '--public-url',
        'https://other.example.invalid',
        '--catalog',
        path.resolve('templates/products.example.yaml'),
      ],
      { cwd, env: sims.env },
    );
    expect(result.output).toContain('Setup complete.');
    expect(result.code).toBe(0);
    const env = dotenv.parse(fs.readFileSync(path.join(cwd, '.env')));
    expect(env.STRIPE_WEBHOOK_SECRET).toMatch(/^whsec_/);
    expect(sims.stripe.control.list('webhook_endpoint').length).toBe(endpointsBefore + 1);
    const endpoint = sims.stripe.control
      .list<{ id: string; object: string; url: string; enabled_events: string[] }>(
        'webhook_endpoint',
      )
      .find((e) => e.url === 'https://other.example.invalid/stripe-webhook');
    expect(endpoint?.enabled_events.sort()).toEqual([...STRIPE_EVENTS].sort());
    const doctor = await runInProcess(['doctor'], { cwd });
    expect(doctor.output).toContain('Every check passed.');
    expect(doctor.code).toBe(0);
  });

  it('--non-interactive reports every missing answer at once, before doing anything', async () => {
    const cwd = tempDir();
    const output = captureOutput();
    await expect(
      runSetup(
        cliContext(cwd, sims.env, output),
        baseOptions({ nonInteractive: true, flags: { STRIPE_API_KEY: 'nope' } }),
        scriptedPrompter([]),
      ),
    ).rejects.toMatchObject({
      code: 'PB_ERR_CONFIG',
      problems: expect.arrayContaining([
        expect.stringContaining('BOT_TOKEN is missing (pass --bot-token'),
        expect.stringContaining('ADMIN_CHAT_ID is missing'),
        expect.stringContaining('ADMIN_USER_IDS is missing'),
        expect.stringContaining('STRIPE_API_KEY must start with sk_test_'),
      ]),
    });
    expect(fs.existsSync(path.join(cwd, '.env'))).toBe(false);
  });

  it('the admin-group step refuses a group where the bot cannot manage topics', async () => {
    sims.telegram.control.reset();
    const { chatId } = createAdminGroup(sims, { canManageTopics: false });
    const cwd = tempDir();
    await expect(
      runSetup(
        cliContext(cwd, sims.env, captureOutput()),
        baseOptions({ nonInteractive: true, flags: { BOT_TOKEN, ADMIN_CHAT_ID: String(chatId) } }),
        scriptedPrompter([]),
        'admin-group',
      ),
    ).rejects.toThrow(/without the "Manage Topics" right/);
  });

  it('a Ctrl-C while waiting for /link leaves no placeholder in .env; a re-run finishes it', async () => {
    sims.telegram.control.reset();
    const { ownerId, chatId } = createAdminGroup(sims);
    const cwd = tempDir();
    const output = captureOutput();
    const ctx = cliContext(cwd, sims.env, output);
    output.when('Send /link in the group', () => {
      setTimeout(() => ctx.signals.emit('shutdown', 'SIGINT'), 50);
    });
    await expect(
      runSetup(
        ctx,
        baseOptions(),
        scriptedPrompter([{ kind: 'password', match: /Bot token/, answer: BOT_TOKEN }]),
      ),
    ).rejects.toThrow(/Stopped waiting for \/link/);
    const envFile = path.join(cwd, '.env');
    const saved = dotenv.parse(fs.readFileSync(envFile));
    // Only validated answers are active; the template's examples stay commented out.
    expect(saved.BOT_TOKEN).toBe(BOT_TOKEN);
    for (const key of ['ADMIN_CHAT_ID', 'ADMIN_USER_IDS', 'STRIPE_API_KEY', 'METRICS_TOKEN']) {
      expect(saved[key], key).toBeUndefined();
    }
    expect(fs.readFileSync(envFile, 'utf8')).toMatch(/^# ADMIN_CHAT_ID=/m);

    // The interrupted step, run again, finishes: the answers saved so far are kept.
    const again = captureOutput();
    again.when('Send /link in the group', () => {
      setTimeout(() => sims.telegram.control.adminSends(ownerId, chatId, '/link'), 50);
    });
    await runSetup(
      cliContext(cwd, sims.env, again),
      baseOptions(),
      scriptedPrompter([]),
      'admin-group',
    );
    expect(dotenv.parse(fs.readFileSync(envFile))).toMatchObject({
      BOT_TOKEN,
      ADMIN_CHAT_ID: String(chatId),
    });
  });

  it('an unknown step is a usage error naming the steps', async () => {
    const result = await runInProcess(['setup', 'nope', '--non-interactive'], { cwd: tempDir() });
    expect(result.code).toBe(2);
    expect(result.output).toContain('Unknown setup step "nope"');
    expect(result.output).toContain(
      'bot, admin-group, admins, stripe, database, public-url, migrate, products, webhooks, systemd',
    );
  });
});
