/**
 * A 30-day pass sold as a Telegram Star subscription: the shop's button leads to an invoice
 * link (createInvoiceLink with subscription_period 2592000); the first payment banks 30 days;
 * each renewal Telegram charges (successful_payment with is_recurring, a new charge id)
 * extends the pass once — even redelivered; a cancelled or failed renewal (Telegram sends
 * nothing) is told to the fan and noted in their topic once, by the Stars upkeep.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../adapters/telegram/panel-harness.js';
import { openShop, startStarsEnv, type StarsEnv } from './stars-env.js';

const DAYS_30 = 2_592_000;

describe('Star subscriptions', () => {
  let env: StarsEnv;
  beforeAll(async () => {
    env = await startStarsEnv({ stripe: false, subscriptionStars: 900 });
  });
  afterAll(async () => {
    await env?.close();
  });

  const seconds = async (fan: number) =>
    Number(
      (
        (await env.db('users').where('id', fan).first('time_credits_seconds')) as {
          time_credits_seconds: number;
        }
      ).time_credits_seconds,
    );
  const grants = async (fan: number) =>
    (await env
      .db('credit_ledger')
      .where('user_id', fan)
      .where('idempotency_key', 'like', 'pass_grant:stars:%')) as unknown[];
  const subscription = async (fan: number) =>
    (await env.db('star_subscriptions').where('user_id', fan).first()) as
      | { status: string; expires_at: unknown; last_charge_id: string; first_charge_id: string }
      | undefined;
  const texts = (chatId: number, prefix: string) =>
    env.tg.control.messages(chatId).filter((m) => m.text?.startsWith(prefix));

  /** The fan subscribes from the shop: the link's button, Pay, the first payment's receipt. */
  async function subscribe(fan: number): Promise<string> {
    const { control } = env.tg;
    const shop = await openShop(env, fan);
    control.pressButton(fan, fan, shop.messageId, `stars:${env.subscriptionId}`);
    const offer = await control.waitFor(
      () => control.messages(fan).find((m) => m.buttons.flat().some((b) => b.url?.includes('$'))),
      10_000,
      'subscription link',
    );
    const url = offer.buttons.flat().find((b) => b.url)!.url!;
    const query = control.fanOpensInvoiceLink(fan, url);
    const answer = await control.waitFor(
      () => control.preCheckoutQuery(query)?.answer,
      10_000,
      'pre-checkout answer',
    );
    expect(answer.ok).toBe(true);
    await eventually(() => subscription(fan), 10_000, 'subscription row');
    return control.payments().find((p) => p.userId === fan)!.telegramChargeId;
  }

  it('subscribes through an invoice link; each renewal extends the pass once, redeliveries credit nothing', async () => {
    const { control } = env.tg;
    const fan = control.createUser({ first_name: 'Sam', language_code: 'en' }).id;
    const first = await subscribe(fan);
    const link = control.calls({ method: 'createInvoiceLink' }).at(-1)!;
    expect(link.params).toMatchObject({
      currency: 'XTR',
      prices: [{ amount: 900 }],
      subscription_period: DAYS_30,
    });
    expect(control.calls({ method: 'sendInvoice' })).toHaveLength(0);
    await control.waitFor(() => texts(fan, '✅ Payment received')[0], 10_000, 'first receipt');
    expect(await seconds(fan)).toBe(DAYS_30);
    const started = (await subscription(fan))!;
    expect(started).toMatchObject({
      status: 'active',
      first_charge_id: first,
      last_charge_id: first,
    });

    const renewal = control.renewSubscription(fan, first)!;
    expect(renewal).not.toBeNull();
    await eventually(
      async () => ((await grants(fan)).length === 2 ? true : undefined),
      10_000,
      'the renewal grant',
    );
    expect(await seconds(fan)).toBe(2 * DAYS_30);
    const renewed = (await subscription(fan))!;
    expect(renewed).toMatchObject({ status: 'active', last_charge_id: renewal });
    const end = (value: unknown) => new Date(value as string | number | Date).getTime();
    expect(end(renewed.expires_at) - end(started.expires_at)).toBe(DAYS_30 * 1000);
    await control.waitFor(() => texts(fan, '✅ Payment received')[1], 10_000, 'renewal receipt');

    // The renewal's update, five more times with the processed update ids forgotten.
    const update = control
      .updates()
      .filter(
        (u) =>
          (u.update.message as { successful_payment?: { telegram_payment_charge_id: string } })
            ?.successful_payment?.telegram_payment_charge_id === renewal,
      )[0]!.update;
    expect(
      (update.message as { successful_payment: Record<string, unknown> }).successful_payment,
    ).toMatchObject({ is_recurring: true });
    for (let i = 0; i < 5; i += 1) {
      await env.db('telegram_updates').delete();
      const response = await env.runtime.app.inject({
        method: 'POST',
        url: '/telegram-webhook',
        headers: { 'x-telegram-bot-api-secret-token': env.webhookSecret },
        payload: update,
      });
      expect(response.statusCode).toBe(200);
    }
    expect(await grants(fan)).toHaveLength(2);
    expect(await seconds(fan)).toBe(2 * DAYS_30);
    const rows = await env.db('transactions').where({ user_id: fan, status: 'paid' });
    expect(rows).toHaveLength(2);
    expect(control.violations()).toEqual([]);
  });

  it('a cancelled renewal, and one that fails, are told to the fan and noted in the topic once', async () => {
    const { control } = env.tg;
    const quitter = control.createUser({ first_name: 'Quinn', language_code: 'en' }).id;
    const broke = control.createUser({ first_name: 'Bea', language_code: 'fr' }).id;
    const a = await subscribe(quitter);
    const b = await subscribe(broke);

    control.fanCancelsSubscription(quitter, a);
    expect(control.renewSubscription(quitter, a)).toBeNull();
    expect(control.renewSubscription(broke, b, { fail: true })).toBeNull();

    const upkeep = env.runtime.payments!.starsUpkeep;
    // Before the period ends (and its grace), nothing is said.
    expect((await upkeep.run(new Date())).lapsed).toBe(0);
    const ends = end((await subscription(quitter))!.expires_at);
    const later = new Date(ends + 2 * 3600 * 1000);
    expect((await upkeep.run(later)).lapsed).toBe(2);
    expect((await upkeep.run(later)).lapsed).toBe(0);

    const told = await control.waitFor(
      () => texts(quitter, '🔁 Your Stars subscription')[0],
      10_000,
      'the fan is told',
    );
    expect(told.text).toContain('30 days chat');
    await control.waitFor(
      () => texts(broke, '🔁 Votre abonnement Stars')[0],
      10_000,
      'the French fan is told',
    );
    await control.waitFor(
      () =>
        texts(env.adminChatId, '🔁 Stars subscription not renewed').length === 2 ? true : undefined,
      10_000,
      'two topic notes',
    );
    expect(texts(quitter, '🔁')).toHaveLength(1);
    expect((await subscription(quitter))!.status).toBe('lapsed');
    // The pass already paid for stays: nothing taken back.
    expect(await seconds(quitter)).toBe(DAYS_30);
    expect(control.violations()).toEqual([]);
  });
  it('refunding a subscription’s payment ends it: no renewal, no lapse notice', async () => {
    const { control } = env.tg;
    const fan = control.createUser({ first_name: 'Rita', language_code: 'en' }).id;
    const charge = await subscribe(fan);
    await env.tg.callApi('refundStarPayment', { user_id: fan, telegram_payment_charge_id: charge });
    await eventually(
      async () => ((await subscription(fan))?.status === 'refunded' ? true : undefined),
      10_000,
      'the subscription ended by the refund',
    );
    expect(control.renewSubscription(fan, charge)).toBeNull();
    expect(await seconds(fan)).toBe(0);
    const ends = end((await subscription(fan))!.expires_at);
    await env.runtime.payments!.starsUpkeep.run(new Date(ends + 2 * 3600 * 1000));
    expect(texts(fan, '🔁')).toHaveLength(0);
    expect(control.violations()).toEqual([]);
  });
  it('/products sells a pass as a Star subscription or once; the shop’s button follows', async () => {
    const { control } = env.tg;
    const flag = async () =>
      (
        (await env.db('products').where('id', env.subscriptionId).first('stars_subscription')) as {
          stars_subscription: unknown;
        }
      ).stars_subscription;
    const panel = () =>
      control.messages(env.adminChatId, { threadId: env.panelThreadId }).filter((m) => m.fromBot);
    control.adminSendsInTopic(
      env.ownerId,
      env.adminChatId,
      env.panelThreadId,
      `/products ${env.subscriptionId}`,
    );
    const card = await control.waitFor(
      () => panel().find((m) => m.text?.startsWith('30 days chat')),
      10_000,
      'the product card',
    );
    expect(card.text).toContain('⭐ 900 — a Star subscription, renewed every 30 days');
    const press = (label: string) => {
      const now = control.message(card.chatId, card.messageId)!;
      const data = now.buttons.flat().find((b) => b.text === label)!.callbackData!;
      control.pressButton(env.ownerId, env.adminChatId, card.messageId, data);
    };
    press('🔁 Sell once, not as a subscription');
    await control.waitFor(
      () =>
        control
          .message(card.chatId, card.messageId)
          ?.buttons.flat()
          .some((b) => b.text === '🔁 Sell as a Star subscription'),
      10_000,
      'the card sold once',
    );
    expect(Boolean(await flag())).toBe(false);

    const fan = control.createUser({ first_name: 'Once' }).id;
    const shop = await openShop(env, fan);
    control.pressButton(fan, fan, shop.messageId, `stars:${env.subscriptionId}`);
    await control.waitFor(
      () => control.messages(fan).find((m) => m.kind === 'invoice'),
      10_000,
      'a one-off invoice',
    );

    press('🔁 Sell as a Star subscription');
    await control.waitFor(
      () =>
        control
          .message(card.chatId, card.messageId)
          ?.text?.includes('a Star subscription, renewed'),
      10_000,
      'the card sold as a subscription',
    );
    expect(Boolean(await flag())).toBe(true);
    const actions = (await env.db('audit_log').select('action')) as { action: string }[];
    expect(actions.filter((a) => a.action === 'products:stars_subscription')).toHaveLength(2);
    expect(control.violations()).toEqual([]);
  });
});

function end(value: unknown): number {
  return new Date(value as string | number | Date).getTime();
}
