/**
 * Acceptance (issue 14, /users) through the Telegram and Stripe simulators, on SQLite and on
 * Postgres: a fan is found by a fragment of the name, by @username and by id; gift (credits
 * and pass time), ban, tier, note, unfreeze and refund each change the state once — a double
 * tap acts once — and appear in /audit. Payments, the dispute and the refund are real Stripe
 * simulator objects and events; the refund goes through the `charge.refunded` handler.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeObject } from '../../../src/sandbox/stripe/index.js';
import type { MessageView } from '../../../src/sandbox/telegram/control.js';
import { buyTenCredits } from '../../payments/bot-env.js';
import { topicOf } from './fan-harness.js';
import {
  answerOf,
  botMessagesInTopic,
  command,
  current,
  eventually,
  press,
  until,
} from './panel-harness.js';
import { startPanelBotEnv, type PanelBotEnv } from './panel-bot-env.js';

const OUTDATED = 'This menu has moved on — use the buttons it shows now.';

describe('/users', () => {
  let env: PanelBotEnv;
  let fan: { id: number; first_name: string };
  beforeAll(async () => {
    env = await startPanelBotEnv('users');
    fan = env.tg.control.createUser({
      first_name: 'Fiona',
      last_name: 'Fernsby <b>',
      username: 'fiona_f',
    });
    await buyTenCredits(env, fan.id);
    await buyAgain(fan.id);
    await topicOf(env.tg, env.adminChatId, 'Fiona');
  }, 60_000);
  afterAll(async () => {
    await env?.close();
  });

  /** A second /buy10 (buyTenCredits follows the first checkout link the fan got). */
  async function buyAgain(fanId: number) {
    const links = () =>
      env.tg.control.messages(fanId).filter((m) => m.buttons.flat().some((b) => b.url));
    const before = links().length;
    env.tg.control.fanSendsText(fanId, '/buy10');
    const offer = await env.tg.control.waitFor(() => links()[before], 10_000, 'checkout link');
    const url = offer.buttons.flat().find((b) => b.url)!.url!;
    env.stripeSim.control.payCheckoutSession(/\/checkout\/(cs_[A-Za-z0-9_]+)/.exec(url)![1]!);
    await env.stripeSim.control.waitForDeliveries(30_000);
  }

  const user = async () =>
    (await env.testDb.db('users').where('id', fan.id).first()) as Record<string, unknown>;
  const audits = (action: string) => env.testDb.db('audit_log').where({ action, fan_id: fan.id });

  /** Two taps on one button: exactly one acts, the other is told the menu moved on. */
  async function doubleTap(menu: MessageView, prefix: string, by = env.ownerId) {
    const first = press(env.panel, by, menu, prefix);
    const second = press(env.panel, by, menu, prefix);
    const toasts = [
      (await answerOf(env.panel, first)).text,
      (await answerOf(env.panel, second)).text,
    ];
    expect(toasts).toContain(OUTDATED);
    return toasts.find((t) => t !== OUTDATED);
  }

  it('finds the fan by a fragment of the name, by @username and by id', async () => {
    for (const query of ['ernsb', '@FIONA_F', String(fan.id)]) {
      const menu = await command(env.panel, env.adminId, `/users ${query}`);
      expect(menu.text).toMatch(/^👤 Fiona Fernsby <b>\n@fiona_f · id \d+/);
      expect(menu.text).toContain('Total spent: $10.00');
      expect(menu.text).toMatch(/💳 Payments \(2\)/);
    }
    const none = await command(env.panel, env.adminId, '/users zzzz');
    expect(none.text).toMatch(/^👥 Fans matching “zzzz” — 0/);
    const list = await command(env.panel, env.adminId, '/users');
    expect(list.text).toMatch(/^👥 Fans — 💰 By spend · \d+/);
    expect(list.text).toContain('Fiona Fernsby <b> @fiona_f');
  });

  it('gift, ban, tier and note each change the state once and are audited', async () => {
    const menu = await command(env.panel, env.ownerId, `/users ${fan.id}`);
    const credits = Number((await user()).message_credits);

    press(env.panel, env.ownerId, menu, '🎁 Gift credits');
    await until(env.panel, menu, /Gift credits — how many\?/);
    expect(await doubleTap(menu, '🎁 5')).toBe('Gifted 5 credits.');
    await until(env.panel, menu, /Balance: 25 credits/);
    expect(Number((await user()).message_credits)).toBe(credits + 5);
    expect(
      await env.testDb.db('credit_ledger').where({ user_id: fan.id, kind: 'gift' }),
    ).toHaveLength(1);
    expect(await audits('fans:gift')).toHaveLength(1);

    press(env.panel, env.ownerId, menu, '⏳ Gift pass time');
    await until(env.panel, menu, /Gift pass time — how long\?/);
    expect(await doubleTap(menu, '⏳ 1 h')).toBe('Gifted 1 h of pass time.');
    await until(env.panel, menu, /1 h banked/);
    expect(Number((await user()).time_credits_seconds)).toBe(3600);

    expect(await doubleTap(menu, '🚫 Ban')).toBe('🚫 Banned.');
    await until(env.panel, menu, /Status: 🚫 banned/);
    expect(Boolean(Number((await user()).is_banned) || (await user()).is_banned === true)).toBe(
      true,
    );
    expect(await doubleTap(menu, '✅ Unban')).toBe('✅ Unbanned.');
    await until(env.panel, menu, /^(?![\s\S]*🚫 banned)/);
    expect((await audits('fans:ban')).map((r) => JSON.parse(r.after as string))).toEqual([
      true,
      false,
    ]);

    press(env.panel, env.ownerId, menu, '⭐ Tier');
    await until(env.panel, menu, /Set the tier by hand/);
    expect(await doubleTap(menu, '⭐ VIP')).toBe('⭐ Tier set to vip by hand.');
    await until(env.panel, menu, /Tier set by hand/);
    expect(await user()).toMatchObject({ tier: 'vip', tier_override: 'vip' });
    expect(await audits('fans:tier')).toHaveLength(1);
    // The spend rule no longer moves it: a relayed message (which recomputes tiers) keeps VIP.
    env.tg.control.fanSendsText(fan.id, 'still VIP?');
    await eventually(async () => Number((await user()).message_count) === 1, 15_000, 'relayed');
    await eventually(async () => (await user()).tier === 'vip', 5_000, 'still vip');

    const noteQuery = press(env.panel, env.ownerId, menu, '📝 Note');
    expect((await answerOf(env.panel, noteQuery)).text).toMatch(/Reply/);
    const prompt = await env.tg.control.waitFor(
      () => botMessagesInTopic(env.panel).find((m) => m.text?.startsWith('📝 The private note')),
      15_000,
      'the note prompt',
    );
    const note = 'Likes <b>cats</b> & _dogs_';
    env.tg.control.adminSendsInTopic(env.ownerId, env.adminChatId, env.panel.threadId, note, {
      replyTo: prompt.messageId,
    });
    const shown = await until(env.panel, menu, /📝 Notes: Likes/);
    await env.tg.control.waitFor(
      () => botMessagesInTopic(env.panel).some((m) => m.text === '📝 Note saved.'),
      15_000,
      'the note confirmation',
    );
    expect(shown.text).toContain(`📝 Notes: ${note}`);
    const conversation = await env.testDb
      .db('conversations')
      .where('user_id', fan.id)
      .first('notes');
    expect(conversation.notes).toBe(note);
    expect(await audits('fans:note')).toHaveLength(1);
  }, 120_000);

  it('unfreeze after a dispute and refund of the last payment act once, with a confirmation', async () => {
    // The first payment is disputed; the last one stays refundable.
    const first = await env.testDb
      .db('transactions')
      .where('user_id', fan.id)
      .orderBy('id')
      .first();
    const disputed = env.stripeSim.control
      .list<StripeObject & { payment_intent?: string }>('charge')
      .find((c) => c.payment_intent === first.payment_intent_id);
    env.stripeSim.control.openDispute(disputed!.id);
    await env.stripeSim.control.waitForDeliveries(30_000);
    await eventually(
      async () => Boolean(Number((await user()).is_frozen) || (await user()).is_frozen === true),
      15_000,
      'frozen',
    );

    const menu = await command(env.panel, env.ownerId, `/users ${fan.id}`);
    expect(menu.text).toContain('frozen (dispute)');
    expect(await doubleTap(menu, '🧊 Unfreeze')).toBe('🧊 Unfrozen: the fan can spend again.');
    await until(env.panel, menu, /^(?![\s\S]*frozen \(dispute\))/);
    expect(await audits('fans:unfreeze')).toHaveLength(1);

    const before = Number((await user()).message_credits);
    press(env.panel, env.ownerId, menu, '💸 Refund last payment ($5.00)');
    await until(env.panel, menu, /Refund \$5\.00 of payment #\d+\?/);
    expect(await doubleTap(menu, '✅ Yes, refund $5.00')).toMatch(/^💸 \$5\.00 refunded/);
    await env.stripeSim.control.waitForDeliveries(30_000);
    const refunds = env.stripeSim.control.list<StripeObject & { amount: number }>('refund');
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.amount).toBe(500);
    await eventually(
      async () =>
        (await env.testDb.db('credit_ledger').where({ user_id: fan.id, kind: 'refund' })).length ===
        1,
      15_000,
      'the refund in the ledger',
    );
    expect(Number((await user()).message_credits)).toBe(Math.max(0, before - 10));
    const payments = await env.testDb.db('transactions').where('user_id', fan.id).orderBy('id');
    expect(payments.map((p) => [p.status, p.dispute_status])).toEqual([
      ['paid', 'open'],
      ['refunded', null],
    ]);
    expect(await audits('payments:refund')).toHaveLength(1);
    // Nothing left to refund: a fresh menu shows the refund and offers no 💸 button.
    const after = await command(env.panel, env.ownerId, `/users ${fan.id}`);
    expect(after.text).toMatch(/\$5\.00 · 10 credits · refunded \(refunded \$5\.00\)/);
    expect(after.buttons.flat().some((b) => b.text.startsWith('💸'))).toBe(false);
  }, 120_000);

  it('every action appears in /audit about the fan', async () => {
    const menu = await command(env.panel, env.ownerId, `/audit fan ${fan.id}`);
    for (const action of [
      'fans:gift',
      'fans:ban',
      'fans:tier',
      'fans:note',
      'fans:unfreeze',
      'payments:refund',
    ]) {
      expect(current(env.tg, menu).text).toContain(action);
    }
  });
});
