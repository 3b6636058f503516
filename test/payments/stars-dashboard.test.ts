/**
 * Stars on /admin: the revenue lines list Stars as their own currency next to money (never
 * added to it); with `payments.stars_rate` set, one line estimates their value, saying so.
 * The bot's Stars balance (getMyStarBalance, cached briefly) has its line too; a failure of
 * that call leaves the line out, never the dashboard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedStarBalance } from '../../src/adapters/telegram/star-transactions.js';
import type { BotApi } from '../../src/adapters/telegram/bot-api.js';
import { starsEstimate } from '../../src/core/stats/stars-estimate.js';
import { invoiceFromShop, startStarsEnv, type StarsEnv } from './stars-env.js';

describe('Stars revenue on the dashboard', () => {
  let env: StarsEnv;
  beforeAll(async () => {
    env = await startStarsEnv({ stripe: true });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('estimates exactly, half up, in the currency’s minor unit; nothing without Stars or a rate', () => {
    const stars = [
      { currency: 'usd', minor: 500 },
      { currency: 'xtr', minor: 250 },
    ];
    expect(starsEstimate(stars, '0.013', 'usd')).toEqual({
      stars: 250,
      minor: 325,
      currency: 'usd',
      rate: '0.013',
    });
    expect(starsEstimate([{ currency: 'xtr', minor: 1 }], '0.015', 'usd')?.minor).toBe(2);
    expect(starsEstimate([{ currency: 'xtr', minor: 1 }], '0.0149', 'usd')?.minor).toBe(1);
    expect(starsEstimate([{ currency: 'xtr', minor: 250 }], '2', 'jpy')?.minor).toBe(500);
    expect(starsEstimate(stars, '', 'usd')).toBeNull();
    expect(starsEstimate([{ currency: 'usd', minor: 500 }], '0.013', 'usd')).toBeNull();
  });

  it('lists ⭐ next to $, and the labelled estimate at the configured rate', async () => {
    const { control } = env.tg;
    const fan = control.createUser({ first_name: 'Dora' }).id;
    const invoice = await invoiceFromShop(env, fan);
    control.startPreCheckout(fan, { invoiceMessageId: invoice.messageId });
    await control.waitFor(
      () => control.messages(fan).find((m) => m.text?.startsWith('✅ Payment received')),
      10_000,
      'receipt',
    );
    await env.runtime.settings.set('payments.stars_rate', '0.013', { updatedBy: env.ownerId });
    const dashboards = () =>
      control.messages(env.adminChatId).filter((m) => m.text?.startsWith('📊'));
    // getMyStarBalance fails: the dashboard comes all the same, without the balance line.
    control.injectFault({
      fault: { type: 'server_error', status: 500 },
      count: 50,
      methods: ['getMyStarBalance'],
    });
    control.adminSendsInTopic(env.ownerId, env.adminChatId, env.panelThreadId, '/admin');
    const failed = await control.waitFor(() => dashboards()[0], 15_000, 'the dashboard');
    expect(failed.text).toContain('Today: ⭐ 250');
    expect(failed.text).not.toContain('Telegram Stars balance');
    control.clearFaults();
    control.adminSendsInTopic(env.ownerId, env.adminChatId, env.panelThreadId, '/admin');
    const dashboard = await control.waitFor(() => dashboards()[1], 15_000, 'the dashboard again');
    expect(dashboard.text).toContain('Today: ⭐ 250');
    expect(dashboard.text).toContain('Telegram Stars balance: ⭐ 250 (held by Telegram');
    expect(dashboard.text).toContain(
      'Telegram Stars, last 7 days: ⭐ 250 ≈ $3.25 at 0.013 USD per Star (an estimate',
    );
    expect(control.violations()).toEqual([]);
  });

  it('the balance is remembered briefly; a failure is not remembered', async () => {
    let calls = 0;
    let fail = false;
    let clock = 0;
    const api = {
      call: async () => {
        calls += 1;
        if (fail) throw new Error('down');
        return { amount: 40 + calls };
      },
    } as unknown as BotApi;
    const balance = cachedStarBalance(api, { ttlMs: 1000, now: () => clock });
    expect(await balance()).toBe(41);
    clock = 999;
    expect(await balance()).toBe(41);
    clock = 1000;
    fail = true;
    await expect(balance()).rejects.toThrow('down');
    fail = false;
    expect(await balance()).toBe(43);
    expect(calls).toBe(3);
  });
});
