/**
 * Pre-checkout refusals: between the invoice and the fan's Pay, the product was archived,
 * its Stars price changed, or the fan was frozen or banned. Telegram is answered ok=false
 * with a clear error_message at once, no payment happens and nothing is granted; the
 * invoice's row stays pending. Once the cause is gone, the same invoice can be paid.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProductStore } from '../../src/adapters/db/product-store.js';
import { invoiceFromShop, startStarsEnv, starsState, type StarsEnv } from './stars-env.js';

describe('Telegram Stars pre-checkout refusals', () => {
  let env: StarsEnv;
  beforeAll(async () => {
    env = await startStarsEnv({ stripe: false });
  });
  afterAll(async () => {
    await env?.close();
  });

  /** The fan taps Pay on `invoice`; resolves with Telegram's record of the bot's answer. */
  async function pay(fan: number, invoiceMessageId: number) {
    const { control } = env.tg;
    const query = control.startPreCheckout(fan, { invoiceMessageId });
    return control.waitFor(() => control.preCheckoutQuery(query)?.answer, 10_000, 'answer');
  }

  async function expectNothingGranted(fan: number) {
    expect(await starsState(env.db, fan)).toEqual({ credits: 0, grants: 0 });
    expect(env.tg.control.payments().filter((p) => p.userId === fan)).toEqual([]);
    const rows = (await env.db('transactions').where('user_id', fan)) as { status: string }[];
    expect(rows.map((r) => r.status)).toEqual(['pending']);
  }

  it('an archived product: refused ("no longer on sale"), nothing granted', async () => {
    const fan = env.tg.control.createUser({ first_name: 'Ari' }).id;
    const invoice = await invoiceFromShop(env, fan);
    const products = createProductStore(env.db);
    await products.setActive([env.productId], false);
    try {
      const answer = await pay(fan, invoice.messageId);
      expect(answer).toMatchObject({
        ok: false,
        error_message: 'This package is no longer on sale. Please choose another one with /buy.',
      });
      await expectNothingGranted(fan);
    } finally {
      await products.setActive([env.productId], true);
    }
  });

  it('a frozen fan: refused ("on hold"), nothing granted; unfrozen, the same invoice pays', async () => {
    const fan = env.tg.control.createUser({ first_name: 'Bo' }).id;
    const invoice = await invoiceFromShop(env, fan);
    // A dispute froze the fan after the invoice was sent.
    await env.db('users').where('id', fan).update({ is_frozen: true });
    const answer = await pay(fan, invoice.messageId);
    expect(answer.ok).toBe(false);
    expect(answer.error_message).toMatch(/^Payments are on hold for your account/);
    await expectNothingGranted(fan);

    await env.db('users').where('id', fan).update({ is_frozen: false });
    expect((await pay(fan, invoice.messageId)).ok).toBe(true);
    await env.tg.control.waitFor(
      () => env.tg.control.messages(fan).find((m) => m.text?.startsWith('✅ Payment received')),
      10_000,
      'receipt',
    );
    expect(await starsState(env.db, fan)).toEqual({ credits: 10, grants: 1 });
    // Paid: the invoice cannot be paid a second time.
    const again = await pay(fan, invoice.messageId);
    expect(again).toMatchObject({
      ok: false,
      error_message: expect.stringMatching(/already been paid/),
    });
  });

  it('a banned fan, or a Stars price changed since the invoice: refused, nothing granted', async () => {
    const banned = env.tg.control.createUser({ first_name: 'Cy' }).id;
    const first = await invoiceFromShop(env, banned);
    await env.db('users').where('id', banned).update({ is_banned: true });
    expect(await pay(banned, first.messageId)).toMatchObject({
      ok: false,
      error_message: 'Payments are not available for your account.',
    });
    await expectNothingGranted(banned);

    const fan = env.tg.control.createUser({ first_name: 'Di' }).id;
    const invoice = await invoiceFromShop(env, fan);
    await env.db('products').where('id', env.productId).update({ stars: 300 });
    try {
      const answer = await pay(fan, invoice.messageId);
      expect(answer).toMatchObject({
        ok: false,
        error_message: expect.stringMatching(/price of this package has changed/),
      });
      await expectNothingGranted(fan);
    } finally {
      await env.db('products').where('id', env.productId).update({ stars: 250 });
    }
    expect(env.tg.control.violations()).toEqual([]);
  });
});
