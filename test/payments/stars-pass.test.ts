/**
 * A time pass bought with Telegram Stars: the pass time is banked once, keyed on the
 * Telegram charge (`pass_grant:stars:<charge>`), the receipt names it, and the fan's next
 * message starts it for free — the same fulfilment as a pass bought through Stripe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openShop, startStarsEnv, type StarsEnv } from './stars-env.js';

describe('a time pass bought with Stars', () => {
  let env: StarsEnv;
  beforeAll(async () => {
    env = await startStarsEnv({ stripe: false, passStars: 750 });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('banks 1 hour once, and the next message starts it for free', async () => {
    const { control } = env.tg;
    const fan = control.createUser({ first_name: 'Tess' }).id;
    const shop = await openShop(env, fan);
    expect(shop.buttons).toEqual([
      [{ text: '10 credits — ⭐ 250', callbackData: `stars:${env.productId}` }],
      [{ text: '1 hour chat — ⭐ 750', callbackData: `stars:${env.passId}` }],
    ]);
    control.pressButton(fan, fan, shop.messageId, `stars:${env.passId}`);
    const invoice = await control.waitFor(
      () => control.messages(fan).find((m) => m.kind === 'invoice'),
      10_000,
      'invoice',
    );
    control.startPreCheckout(fan, { invoiceMessageId: invoice.messageId });
    const receipt = await control.waitFor(
      () => control.messages(fan).find((m) => m.text?.startsWith('✅ Payment received')),
      10_000,
      'receipt',
    );
    expect(receipt.text).toContain('1 hour');
    expect(receipt.text).toContain('⭐ 750');
    const user = (await env.db('users').where('id', fan).first()) as {
      time_credits_seconds: number;
    };
    expect(Number(user.time_credits_seconds)).toBe(3600);
    const grants = await env
      .db('credit_ledger')
      .where('user_id', fan)
      .where('idempotency_key', 'like', 'pass_grant:stars:%');
    expect(grants).toHaveLength(1);

    control.fanSendsText(fan, 'Hello!');
    await control.waitFor(
      () => control.messages(env.adminChatId).find((m) => m.text === 'Hello!'),
      10_000,
      'the relayed message',
    );
    // Relayed for free: the banked hour started (a pass start, no spend).
    const after = (await env.db('users').where('id', fan).first()) as {
      time_credits_seconds: number;
      pass_ends_at: unknown;
    };
    expect(Number(after.time_credits_seconds)).toBe(0);
    expect(after.pass_ends_at).not.toBeNull();
    const spends = await env.db('credit_ledger').where({ user_id: fan, kind: 'spend' });
    expect(spends).toHaveLength(0);
    expect(control.violations()).toEqual([]);
  });
});
