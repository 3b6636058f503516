/**
 * Refunding Telegram Stars (issue 15), through the Telegram simulator on SQLite and Postgres:
 * the panel's refund of a Stars payment calls `refundStarPayment` once (a double tap refunds
 * once), takes the credits back through the ledger (`refund:stars:<charge>`) and tells the fan
 * in Stars; Telegram's `refunded_payment`, redelivered, applies nothing more; a refund made
 * elsewhere (Telegram support) arrives only as `refunded_payment` and is applied from it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBotApi } from '../../src/adapters/telegram/bot-api.js';
import { refundStarsPaymentCli } from '../../src/cli/commands/payments.js';
import { loadMessageCatalog } from '../../src/config/message-templates.js';
import { silentLogger } from '../../src/core/logger.js';
import type { MessageView } from '../../src/sandbox/telegram/control.js';
import {
  invoiceFromShop,
  openShop,
  startStarsEnv,
  starsState,
  type StarsEnv,
} from './stars-env.js';

const OUTDATED = 'This menu has moved on — use the buttons it shows now.';

describe('Telegram Stars refunds', () => {
  let env: StarsEnv;
  beforeAll(async () => {
    env = await startStarsEnv({ stripe: false });
  });
  afterAll(async () => {
    await env?.close();
  });

  /** The fan buys 10 credits for ⭐ 250; returns the Telegram charge id. */
  async function buy(name: string): Promise<{ fan: number; charge: string }> {
    const { control } = env.tg;
    const fan = control.createUser({ first_name: name, language_code: 'en' }).id;
    const invoice = await invoiceFromShop(env, fan);
    control.startPreCheckout(fan, { invoiceMessageId: invoice.messageId });
    await control.waitFor(
      () =>
        control.messages(fan).find((m) => m.fromBot && m.text?.startsWith('✅ Payment received')),
      10_000,
      'receipt',
    );
    const charge = control.payments().find((p) => p.userId === fan)!.telegramChargeId;
    return { fan, charge };
  }

  const topic = () =>
    env.tg.control
      .messages(env.adminChatId, { threadId: env.panelThreadId })
      .filter((m) => m.fromBot && m.kind !== 'service');

  function toastOf(queryId: string): Promise<string | undefined> {
    const { control } = env.tg;
    return control
      .waitFor(
        () =>
          control
            .calls({ method: 'answerCallbackQuery' })
            .find(
              (c) => (c.params as { callback_query_id?: string }).callback_query_id === queryId,
            ),
        10_000,
        'toast',
      )
      .then((c) => (c.params as { text?: string }).text);
  }

  function press(menu: MessageView, prefix: string): string {
    const now = env.tg.control.message(menu.chatId, menu.messageId)!;
    const data = now.buttons.flat().find((b) => b.text.startsWith(prefix))!.callbackData!;
    return env.tg.control.pressButton(env.ownerId, env.adminChatId, menu.messageId, data);
  }

  function fanTold(fan: number): MessageView[] {
    return env.tg.control
      .messages(fan)
      .filter((m) => m.fromBot && m.text?.startsWith('↩️ You were refunded ⭐ 250'));
  }

  async function refundRows(fan: number): Promise<unknown[]> {
    return env.db('credit_ledger').where({ user_id: fan, kind: 'refund' });
  }

  /** Sends the fan's `refunded_payment` update `times` more times, processed ids forgotten. */
  async function redeliverRefund(fan: number, times: number): Promise<void> {
    const update = env.tg.control.updates().find((u) => {
      const m = u.update.message as { refunded_payment?: unknown; from?: { id: number } };
      return m?.refunded_payment !== undefined && m.from?.id === fan;
    })!.update;
    for (let i = 0; i < times; i += 1) {
      await env.db('telegram_updates').delete();
      const response = await env.runtime.app.inject({
        method: 'POST',
        url: '/telegram-webhook',
        headers: { 'x-telegram-bot-api-secret-token': env.webhookSecret },
        payload: update,
      });
      expect(response.statusCode).toBe(200);
    }
  }

  it('refund through the panel → refundStarPayment called once, credits taken back, fan told; a double tap and redelivered refunded_payment apply once', async () => {
    const { control } = env.tg;
    const { fan, charge } = await buy('Rita');
    expect(await starsState(env.db, fan)).toEqual({ credits: 10, grants: 1 });

    control.adminSendsInTopic(env.ownerId, env.adminChatId, env.panelThreadId, `/users ${fan}`);
    const menu = await control.waitFor(
      () => topic().find((m) => m.text?.startsWith('👤 Rita')),
      10_000,
      'user menu',
    );
    press(menu, '💸 Refund last payment (⭐ 250)');
    await control.waitFor(
      () =>
        control.message(menu.chatId, menu.messageId)?.text?.includes('Refund ⭐ 250 of payment'),
      10_000,
      'confirmation',
    );
    const first = press(menu, '✅ Yes, refund ⭐ 250');
    const second = press(menu, '✅ Yes, refund ⭐ 250');
    const toasts = [await toastOf(first), await toastOf(second)];
    expect(toasts).toContain(OUTDATED);
    expect(toasts.find((t) => t !== OUTDATED)).toMatch(/^💸 ⭐ 250 refunded/);

    expect(control.calls({ method: 'refundStarPayment' })).toHaveLength(1);
    expect(control.calls({ method: 'refundStarPayment' })[0]!.params).toEqual({
      user_id: fan,
      telegram_payment_charge_id: charge,
    });
    const rows = await env.db('credit_ledger').where({ user_id: fan, kind: 'refund' });
    expect(rows.map((r: { idempotency_key: string }) => r.idempotency_key)).toEqual([
      `refund:stars:${charge}`,
    ]);
    expect((await starsState(env.db, fan)).credits).toBe(0);
    expect(await env.db('transactions').where('charge_id', charge).first()).toMatchObject({
      status: 'refunded',
      amount_refunded_cents: 250,
    });
    await control.waitFor(() => fanTold(fan)[0], 10_000, 'fan told');
    expect(await env.db('audit_log').where({ action: 'payments:refund' })).toHaveLength(1);

    // Telegram's refunded_payment about it, delivered again and again: nothing more.
    await control.waitFor(
      () =>
        control.updates().find((u) => {
          const m = u.update.message as { refunded_payment?: unknown } | undefined;
          return m?.refunded_payment !== undefined;
        }),
      10_000,
      'refunded_payment',
    );
    await redeliverRefund(fan, 5);
    expect(await refundRows(fan)).toHaveLength(1);
    expect((await starsState(env.db, fan)).credits).toBe(0);
    const keys = ((await env.db('outbox').where('fan_id', fan)) as { dedupe_key: string }[]).map(
      (j) => j.dedupe_key ?? '',
    );
    expect(keys.filter((k) => k === `refund:stars:${charge}`)).toHaveLength(1);
    expect(control.violations()).toEqual([]);
  }, 60_000);

  it('a refund made elsewhere (Telegram support) is applied from refunded_payment, once: credits down to zero, the used ones as debt', async () => {
    const { control } = env.tg;
    const { fan, charge } = await buy('Sam');
    control.fanSendsText(fan, 'hello team');
    await control.waitFor(
      () => control.messages(env.adminChatId).find((m) => m.text === 'hello team'),
      10_000,
      'relayed',
    );
    expect((await starsState(env.db, fan)).credits).toBe(9);
    await env.tg.callApi('refundStarPayment', { user_id: fan, telegram_payment_charge_id: charge });
    const told = await control.waitFor(() => fanTold(fan)[0], 10_000, 'fan told');
    expect(told.text).toContain('had already been used');
    await redeliverRefund(fan, 3);
    expect(await refundRows(fan)).toHaveLength(1);
    expect((await starsState(env.db, fan)).credits).toBe(0);
    const user = (await env.db('users').where('id', fan).first('credit_debt')) as {
      credit_debt: number;
    };
    expect(Number(user.credit_debt)).toBe(1);
    await control.waitFor(
      () =>
        control.messages(env.adminChatId).find((m) => m.text?.startsWith('↩️ Refund of ⭐ 250')),
      10_000,
      'topic note',
    );
    expect(control.violations()).toEqual([]);
  }, 60_000);

  it('premiumbot payments refund: a Stars payment refunded once, the credits taken back, the fan told; again: nothing to refund', async () => {
    const { control } = env.tg;
    const { fan, charge } = await buy('Cleo');
    const row = (await env.db('transactions').where('charge_id', charge).first()) as { id: number };
    const run = () =>
      refundStarsPaymentCli({
        db: env.db,
        api: createBotApi({ token: env.tg.token, apiRoot: env.tg.apiRoot }),
        paymentId: row.id,
        adminChatId: env.adminChatId,
        ownerIds: [env.ownerId],
        logger: silentLogger,
        templates: loadMessageCatalog(),
        nowSeconds: Math.floor(Date.now() / 1000),
      });
    expect(await run()).toEqual({ outcome: 'refunded', stars: 250, fanId: fan });
    const calls = control
      .calls({ method: 'refundStarPayment' })
      .filter((c) => (c.params as { user_id: number }).user_id === fan);
    expect(calls).toHaveLength(1);
    expect(await refundRows(fan)).toHaveLength(1);
    expect((await starsState(env.db, fan)).credits).toBe(0);
    await control.waitFor(() => fanTold(fan)[0], 10_000, 'fan told');
    await expect(run()).rejects.toThrow(/is refunded: there is nothing to refund/);
    await redeliverRefund(fan, 2);
    expect(await refundRows(fan)).toHaveLength(1);
    expect(control.violations()).toEqual([]);
  }, 60_000);

  it('the CLI refuses a payment that is not in Stars', async () => {
    await expect(
      refundStarsPaymentCli({
        db: env.db,
        api: createBotApi({ token: env.tg.token, apiRoot: env.tg.apiRoot }),
        paymentId: 999_999,
        ownerIds: [env.ownerId],
        logger: silentLogger,
        templates: loadMessageCatalog(),
        nowSeconds: Math.floor(Date.now() / 1000),
      }),
    ).rejects.toThrow(/There is no payment #999999/);
  });
});

