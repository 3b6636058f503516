import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createDb } from '../../src/adapters/db/knex.js';
import { createTestDb, testDialect } from '../helpers/db.js';
import { EXPECTED_TABLES } from '../helpers/schema.js';

describe('premiumbot executable', () => {
  it('--help lists every command of DESIGN §2', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of [
      'setup',
      'migrate',
      'set-webhooks',
      'products',
      'serve',
      'doctor',
      'sandbox',
    ]) {
      expect(stdout).toMatch(new RegExp(`^\\s+${command}\\b.*\\S`, 'm'));
    }
    expect(stdout).toContain('--env-file');
  });

  it('--version prints the package version', async () => {
    const { code, stdout } = await runCli(['--version']);
    const pkg = JSON.parse(
      fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('serve with an empty environment exits 2 and names every missing variable at once', async () => {
    const { code, stderr } = await runCli(['serve']);
    expect(code).toBe(2);
    for (const key of ['BOT_TOKEN', 'ADMIN_CHAT_ID', 'ADMIN_USER_IDS', 'TELEGRAM_WEBHOOK_SECRET']) {
      expect(stderr).toContain(key);
    }
    // Stripe is optional: without it fans pay with Telegram Stars (test/cli/rails-stars.test.ts).
    expect(stderr).not.toContain('STRIPE_API_KEY');
    expect(stderr.match(/^Error/gm)).toHaveLength(1);
    expect(stderr).toContain('Hint:');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('serve on a database with pending migrations exits 2 like every command', async () => {
    const empty = await createTestDb();
    await empty.db.raw('select 1'); // the database exists, with no migration applied
    try {
      const { code, stderr } = await runCli(['serve'], {
        env: {
          BOT_TOKEN: '123456:TEST-TOKEN',
          ADMIN_CHAT_ID: '-1001234567890',
          ADMIN_USER_IDS: '42',
          STRIPE_API_KEY: 'sk_test_pendingmigrations',
          STRIPE_WEBHOOK_SECRET: 'whsec_pending',
          TELEGRAM_WEBHOOK_SECRET: 'pending-migrations-secret',
          DATABASE_URL: empty.url,
        },
      });
      expect(code).toBe(2);
      expect(stderr).toContain('migration(s) pending');
      expect(stderr).toContain('Run `premiumbot migrate` first.');
    } finally {
      await empty.destroy();
    }
  });

  it('an unsupported DATABASE_URL exits 2 with a clear message', async () => {
    const { code, stderr } = await runCli(['migrate'], { env: { DATABASE_URL: 'mysql://x' } });
    expect(code).toBe(2);
    expect(stderr).toContain('DATABASE_URL is not usable: the scheme "mysql:" is not supported');
  });

  it('an unknown command or action is a usage error (exit 2)', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    const bad = await runCli(['migrate', 'sideways'], { env: { DATABASE_URL: 'sqlite::memory:' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown migrate action');
  });

  it('--env-file is read and the environment wins over it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-cli-'));
    fs.writeFileSync(path.join(dir, 'custom.env'), 'DATABASE_URL=mysql://from-file\n');
    const fromFile = await runCli(['--env-file', 'custom.env', 'migrate', 'status'], { cwd: dir });
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toContain('mysql://from-file');
    const envWins = await runCli(['--env-file', 'custom.env', 'migrate', 'status'], {
      cwd: dir,
      env: { DATABASE_URL: `sqlite:${path.join(dir, 'x.db')}` },
    });
    expect(envWins.code).toBe(0);
  });
});

describe(`premiumbot migrate on ${testDialect}`, () => {
  it('creates every table, reports status, rolls back to zero and migrates again', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-mig-'));
    const t = testDialect === 'sqlite' ? undefined : await createTestDb();
    const url = t?.url ?? `sqlite:${path.join(dir, 'nested/folder/db.sqlite')}`;
    const env = { DATABASE_URL: url };
    try {
      const first = await runCli(['migrate'], { env });
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/Applied \d+ migrations?/);
      if (!t) expect(fs.existsSync(path.join(dir, 'nested/folder/db.sqlite'))).toBe(true);
      const db = t?.db ?? createDb(url);
      try {
        for (const table of EXPECTED_TABLES)
          expect(await db.schema.hasTable(table), table).toBe(true);
        await expect(db('user_dashboard').select()).resolves.toEqual([]);
      } finally {
        if (!t) await db.destroy();
      }

      const again = await runCli(['migrate', 'latest'], { env });
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('Already up to date');

      const status = await runCli(['migrate', 'status'], { env });
      expect(status.code).toBe(0);
      expect(status.stdout).toContain('nothing pending');

      let rollbacks = 0;
      for (;;) {
        const rb = await runCli(['migrate', 'rollback'], { env });
        expect(rb.code).toBe(0);
        if (rb.stdout.includes('Nothing to roll back')) break;
        rollbacks++;
        expect(rollbacks).toBeLessThan(50);
      }
      expect(rollbacks).toBeGreaterThan(0);
      const pending = await runCli(['migrate', 'status'], { env });
      expect(pending.stdout).toMatch(/\d+ pending, 0 applied/);

      const back = await runCli(['migrate'], { env });
      expect(back.code).toBe(0);
      expect(back.stdout).toMatch(/Applied \d+ migrations?/);
    } finally {
      await t?.destroy();
    }
  });
});
