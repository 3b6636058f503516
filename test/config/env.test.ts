import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig, readEnvironment } from '../../src/config/env.js';
import { ConfigError, UsageError } from '../../src/core/errors.js';

const valid = {
  BOT_TOKEN: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  ADMIN_CHAT_ID: '-1001234567890',
  ADMIN_USER_IDS: '11, 22',
  STRIPE_API_KEY: 'sk_test_abcdefghijklmnop',
  STRIPE_WEBHOOK_SECRET: 'whsec_aaaaaaaaaaaa, whsec_bbbbbbbbbbbb',
  TELEGRAM_WEBHOOK_SECRET: 'hook-secret_1',
};

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pb-env-'));
}

describe('loadConfig', () => {
  it('reports every missing value for serve at once', () => {
    let error: unknown;
    try {
      loadConfig({}, ['serve', 'webhook']);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const key of ['BOT_TOKEN', 'ADMIN_CHAT_ID', 'ADMIN_USER_IDS', 'TELEGRAM_WEBHOOK_SECRET']) {
      expect(problems).toContain(key);
    }
    // Stripe is optional (Telegram Stars need nothing): test/cli/rails-stars.test.ts.
    expect(problems).not.toContain('STRIPE_API_KEY');
    expect((error as ConfigError).kind).toBe('usage');
  });

  it('does not require the webhook secret in polling mode', () => {
    const { TELEGRAM_WEBHOOK_SECRET: _, ...rest } = valid;
    expect(() => loadConfig(rest, ['serve'])).not.toThrow();
  });

  it('parses values and applies defaults', () => {
    const config = loadConfig(valid, ['serve', 'webhook']);
    expect(config.adminUserIds).toEqual([11, 22]);
    expect(config.adminChatId).toBe(-1001234567890);
    expect(config.stripeWebhookSecrets).toEqual(['whsec_aaaaaaaaaaaa', 'whsec_bbbbbbbbbbbb']);
    expect(config.databaseUrl).toBe('sqlite:./data/premiumbot.db');
    expect(config.port).toBe(8080);
    expect(config.lowCreditAlertThreshold).toBe(5);
    expect(config.telegramApiRoot).toBe('https://api.telegram.org');
  });

  it('reports invalid values together with missing ones, without echoing secrets', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig(
        { BOT_TOKEN: 'not-a-token-SECRETVALUE', PORT: '99999', DATABASE_URL: 'mysql://x' },
        ['serve'],
      );
    } catch (err) {
      error = err as ConfigError;
    }
    const text = error!.problems.join('\n');
    expect(text).toContain('BOT_TOKEN must look like');
    expect(text).not.toContain('SECRETVALUE');
    expect(text).toContain('PORT must be at most 65535');
    expect(text).toContain('DATABASE_URL is not usable: the scheme "mysql:" is not supported');
    expect(text).toContain('ADMIN_CHAT_ID is missing');
  });

  it('refuses a CURRENCY Stripe does not support, naming it', () => {
    expect(loadConfig({ ...valid, CURRENCY: 'jpy' }, ['serve']).currency).toBe('jpy');
    expect(loadConfig({ ...valid, CURRENCY: 'kwd' }, ['serve']).currency).toBe('kwd');
    let error: ConfigError | undefined;
    try {
      loadConfig({ ...valid, CURRENCY: 'xyz' }, ['serve']);
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.join('\n')).toContain(
      'CURRENCY must be a currency Stripe supports, such as usd, eur or jpy',
    );
  });
});

describe('readEnvironment', () => {
  it('reads .env and lets the environment win', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, '.env'), 'PORT=9000\nCURRENCY=eur\n');
    const source = readEnvironment({ cwd: dir, env: { PORT: '9100', UNRELATED: 'x' } });
    const config = loadConfig(source);
    expect(config.port).toBe(9100);
    expect(config.currency).toBe('eur');
    expect(source.values.UNRELATED).toBeUndefined();
  });

  it('reports unknown keys in the env file with a suggestion', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, '.env'), 'BOT_TOKN=1\n');
    expect(() => loadConfig(readEnvironment({ cwd: dir, env: {} }))).toThrow(
      /BOT_TOKN .*did you mean BOT_TOKEN/,
    );
  });

  it('fails clearly when --env-file does not exist', () => {
    expect(() => readEnvironment({ cwd: tempDir(), env: {}, envFile: 'missing.env' })).toThrow(
      UsageError,
    );
  });
});

describe('describeConfig', () => {
  it('masks secrets and database passwords', () => {
    const lines = describeConfig({
      ...valid,
      DATABASE_URL: 'postgres://app:hunter2hunter2@db:5432/pb',
    }).join('\n');
    expect(lines).not.toContain('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(lines).not.toContain('sk_test_abcdefghijklmnop');
    expect(lines).not.toContain('hunter2');
    expect(lines).toContain('STRIPE_API_KEY=****mnop');
    expect(lines).toContain('ADMIN_USER_IDS=11, 22');
    expect(lines).toContain('PORT=8080 (default)');
  });
});