describe('Telegram Stars refunds of a time pass', () => {
  let env: StarsEnv;
  beforeAll(async () => {
    env = await startStarsEnv({ stripe: false, passStars: 750 });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('a refunded pass takes its banked time back once (pass_revoke:stars:<charge>)', async () => {
    const { control } = env.tg;
    const fan = control.createUser({ first_name: 'Tom', language_code: 'en' }).id;
    const shop = await openShop(env, fan);
    control.pressButton(fan, fan, shop.messageId, `stars:${env.passId}`);
    const invoice = await control.waitFor(
      () => control.messages(fan).find((m) => m.kind === 'invoice'),
      10_000,
      'invoice',
    );
    control.startPreCheckout(fan, { invoiceMessageId: invoice.messageId });
    await control.waitFor(
      () => control.messages(fan).find((m) => m.text?.startsWith('✅ Payment received')),
      10_000,
      'receipt',
    );
    const charge = control.payments().find((p) => p.userId === fan)!.telegramChargeId;
    await env.tg.callApi('refundStarPayment', { user_id: fan, telegram_payment_charge_id: charge });
    const told = await control.waitFor(
      () =>
        control
          .messages(fan)
          .find((m) => m.fromBot && m.text?.startsWith('↩️ You were refunded ⭐ 750')),
      10_000,
      'fan told',
    );
    expect(told.text).toContain('1 hour');
    const user = (await env.db('users').where('id', fan).first()) as {
      time_credits_seconds: number;
    };
    expect(Number(user.time_credits_seconds)).toBe(0);
    const revokes = await env
      .db('credit_ledger')
      .where('user_id', fan)
      .where('idempotency_key', `pass_revoke:stars:${charge}`);
    expect(revokes).toHaveLength(1);
    expect(await env.db('transactions').where('charge_id', charge).first()).toMatchObject({
      status: 'refunded',
    });
    expect(control.violations()).toEqual([]);
  }, 60_000);
});
