/**
 * Stars payments and refunds whose updates never reached the bot (the webhook was re-set
 * with drop_pending_updates while they waited) are applied from getStarTransactions — by the
 * upkeep job and by `premiumbot payments reconcile` — once per charge; an invoice left unpaid
 * for a day is expired, and paying it later is refused with a clear message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBotApi } from '../../src/adapters/telegram/bot-api.js';
import { reconcileStarsPayments } from '../../src/cli/tasks/stars-reconcile.js';
import { loadMessageCatalog } from '../../src/config/message-templates.js';
import { silentLogger } from '../../src/core/logger.js';
import { invoiceFromShop, startStarsEnv, starsState, type StarsEnv } from './stars-env.js';

describe('Stars reconcile and unpaid invoices', () => {
  let env: StarsEnv;
  let webhookUrl: string;
  beforeAll(async () => {
    env = await startStarsEnv({ stripe: false });
    const info = await env.tg.callApi('getWebhookInfo', {});
    webhookUrl = (info as { result: { url: string } }).result.url;
  });
  afterAll(async () => {
    await env?.close();
  });

  /** The bot stops receiving updates; `lose` happens; the webhook is re-set, dropping them. */
  async function whileUpdatesAreLost(lose: () => Promise<void>): Promise<void> {
    await env.tg.callApi('deleteWebhook', {});
    await lose();
    await env.tg.callApi('setWebhook', {
      url: webhookUrl,
      secret_token: env.webhookSecret,
      drop_pending_updates: true,
    });
  }

  /** The fan pays an invoice; the bot had answered the pre-checkout, then lost the update. */
  async function payWhileLost(fan: number): Promise<void> {
    const invoice = await invoiceFromShop(env, fan);
    await whileUpdatesAreLost(async () => {
      const query = env.tg.control.startPreCheckout(fan, { invoiceMessageId: invoice.messageId });
      await env.tg.callApi('answerPreCheckoutQuery', { pre_checkout_query_id: query, ok: true });
    });
  }

  const paid = async (fan: number) =>
    (await env.db('transactions').where({ user_id: fan }).orderBy('id')) as {
      status: string;
      charge_id: string | null;
    }[];

  it('the upkeep applies a lost payment and a lost refund once; a second run does nothing', async () => {
    const { control } = env.tg;
    const lost = control.createUser({ first_name: 'Lou', language_code: 'en' }).id;
    await payWhileLost(lost);
    expect(control.payments().filter((p) => p.userId === lost)).toHaveLength(1);
    expect(await starsState(env.db, lost)).toEqual({ credits: 0, grants: 0 });

    // Another fan paid normally; Telegram support refunded them while updates were lost.
    const refunded = control.createUser({ first_name: 'Rae' }).id;
    const invoice = await invoiceFromShop(env, refunded);
    control.startPreCheckout(refunded, { invoiceMessageId: invoice.messageId });
    await control.waitFor(
      () => control.messages(refunded).find((m) => m.text?.startsWith('✅ Payment received')),
      10_000,
      'receipt',
    );
    const charge = control.payments().find((p) => p.userId === refunded)!.telegramChargeId;
    await whileUpdatesAreLost(async () => {
      await env.tg.callApi('refundStarPayment', {
        user_id: refunded,
        telegram_payment_charge_id: charge,
      });
    });
    expect(await starsState(env.db, refunded)).toEqual({ credits: 10, grants: 1 });

    const upkeep = env.runtime.payments!.starsUpkeep;
    expect((await upkeep.run(new Date())).reconciled).toBe(2);
    expect(await starsState(env.db, lost)).toEqual({ credits: 10, grants: 1 });
    expect((await paid(lost)).map((r) => r.status)).toEqual(['paid']);
    expect(await starsState(env.db, refunded)).toEqual({ credits: 0, grants: 1 });
    expect((await paid(refunded)).map((r) => r.status)).toEqual(['refunded']);
    await control.waitFor(
      () => control.messages(lost).find((m) => m.text?.startsWith('✅ Payment received')),
      10_000,
      'the late receipt',
    );

    expect((await upkeep.run(new Date())).reconciled).toBe(0);
    expect(await starsState(env.db, lost)).toEqual({ credits: 10, grants: 1 });
    const receipts = (await env.db('outbox').where('fan_id', lost)).filter(
      (j: { dedupe_key: string | null }) => (j.dedupe_key ?? '').startsWith('receipt:'),
    );
    expect(receipts).toHaveLength(1);
    expect(control.violations()).toEqual([]);
  });

  it('premiumbot payments reconcile applies a lost Stars payment once', async () => {
    const { control } = env.tg;
    const fan = control.createUser({ first_name: 'Cli' }).id;
    await payWhileLost(fan);
    const run = () =>
      reconcileStarsPayments({
        db: env.db,
        api: createBotApi({ token: env.tg.token, apiRoot: env.tg.apiRoot }),
        sinceSeconds: 3600,
        nowSeconds: Math.floor(Date.now() / 1000),
        adminChatId: env.adminChatId,
        ownerIds: [env.ownerId],
        logger: silentLogger,
        templates: loadMessageCatalog(),
      });
    const first = await run();
    expect(first).toMatchObject({ paid: 1, refunded: 0 });
    expect(first.appliedCharges).toEqual([
      control.payments().find((p) => p.userId === fan)!.telegramChargeId,
    ]);
    expect(await starsState(env.db, fan)).toEqual({ credits: 10, grants: 1 });
    const second = await run();
    expect(second).toMatchObject({ paid: 0, refunded: 0 });
    expect(second.alreadyProcessed).toBe(second.listed);
    expect(await starsState(env.db, fan)).toEqual({ credits: 10, grants: 1 });
  });

  it('an invoice unpaid for a day is expired; paying it later is refused, nothing granted', async () => {
    const { control } = env.tg;
    const fan = control.createUser({ first_name: 'Late', language_code: 'en' }).id;
    const invoice = await invoiceFromShop(env, fan);
    const upkeep = env.runtime.payments!.starsUpkeep;
    expect((await upkeep.run(new Date())).expired).toBe(0);
    const tomorrow = new Date(Date.now() + 25 * 3600 * 1000);
    expect((await upkeep.run(tomorrow)).expired).toBe(1);
    expect((await paid(fan)).map((r) => r.status)).toEqual(['expired']);

    const query = control.startPreCheckout(fan, { invoiceMessageId: invoice.messageId });
    const answer = await control.waitFor(
      () => control.preCheckoutQuery(query)?.answer,
      10_000,
      'the refusal',
    );
    expect(answer).toMatchObject({
      ok: false,
      error_message: 'This invoice has expired. Please choose a package again with /buy.',
    });
    expect(await starsState(env.db, fan)).toEqual({ credits: 0, grants: 0 });
    expect(control.violations()).toEqual([]);
  });
});
