import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedTestDb, type TestDb } from '../helpers/db.js';
import {
  BOT_TOKEN,
  STRIPE_KEY,
  createAdminGroup,
  runInProcess,
  startSims,
  tempDir,
  type Sims,
} from './operator-harness.js';

describe('premiumbot doctor', () => {
  let sims: Sims;
  let t: TestDb;
  beforeAll(async () => {
    sims = await startSims();
    t = await createMigratedTestDb();
  });
  afterAll(async () => {
    await t.destroy();
    await sims.close();
  });

  it('prints one line per check and exits 1 when one fails, saying how to fix it', async () => {
    const { ownerId, chatId } = createAdminGroup(sims, { canManageTopics: false });
    const cwd = tempDir();
    fs.writeFileSync(
      path.join(cwd, '.env'),
      [
        `BOT_TOKEN=${BOT_TOKEN}`,
        `ADMIN_CHAT_ID=${chatId}`,
        `ADMIN_USER_IDS=${ownerId},42`,
        `STRIPE_API_KEY=${STRIPE_KEY}`,
        'STRIPE_WEBHOOK_SECRET=whsec_abc',
        `DATABASE_URL=${t.url}`,
        `TELEGRAM_API_ROOT=${sims.env.TELEGRAM_API_ROOT}`,
        `STRIPE_API_BASE=${sims.env.STRIPE_API_BASE}`,
      ].join('\n'),
      { mode: 0o644 },
    );
    const result = await runInProcess(['doctor'], { cwd });
    expect(result.code).toBe(1);
    const lines = result.output.split('\n').filter((l) => /^[✔⚠✖-] /.test(l));
    expect(lines.map((l) => l.split(':')[0])).toEqual([
      '✖ configuration file',
      '✔ settings',
      '✔ database',
      '✔ database schema',
      '✔ credit ledger',
      '✔ admin group budget',
      '⚠ install id',
      '⚠ product catalog',
      '✔ Telegram bot token',
      '✔ admin group',
      '✖ bot rights in the admin group',
      '⚠ owners in the admin group',
      '⚠ owners reachable in private',
      '- Telegram webhook',
      '✔ Stripe API key',
      '- Stripe webhook endpoint',
      '✔ Telegram Stars balance',
    ]);
    expect(result.output).toContain('chmod 600');
    expect(result.output).toMatch(
      /admin group budget: planned 19\.0 of 20 messages a minute \(5 % margin\), copyMessages counted per_message; 0 sent in the last minute/,
    );
    expect(result.output).toContain('turn on "Manage Topics"');
    expect(result.output).toContain('not in the admin group: 42');
    expect(result.output).toContain('Error [PB_ERR_CONFIG]: 2 of 17 checks failed.');
    expect(result.output).toContain('Run `premiumbot migrate` (or start `premiumbot serve`)');
  });

  it('shows the install id that `migrate` created once and keeps', async () => {
    const own = await createMigratedTestDb();
    try {
      const env = { DATABASE_URL: own.url };
      const first = await runInProcess(['migrate'], { cwd: tempDir(), env });
      expect(first.code).toBe(0);
      const installId = /Install id: (pb_[a-z2-7]{12})/.exec(first.output)?.[1];
      expect(installId).toBeDefined();
      const again = await runInProcess(['migrate'], { cwd: tempDir(), env });
      expect(again.output).toContain(`Install id: ${installId}`);
      const doctor = await runInProcess(['doctor'], { cwd: tempDir(), env });
      expect(doctor.output).toContain(`✔ install id: ${installId}`);
    } finally {
      await own.destroy();
    }
  });

  it('with nothing configured, names what is missing and skips what depends on it', async () => {
    const result = await runInProcess(['doctor'], { cwd: tempDir(), env: { DATABASE_URL: t.url } });
    expect(result.code).toBe(1);
    expect(result.output).toContain('⚠ configuration file: no .env file');
    expect(result.output).toMatch(/✖ settings: BOT_TOKEN is missing/);
    expect(result.output).toContain('✔ database');
    expect(result.output).toContain('- Telegram bot token: BOT_TOKEN is not set');
    expect(result.output).toContain('- Stripe API key: STRIPE_API_KEY is not set');
  });

  it('run in the wrong folder, creates no file and names the .env and database it looked for', async () => {
    const cwd = tempDir();
    const database = path.join(cwd, 'data', 'premiumbot.db');
    const result = await runInProcess(['doctor'], {
      cwd,
      env: { DATABASE_URL: `sqlite:${database}` },
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain(`no .env file at ${path.join(cwd, '.env')}`);
    expect(result.output).toContain(`✖ database: no database at ${database}`);
    expect(result.output).toContain('--env-file demo/.env');
    expect(fs.readdirSync(cwd)).toEqual([]);
  });
});
