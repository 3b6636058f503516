/**
 * Buying with Telegram Stars end to end, with both rails configured: the shop offers
 * "$5.00" and "⭐ 250"; the Stars invoice (XTR, one price, no provider token) carries our
 * payment row; the pre-checkout is answered ok; `successful_payment` grants once through the
 * payment processor — even when the same update is delivered 20 more times, with Telegram's
 * processed-update memory forgotten in between (ids restart, so only the charge id counts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeStarsPayload } from '../../src/core/payments/stars.js';
import {
  invoiceFromShop,
  openShop,
  startStarsEnv,
  starsState,
  type StarsEnv,
} from './stars-env.js';

describe('Telegram Stars purchase', () => {
  let env: StarsEnv;
  beforeAll(async () => {
    env = await startStarsEnv({ stripe: true });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('the shop shows "$5.00" and "⭐ 250" side by side with both rails', async () => {
    const fan = env.tg.control.createUser({ first_name: 'Shopper' }).id;
    const shop = await openShop(env, fan);
    expect(shop.buttons).toEqual([
      [
        { text: '10 credits — $5.00', callbackData: `buy:${env.productId}` },
        { text: '⭐ 250', callbackData: `stars:${env.productId}` },
      ],
    ]);
    expect(env.tg.control.violations()).toEqual([]);
  });

  it('/buy10 offers "⭐ 250" under the Checkout link', async () => {
    const { control } = env.tg;
    const fan = control.createUser({ first_name: 'Quick' }).id;
    control.fanSendsText(fan, '/buy10');
    const offer = await control.waitFor(
      () => control.messages(fan).find((m) => m.buttons.flat().some((b) => b.url)),
      10_000,
      'checkout link',
    );
    expect(offer.buttons.at(-1)).toEqual([
      { text: '⭐ 250', callbackData: `stars:${env.productId}` },
    ]);
  });

  it('invoice → pre-checkout ok → successful payment: +10 credits, one receipt, the sale on the card; 20 redeliveries credit nothing more', async () => {
    const { control } = env.tg;
    const fan = control.createUser({ first_name: 'Stella', language_code: 'en' }).id;
    const invoice = await invoiceFromShop(env, fan);

    // The invoice: XTR, one price of 250, no provider token, our pending row in the payload.
    const call = control.calls({ method: 'sendInvoice' }).at(-1)!;
    expect(call.params).toMatchObject({ currency: 'XTR', prices: [{ amount: 250 }] });
    expect(call.params).not.toHaveProperty('provider_token');
    const payload = decodeStarsPayload(String(call.params.payload))!;
    const row = (await env.db('transactions').where('id', payload.paymentId).first()) as Record<
      string,
      unknown
    >;
    expect(row).toMatchObject({
      user_id: fan,
      source: 'stars',
      status: 'pending',
      currency: 'xtr',
    });

    const query = control.startPreCheckout(fan, { invoiceMessageId: invoice.messageId });
    const answer = await control.waitFor(
      () => control.preCheckoutQuery(query)?.answer,
      10_000,
      'answer',
    );
    expect(answer.ok).toBe(true);
    const receipt = await control.waitFor(
      () =>
        control.messages(fan).find((m) => m.fromBot && m.text?.startsWith('✅ Payment received')),
      10_000,
      'receipt',
    );
    expect(receipt.text).toContain('⭐ 250');
    // The payment opened the fan's topic: the sale is on its card (issue 20), not in a note.
    const card = await control.waitFor(
      () =>
        control
          .messages(env.adminChatId)
          .find(
            (m) =>
              m.text?.includes(`id ${fan}`) &&
              m.buttons.flat().some((b) => b.callbackData?.startsWith('card:')),
          ),
      10_000,
      'fan card',
    );
    expect(card.text).toContain('Latest purchase: 10 credits — ⭐ 250 via Telegram Stars');
    expect(await starsState(env.db, fan)).toEqual({ credits: 10, grants: 1 });
    const [charge] = control.payments().filter((p) => p.userId === fan);
    const paid = (await env.db('transactions').where('id', payload.paymentId).first()) as Record<
      string,
      unknown
    >;
    expect(paid).toMatchObject({
      status: 'paid',
      currency: 'xtr',
      amount_paid_usd_cents: 250,
      charge_id: charge!.telegramChargeId,
      credits_granted: 10,
    });

    // The same successful_payment, 20 more times; every other time the processed update ids
    // are forgotten (Telegram restarts them; we keep them 7 days), so the handler runs again.
    const update = control
      .updates()
      .find(
        (u) =>
          (u.update.message as { successful_payment?: unknown } | undefined)?.successful_payment,
      )!.update;
    for (let i = 0; i < 20; i += 1) {
      if (i % 2 === 1) await env.db('telegram_updates').delete();
      const response = await env.runtime.app.inject({
        method: 'POST',
        url: '/telegram-webhook',
        headers: { 'x-telegram-bot-api-secret-token': env.webhookSecret },
        payload: update,
      });
      expect(response.statusCode).toBe(200);
    }
    expect(await starsState(env.db, fan)).toEqual({ credits: 10, grants: 1 });
    const jobs = (await env.db('outbox').where('fan_id', fan)) as { dedupe_key: string | null }[];
    const keys = jobs.map((j) => j.dedupe_key ?? '');
    expect(keys.filter((k) => k.startsWith('receipt:'))).toHaveLength(1);
    // One sale note job, folded into the card (sent: nothing to send).
    expect(keys.filter((k) => k.startsWith('sale:'))).toHaveLength(1);
    expect(control.messages(env.adminChatId).filter((m) => m.text?.startsWith('💰 Sale'))).toEqual(
      [],
    );
    const paidRows = await env.db('transactions').where({ user_id: fan, status: 'paid' });
    expect(paidRows).toHaveLength(1);
    expect(control.violations()).toEqual([]);
  });
});
