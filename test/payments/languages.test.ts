/** Payment texts are templates: fans read them in their Telegram language, the team in its own. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMessageCatalog, MESSAGES_DIR } from '../../src/config/message-templates.js';
import { newFan, outboxOf, sessionIdOf, startPaymentsEnv, type PaymentsEnv } from './helpers.js';

const GERMAN = [
  "payment.receipt.title: '✅ Zahlung erhalten — danke!'",
  "payment.checkout.pay_button: '💳 {price} bezahlen'",
  "payment.note.sale: '💰 Verkauf: {label} — {price} ({source}).'",
  "payment.source.checkout: 'Checkout'",
].join('\n');

/** Intl separates the digits from a trailing symbol with a no-break space. */
const NBSP = '\u00a0';

describe('payment texts in the reader’s language', () => {
  let env: PaymentsEnv;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-pay-tpl-'));
    fs.copyFileSync(path.join(MESSAGES_DIR, 'en.yaml'), path.join(dir, 'en.yaml'));
    fs.writeFileSync(path.join(dir, 'de.yaml'), `${GERMAN}\n`);
    env = await startPaymentsEnv({ templates: loadMessageCatalog(dir), adminLanguage: 'de' });
  });
  afterAll(async () => {
    await env?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const buyAndPayAs = async (languageCode: string | null) => {
    const fan = { ...newFan('Jonas'), languageCode };
    const result = await env.payments.service.buy(fan, env.products.credits10);
    const sessionId = sessionIdOf(result.reply);
    env.sim.control.payCheckoutSession(sessionId);
    await env.sim.control.waitForDeliveries(30_000);
    const jobs = await outboxOf(env.db, fan.id);
    return {
      fan,
      button: result.reply?.buttons?.[0]?.[0]?.text,
      receipt: jobs.find((j) => j.key === `receipt:${sessionId}`)?.text,
      sale: jobs.find((j) => j.key === `sale:${sessionId}`)?.text,
    };
  };

  it('a German fan gets German texts (English for keys de.yaml lacks); the team its own language', async () => {
    const german = await buyAndPayAs('de');
    // Money is written in the reader's locale: German puts the symbol after the digits.
    expect(german.button).toBe(`💳 5,00${NBSP}$ bezahlen`);
    expect(german.receipt?.split('\n')).toEqual([
      '✅ Zahlung erhalten — danke!',
      // The label only repeats the amount: said once ("10 credits for …", not "10 credits: 10 credits for …").
      `10 credits for 5,00${NBSP}$.`,
      'Your balance: 10 credits.',
    ]);
    expect(german.sale).toBe(`💰 Verkauf: 10 credits — 5,00${NBSP}$ (Checkout).`);
    const row = (await env.db('users').where('id', german.fan.id).first('language_code')) as {
      language_code: string | null;
    };
    expect(row.language_code).toBe('de');

    const english = await buyAndPayAs(null);
    expect(english.button).toBe('💳 Pay $5.00');
    expect(english.receipt?.split('\n')[0]).toBe('✅ Payment received — thank you!');
    expect(english.sale).toBe(`💰 Verkauf: 10 credits — 5,00${NBSP}$ (Checkout).`);
  });
});
