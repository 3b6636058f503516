import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRIPE_EVENTS } from '../../src/adapters/stripe/webhook-endpoint.js';
import { ALLOWED_UPDATES } from '../../src/adapters/telegram/operator-api.js';
import {
  BOT_TOKEN,
  PUBLIC_URL,
  STRIPE_KEY,
  runInProcess,
  startSims,
  tempDir,
  type Sims,
} from './operator-harness.js';

type Endpoint = {
  id: string;
  object: string;
  url: string;
  enabled_events: string[];
  status: string;
};

describe('premiumbot set-webhooks', () => {
  let sims: Sims;
  let cwd: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    sims = await startSims();
    cwd = tempDir();
    env = {
      ...sims.env,
      BOT_TOKEN,
      STRIPE_API_KEY: STRIPE_KEY,
      PUBLIC_URL,
      TELEGRAM_WEBHOOK_SECRET: 'tg-secret_0123456789',
    };
    fs.writeFileSync(path.join(cwd, '.env'), '# my notes\nCURRENCY=eur\n', { mode: 0o644 });
  });
  afterAll(async () => {
    await sims.close();
  });

  const endpoints = () => sims.stripe.control.list<Endpoint>('webhook_endpoint');

  it('sets the Telegram webhook with the secret and the allowed updates, creates the Stripe endpoint and stores its secret', async () => {
    const result = await runInProcess(['set-webhooks'], { cwd, env });
    expect(result.code).toBe(0);
    const call = sims.telegram.control.calls({ method: 'setWebhook' }).at(-1);
    expect(call?.params).toMatchObject({
      url: `${PUBLIC_URL}/telegram-webhook`,
      secret_token: 'tg-secret_0123456789',
      allowed_updates: [...ALLOWED_UPDATES],
    });
    expect(endpoints()).toHaveLength(1);
    expect(endpoints()[0]).toMatchObject({
      url: `${PUBLIC_URL}/stripe-webhook`,
      status: 'enabled',
    });
    expect([...(endpoints()[0]?.enabled_events ?? [])].sort()).toEqual([...STRIPE_EVENTS].sort());
    const file = path.join(cwd, '.env');
    const content = fs.readFileSync(file, 'utf8');
    expect(content).toContain('# my notes');
    expect(dotenv.parse(content)).toMatchObject({
      CURRENCY: 'eur',
      STRIPE_WEBHOOK_SECRET: expect.stringMatching(/^whsec_/),
    });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(result.output).toContain('Stored its signing secret in STRIPE_WEBHOOK_SECRET');
    expect(sims.telegram.control.violations()).toEqual([]);
    expect(sims.stripe.control.violations()).toEqual([]);
  });

  it('a second run creates nothing', async () => {
    const secret = dotenv.parse(fs.readFileSync(path.join(cwd, '.env'))).STRIPE_WEBHOOK_SECRET;
    const creates = () =>
      sims.stripe.control
        .requests()
        .filter((r) => r.method === 'POST' && r.path === '/v1/webhook_endpoints').length;
    const before = creates();
    const result = await runInProcess(['set-webhooks'], { cwd, env });
    expect(result.code).toBe(0);
    expect(result.output).toContain('already up to date (nothing created)');
    expect(creates()).toBe(before);
    expect(endpoints()).toHaveLength(1);
    expect(dotenv.parse(fs.readFileSync(path.join(cwd, '.env'))).STRIPE_WEBHOOK_SECRET).toBe(
      secret,
    );
  });

  it('--check reports both and exits 0 when they are right', async () => {
    const result = await runInProcess(['set-webhooks', '--check'], { cwd, env });
    expect(result.output).toContain(`✔ Telegram: webhook ${PUBLIC_URL}/telegram-webhook`);
    expect(result.output).toMatch(
      /✔ Stripe: endpoint we_\w+ → https:\/\/bot\.example\.invalid\/stripe-webhook \(enabled\)/,
    );
    expect(result.code).toBe(0);
  });

  it('--check exits 1 and names each problem when they are not', async () => {
    await sims.telegram.callApi('setWebhook', {
      url: 'https://elsewhere.invalid/hook',
      allowed_updates: ['message'],
    });
    const endpoint = endpoints()[0] as Endpoint;
    const stripe = await fetch(`${sims.env.STRIPE_API_BASE}/v1/webhook_endpoints/${endpoint.id}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${STRIPE_KEY}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'disabled=true&enabled_events[0]=charge.refunded',
    });
    expect(stripe.status).toBe(200);
    const result = await runInProcess(['set-webhooks', '--check'], { cwd, env });
    expect(result.code).toBe(1);
    expect(result.output).toContain('the webhook points at https://elsewhere.invalid/hook');
    expect(result.output).toContain('allowed_updates lacks edited_message');
    expect(result.output).toContain('is disabled');
    expect(result.output).toContain('does not receive checkout.session.completed');
    expect(result.output).toContain('Hint: Run `premiumbot set-webhooks` to fix them.');

    // set-webhooks repairs both without creating a second endpoint.
    const fixed = await runInProcess(['set-webhooks'], { cwd, env });
    expect(fixed.code).toBe(0);
    expect(fixed.output).toMatch(/updated: added events .*; re-enabled it/);
    expect(endpoints()).toHaveLength(1);
    expect((await runInProcess(['set-webhooks', '--check'], { cwd, env })).code).toBe(0);
  });

  it('an existing endpoint without a locally known secret is an error that names both ways out', async () => {
    const other = tempDir();
    const result = await runInProcess(['set-webhooks'], { cwd: other, env });
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      'Stripe only reveals a signing secret when an endpoint is created',
    );
    expect(result.output).toContain('--recreate-stripe-endpoint');
    const recreated = await runInProcess(['set-webhooks', '--recreate-stripe-endpoint'], {
      cwd: other,
      env,
    });
    expect(recreated.code).toBe(0);
    expect(endpoints()).toHaveLength(1);
    expect(dotenv.parse(fs.readFileSync(path.join(other, '.env'))).STRIPE_WEBHOOK_SECRET).toMatch(
      /^whsec_/,
    );
  });

  it('without PUBLIC_URL it is a configuration error (exit 2)', async () => {
    const result = await runInProcess(['set-webhooks'], {
      cwd: tempDir(),
      env: { ...env, PUBLIC_URL: '' },
    });
    expect(result.code).toBe(2);
    expect(result.output).toContain('PUBLIC_URL is missing');
  });
});
