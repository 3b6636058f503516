/**
 * Issue 18 acceptance, on SQLite and Postgres, through the simulators: 20 concurrent presses
 * of "Unlock" by a fan with 100 credits charge 30 once and deliver the media once; a fan
 * with 10 credits is not charged and gets the shop with the shortfall; paying the item's
 * Checkout Session delivers it once even with the event delivered 20 times, and a refund of
 * it is recorded while nothing delivered is taken back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContentStore } from '../../src/adapters/db/content-store.js';
import type { StripeObject } from '../../src/sandbox/stripe/index.js';
import {
  expectNoViolations,
  fanWithTopic,
  lockAlbum,
  ppv,
  sentTo,
  startContentEnv,
  until,
  type ContentEnv,
} from './env.js';

/** The sendMediaGroup calls that reached a fan. */
function albumsTo(env: ContentEnv, fanId: number) {
  return env.tg.control
    .calls({ method: 'sendMediaGroup' })
    .filter((c) => c.params.chat_id === fanId && c.outcome === 'ok');
}

async function unlockEntries(env: ContentEnv, fanId: number) {
  return (await env.testDb.db('credit_ledger').where({ user_id: fanId, kind: 'unlock' })) as Array<
    Record<string, unknown>
  >;
}

describe('unlocking a vault item', () => {
  let env: ContentEnv;
  let itemId: number;
  beforeAll(async () => {
    env = await startContentEnv('unlock');
    itemId = (await lockAlbum(env, '30 Beach set --usd 5')).id;
  });
  afterAll(async () => {
    if (env) expectNoViolations(env);
    await env?.close();
  });

  it('20 concurrent presses by a fan with 100 credits: charged 30 once, delivered once', async () => {
    const { fan, threadId } = await fanWithTopic(env, 'Ada', 100);
    const teaser = await ppv(env, threadId, fan.id, `#${itemId}`);
    for (let i = 0; i < 20; i++) {
      env.tg.control.pressButton(fan.id, fan.id, teaser.messageId, `cu:${itemId}`);
    }
    await env.tg.control.waitFor(() => albumsTo(env, fan.id).length === 1, 15_000, 'the album');
    const note = await env.tg.control.waitFor(
      () =>
        env.tg.control
          .messages(env.adminChatId, { threadId })
          .find((m) => m.text?.includes('unlocked')),
      15_000,
      'the team note',
    );
    expect(note.text).toBe(`🔓 Ada unlocked #${itemId} "Beach set" (30 credits).`);
    // Every press answered; then nothing more arrives.
    await until(
      async () =>
        env.tg.control.calls({ method: 'answerCallbackQuery' }).filter((c) => c.outcome === 'ok')
          .length >= 20,
      'the 20 answers',
    );
    expect((await env.runtime.ledger.balance(fan.id)).credits).toBe(70);
    const entries = await unlockEntries(env, fan.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ idempotency_key: `unlock:${fan.id}:${itemId}` });
    expect(albumsTo(env, fan.id)).toHaveLength(1);
    const photos = sentTo(env, fan.id).filter(
      (m) => m.kind === 'photo' && !m.raw.has_media_spoiler,
    );
    expect(photos).toHaveLength(3);
    expect(await env.testDb.db('content_purchases').where({ user_id: fan.id })).toHaveLength(1);
  });

  it('a fan with 10 credits: no charge, the shop with the shortfall', async () => {
    const { fan, threadId } = await fanWithTopic(env, 'Bea', 10);
    const teaser = await ppv(env, threadId, fan.id, `#${itemId}`);
    env.tg.control.pressButton(fan.id, fan.id, teaser.messageId, `cu:${itemId}`);
    const shortfall = await env.tg.control.waitFor(
      () => sentTo(env, fan.id).find((m) => m.text?.startsWith('Not enough credits')),
      15_000,
      'the shortfall',
    );
    expect(shortfall.text).toContain('costs 30 credits and you have 10, so you need 20 more');
    const shop = await env.tg.control.waitFor(
      () =>
        sentTo(env, fan.id).find((m) =>
          m.buttons.flat().some((b) => b.callbackData?.startsWith('buy:')),
        ),
      15_000,
      'the shop',
    );
    expect(shop.messageId).toBeGreaterThan(shortfall.messageId);
    expect((await env.runtime.ledger.balance(fan.id)).credits).toBe(10);
    expect(await unlockEntries(env, fan.id)).toHaveLength(0);
    expect(albumsTo(env, fan.id)).toHaveLength(0);
  });

  it('Stripe: the Checkout delivers the media once with the event delivered 20 times; a refund is recorded', async () => {
    const { fan, threadId } = await fanWithTopic(env, 'Cyd', 0);
    const teaser = await ppv(env, threadId, fan.id, `#${itemId}`);
    env.tg.control.pressButton(fan.id, fan.id, teaser.messageId, `cp:${itemId}`);
    const offer = await env.tg.control.waitFor(
      () => sentTo(env, fan.id).find((m) => m.buttons.flat().some((b) => b.url)),
      15_000,
      'the Checkout link',
    );
    expect(offer.text).toContain('Beach set: $5.00');
    const url = offer.buttons.flat().find((b) => b.url)!.url!;
    const sessionId = /\/checkout\/(cs_[A-Za-z0-9_]+)/.exec(url)![1]!;
    env.stripeSim.control.pauseDeliveries();
    env.stripeSim.control.payCheckoutSession(sessionId);
    const completed = env.stripeSim.control
      .events()
      .find((e) => e.type === 'checkout.session.completed')!;
    env.stripeSim.control.redeliver(completed.id, { times: 19, concurrent: true });
    env.stripeSim.control.resumeDeliveries();
    await env.stripeSim.control.waitForDeliveries(30_000);
    await env.tg.control.waitFor(() => albumsTo(env, fan.id).length === 1, 15_000, 'the album');
    await env.tg.control.waitFor(
      () =>
        env.tg.control
          .messages(env.adminChatId, { threadId })
          .some((m) => m.text === `🔓 Cyd unlocked #${itemId} "Beach set" ($5.00).`),
      15_000,
      'the team note',
    );
    const payment = (await env.testDb
      .db('transactions')
      .where('checkout_session_id', sessionId)
      .first()) as Record<string, unknown>;
    expect(payment).toMatchObject({
      status: 'paid',
      amount_paid_usd_cents: 500,
      credits_granted: 0,
    });
    expect((await env.runtime.ledger.balance(fan.id)).credits).toBe(0);
    const purchases = await env.testDb.db('content_purchases').where({ user_id: fan.id });
    expect(purchases).toMatchObject([{ source: 'stripe', payment_id: payment.id }]);

    env.stripeSim.control.refund(String(payment.payment_intent_id));
    await env.stripeSim.control.waitForDeliveries(30_000);
    await until(async () => {
      const row = (await env.testDb
        .db('transactions')
        .where('id', Number(payment.id))
        .first()) as Record<string, unknown>;
      return row.status === 'refunded';
    }, 'the refund recorded');
    expect(await env.runtime.ledger.balance(fan.id)).toMatchObject({ credits: 0, debt: 0 });
    expect(await env.testDb.db('content_purchases').where({ user_id: fan.id })).toHaveLength(1);
    expect(albumsTo(env, fan.id)).toHaveLength(1);
    const figures = await createContentStore(env.testDb.db).listItems({ offset: 0, limit: 10 });
    const item = figures.items.find((i) => i.id === itemId)!;
    expect(item.figures).toMatchObject({
      sales: 2,
      credits: 30,
      moneyCents: 0,
      refundedCents: 500,
    });
    // No message reached the fan after the album but the refund notice.
    await env.tg.control.waitFor(
      () => sentTo(env, fan.id).some((m) => m.text?.toLowerCase().includes('refund')),
      15_000,
      'the refund notice',
    );
  });
  it('a lost dispute of a money unlock is recorded and takes nothing delivered back', async () => {
    const { fan, threadId } = await fanWithTopic(env, 'Dee', 0);
    const teaser = await ppv(env, threadId, fan.id, `#${itemId}`);
    env.tg.control.pressButton(fan.id, fan.id, teaser.messageId, `cp:${itemId}`);
    const offer = await env.tg.control.waitFor(
      () => sentTo(env, fan.id).find((m) => m.buttons.flat().some((b) => b.url)),
      15_000,
      'the Checkout link',
    );
    const url = offer.buttons.flat().find((b) => b.url)!.url!;
    const sessionId = /\/checkout\/(cs_[A-Za-z0-9_]+)/.exec(url)![1]!;
    env.stripeSim.control.payCheckoutSession(sessionId);
    await env.stripeSim.control.waitForDeliveries(30_000);
    await env.tg.control.waitFor(() => albumsTo(env, fan.id).length === 1, 15_000, 'the album');
    const payment = (await env.testDb
      .db('transactions')
      .where('checkout_session_id', sessionId)
      .first()) as { id: number; payment_intent_id: string };
    const charge = env.stripeSim.control.get<StripeObject & { latest_charge: string }>(
      payment.payment_intent_id,
    )!.latest_charge;
    const dispute = env.stripeSim.control.openDispute(charge);
    await env.stripeSim.control.waitForDeliveries(30_000);
    env.stripeSim.control.closeDispute(dispute.id, 'lost');
    await env.stripeSim.control.waitForDeliveries(30_000);
    await until(async () => {
      const row = (await env.testDb
        .db('transactions')
        .where('id', Number(payment.id))
        .first()) as Record<string, unknown>;
      return row.dispute_status === 'lost';
    }, 'the lost dispute recorded');
    expect(await env.runtime.ledger.balance(fan.id)).toMatchObject({ credits: 0, debt: 0 });
    expect(await env.testDb.db('content_purchases').where({ user_id: fan.id })).toHaveLength(1);
    expect(albumsTo(env, fan.id)).toHaveLength(1);
    expect(
      env.tg.control.calls({ method: 'deleteMessage' }).filter((c) => c.params.chat_id === fan.id),
    ).toHaveLength(0);
  });
});
