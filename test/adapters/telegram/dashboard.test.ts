/**
 * The /admin dashboard, the whole bot after a scripted day, on both dialects (the queries
 * alone, on hand-made rows: test/adapters/db/stats-store.test.ts).
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDate } from '../../../src/adapters/db/rows.js';
import { createStripeClient } from '../../../src/adapters/stripe/client.js';
import { BotApiError } from '../../../src/adapters/telegram/bot-api.js';
import { CHART_HEIGHT, CHART_WIDTH } from '../../../src/adapters/telegram/chart/svg.js';
import { PANEL_TEXTS } from '../../../src/adapters/telegram/panel/texts.js';
import { storedFile, withStoredUploads } from '../../../src/adapters/telegram/stored-uploads.js';
import { loadMessageCatalog } from '../../../src/config/message-templates.js';
import type { Dashboard } from '../../../src/core/stats/dashboard.js';
import { dashboardText } from '../../../src/core/stats/dashboard-text.js';
import { windowOf } from '../../../src/core/stats/ranges.js';
import type { StripeObject } from '../../../src/sandbox/stripe/index.js';
import type { MessageView } from '../../../src/sandbox/telegram/control.js';
import { buyTenCredits, startBotEnv, type BotEnv } from '../../payments/bot-env.js';
import { eventually } from './panel-harness.js';

/**
 * Acceptance (issue 14): after a scripted day through the Stripe and Telegram simulators —
 * purchases in two currencies, a refund, a dispute, relays and answers — every figure of
 * /admin equals an independent SQL query written here; the chart is a PNG of the expected
 * size, uploaded through the outbox; someone who is not an admin gets a refusal, no data.
 */
describe('/admin after a scripted day', () => {
  let env: BotEnv;
  let fans: Record<'ann' | 'ben' | 'cat' | 'dan' | 'eve', number>;
  let dashboard: MessageView;
  beforeAll(async () => {
    env = await startBotEnv('dashboard');
    await addEuroProduct(env);
    const user = (first_name: string) => env.tg.control.createUser({ first_name }).id;
    fans = {
      ann: user('Ann'),
      ben: user('Ben'),
      cat: user('Cat'),
      dan: user('Dan'),
      eve: user('Eve'),
    };
    for (const id of Object.values(fans)) env.tg.control.fanSendsText(id, '/start');
    await buyTenCredits(env, fans.ann);
    await buy(env, fans.ben, '/buy20');
    await buyTenCredits(env, fans.cat);
    await buyTenCredits(env, fans.dan);
    env.stripeSim.control.refund(await intentOf(env, fans.cat), 200);
    const charge = env.stripeSim.control.get<StripeObject & { latest_charge: string }>(
      await intentOf(env, fans.dan),
    )!.latest_charge;
    env.stripeSim.control.openDispute(charge, { reason: 'fraudulent' });
    await env.stripeSim.control.waitForDeliveries(30_000);
    // Ann writes twice and is answered; Ben writes once and waits.
    env.tg.control.fanSendsText(fans.ann, 'Hello!');
    env.tg.control.fanSendsText(fans.ann, 'Are you there?');
    await links(env, 'fan', 2);
    const topic = await topicOf(env, fans.ann);
    env.tg.control.adminSendsInTopic(env.ownerId, env.adminChatId, topic, 'Hi Ann!');
    await links(env, 'team', 1);
    env.tg.control.fanSendsText(fans.ben, 'Bonjour');
    await links(env, 'fan', 3);
    await idle(env);
    env.tg.control.adminSends(env.ownerId, env.adminChatId, '/admin');
    dashboard = await env.tg.control.waitFor(
      () => generalMessages(env).find((m) => m.text?.startsWith('📊')),
      15_000,
      'the dashboard',
    );
  }, 120_000);
  afterAll(async () => {
    await env?.close();
  });

  it('shows every figure as independent queries compute it', async () => {
    const t = loadMessageCatalog().forLanguage('en');
    const expected = await independentDashboard(env.testDb.db, new Date());
    const withoutTime = (text: string) =>
      text
        .split('\n')
        .filter((_, i) => i !== 1)
        .join('\n');
    expect(withoutTime(dashboard.text!)).toBe(withoutTime(dashboardText(t, expected).text));
    // The script's own numbers, so the independent queries cannot agree on nothing.
    expect(expected.revenue.today).toEqual([
      { currency: 'usd', minor: 500 + 300 },
      { currency: 'eur', minor: 900 },
    ]);
    expect(expected.openDisputes).toEqual({ count: 1, amounts: [{ currency: 'usd', minor: 500 }] });
    expect(expected.messages).toEqual({ fromFans: 3, answers: 1 });
    expect(expected.firstResponses.answered).toBe(1);
    // Active: the fans who wrote (Ann, Ben); new: all five pressed Start; four of them paid.
    expect(expected.fans).toEqual({ active: 2, new: 5, converted: 4 });
    expect(dashboard.buttons.flat().map((b) => b.text)).toEqual([
      '1 d',
      '• 7 d •',
      '30 d',
      '90 d',
      '🔄 Refresh',
      '💬 Conversations',
      '👥 Users',
      '🛍 Products',
      '🔐 Vault',
      '⚙️ Settings',
      '🤝 Team',
    ]);
  });

  it('sends the 30-day chart as a PNG upload through the outbox, above the menu', async () => {
    const photo = generalMessages(env).find((m) => m.kind === 'photo')!;
    expect(photo.messageId).toBeLessThan(dashboard.messageId);
    expect(photo.caption).toBe(
      '📈 Revenue (USD; not charted: EUR) and messages per day, last 30 days (UTC)',
    );
    const sent = env.tg.control.calls({ method: 'sendPhoto' });
    expect(sent.map((c) => (c.params as { photo: unknown }).photo)).toEqual([
      { upload: 'dashboard.png', size: expect.any(Number) },
    ]);
    const png = await download(env, photo.media!.fileId);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    // Uploaded, so its stored copy is gone.
    expect(await env.testDb.db('panel_files').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('a range button edits the same message in place', async () => {
    const button = dashboard.buttons.flat().find((b) => b.text === '30 d')!;
    env.tg.control.pressButton(
      env.ownerId,
      env.adminChatId,
      dashboard.messageId,
      button.callbackData!,
    );
    const edited = await env.tg.control.waitFor(
      () => {
        const now = env.tg.control.message(env.adminChatId, dashboard.messageId);
        return now?.text?.startsWith('📊 Dashboard — last 30 days') ? now : undefined;
      },
      15_000,
      'the 30-day dashboard',
    );
    expect(edited.buttons.flat().map((b) => b.text)).toContain('• 30 d •');
  });

  it('someone who is not an admin sends /admin → a refusal, no data, no chart', async () => {
    const stranger = env.tg.control.createUser({ first_name: 'Stan' });
    const photos = env.tg.control.calls({ method: 'sendPhoto' }).length;
    env.tg.control.adminSends(stranger.id, env.adminChatId, '/admin');
    await env.tg.control.waitFor(
      () => generalMessages(env).find((m) => m.text === PANEL_TEXTS.refused),
      15_000,
      'the refusal',
    );
    await idle(env);
    expect(env.tg.control.calls({ method: 'sendPhoto' })).toHaveLength(photos);
    expect(generalMessages(env).filter((m) => m.text?.startsWith('📊'))).toHaveLength(1);
  });
});

/** The bot's messages in the admin group's General topic. */
function generalMessages(env: BotEnv): MessageView[] {
  return env.tg.control.messages(env.adminChatId, { threadId: 1 }).filter((m) => m.fromBot);
}

async function idle(env: BotEnv): Promise<void> {
  await eventually(
    async () => {
      const depth = await env.runtime.outbox.depth();
      return depth.pending + depth.sending === 0 ? true : undefined;
    },
    15_000,
    'an idle outbox',
  );
}

async function links(env: BotEnv, direction: 'fan' | 'team', count: number): Promise<void> {
  await eventually(
    async () => {
      const [row] = (await env.testDb
        .db('message_links')
        .where({ direction })
        .count({ n: '*' })) as [{ n: unknown }];
      return Number(row.n) >= count ? true : undefined;
    },
    15_000,
    `${count} ${direction} links`,
  );
}

async function topicOf(env: BotEnv, fanId: number): Promise<number> {
  const row = (await env.testDb.db('conversations').where('user_id', fanId).first('topic_id')) as {
    topic_id: unknown;
  };
  return Number(row.topic_id);
}

async function intentOf(env: BotEnv, fanId: number): Promise<string> {
  const row = (await env.testDb
    .db('transactions')
    .where({ user_id: fanId, status: 'paid' })
    .first('payment_intent_id')) as { payment_intent_id: string };
  return row.payment_intent_id;
}

/** A 20-credit product at €9.00 (quick-buy `/buy20`). */
async function addEuroProduct(env: BotEnv): Promise<void> {
  const stripe = createStripeClient({
    apiKey: 'sk_test_dashboard',
    apiBase: env.stripeSim.apiBase,
  });
  const product = await stripe.products.create({
    name: '20 credits',
    metadata: { premiumbot_type: 'credits', premiumbot_amount: '20' },
  });
  const price = await stripe.prices.create({
    product: product.id,
    unit_amount: 900,
    currency: 'eur',
  });
  await env.testDb.db('products').insert({
    label: '20 credits',
    type: 'credits',
    amount: 20,
    price_cents: 900,
    currency: 'eur',
    stripe_product_id: product.id,
    stripe_price_id: price.id,
    active: true,
    sort: 2,
  });
}

/** The fan sends `command`, follows the Checkout link and pays. */
async function buy(env: BotEnv, fanId: number, command: string): Promise<void> {
  env.tg.control.fanSendsText(fanId, command);
  const offer = await env.tg.control.waitFor(
    () => env.tg.control.messages(fanId).find((m) => m.buttons.flat().some((b) => b.url)),
    10_000,
    'checkout link',
  );
  const url = offer.buttons.flat().find((b) => b.url)!.url!;
  env.stripeSim.control.payCheckoutSession(/\/checkout\/(cs_[A-Za-z0-9_]+)/.exec(url)![1]!);
  await env.stripeSim.control.waitForDeliveries(30_000);
}

/** The file behind `fileId`, downloaded as the Bot API serves it. */
async function download(env: BotEnv, fileId: string): Promise<Buffer> {
  const outcome = await env.tg.callApi('getFile', { file_id: fileId });
  if (outcome.kind !== 'ok') throw new Error(`getFile failed: ${outcome.kind}`);
  const { file_path } = outcome.result as { file_path: string };
  const response = await fetch(`${env.tg.apiRoot}/file/bot${env.tg.token}/${file_path}`);
  return Buffer.from(await response.arrayBuffer());
}

type Row = Record<string, unknown>;

/**
 * The dashboard as plain queries compute it, written independently of the stats store:
 * payments found from the ledger by their grant keys, waits walked here in order.
 */
async function independentDashboard(db: Knex, now: Date): Promise<Dashboard> {
  const day = (days: number) => windowOf(now, days).from;
  const paid = (await db.raw(
    `SELECT t.user_id AS fan, t.currency AS currency, t.source AS source,
       t.amount_paid_usd_cents - t.amount_refunded_cents AS kept, t.dispute_status AS dispute,
       (SELECT MIN(l.created_at) FROM credit_ledger l
         WHERE l.idempotency_key IN ('grant:' || t.checkout_session_id, 'grant:' || t.payment_intent_id,
           'pass_grant:' || t.checkout_session_id, 'pass_grant:' || t.payment_intent_id)) AS granted
     FROM transactions t WHERE t.status IN ('paid', 'partially_refunded', 'refunded')`,
  )) as Row[] | { rows: Row[] };
  const payments = (Array.isArray(paid) ? paid : paid.rows).map((r) => ({
    fan: Number(r.fan),
    currency: String(r.currency),
    source: String(r.source),
    net: r.dispute === 'open' || r.dispute === 'lost' ? 0 : Number(r.kept),
    granted: toDate(r.granted)!,
  }));
  const revenue = (days: number, source?: string) => {
    const totals = new Map<string, number>();
    for (const p of payments) {
      if (p.granted < day(days) || (source && p.source !== source)) continue;
      totals.set(p.currency, (totals.get(p.currency) ?? 0) + p.net);
    }
    return [...totals]
      .map(([currency, minor]) => ({ currency, minor }))
      .sort((a, b) =>
        a.currency === 'usd' ? -1 : b.currency === 'usd' ? 1 : a.currency.localeCompare(b.currency),
      );
  };
  const count = async (q: Knex.QueryBuilder) =>
    Number(((await q.count({ n: '*' })) as Row[])[0]!.n);
  const newFans = (await db('users').where('created_at', '>=', day(7)).select('id')) as Row[];
  const payers = new Set(payments.map((p) => p.fan));
  const converted = newFans.filter((f) => payers.has(Number(f.id))).length;
  const linkRows = (await db('message_links').orderBy(['fan_id', 'created_at', 'id'])) as Row[];
  const waits: number[] = [];
  let fan = 0;
  let prev: string | null = null;
  let since = 0;
  for (const link of linkRows) {
    if (Number(link.fan_id) !== fan) [fan, prev] = [Number(link.fan_id), null];
    const at = toDate(link.created_at)!.getTime();
    if (link.direction === 'fan' && prev !== 'fan') since = at;
    if (link.direction === 'team' && prev === 'fan' && since >= day(7).getTime())
      waits.push(at - since);
    prev = String(link.direction);
  }
  waits.sort((a, b) => a - b);
  const mid = waits.length
    ? (waits[(waits.length - 1) >> 1]! + waits[waits.length >> 1]!) / 2
    : null;
  const inWeek = linkRows.filter((l) => toDate(l.created_at)! >= day(7));
  const disputes = (await db('transactions').where('dispute_status', 'open')) as Row[];
  const top = (await db('users')
    .where('total_spent_cents', '>', 0)
    .orderBy([{ column: 'total_spent_cents', order: 'desc' }, { column: 'id' }])
    .limit(5)) as Row[];
  const week = revenue(7);
  const auto = revenue(7, 'auto_recharge');
  return {
    generatedAt: now,
    timeZone: 'UTC',
    rangeDays: 7,
    revenue: { today: revenue(1), week, month: revenue(30), range: week },
    payingFans: new Set(payments.filter((p) => p.granted >= day(7) && p.net > 0).map((p) => p.fan))
      .size,
    fans: {
      active: await count(db('users').where('last_activity_at', '>=', day(7))),
      new: newFans.length,
      converted,
    },
    conversion: newFans.length ? converted / newFans.length : null,
    messages: {
      fromFans: inWeek.filter((l) => l.direction === 'fan').length,
      answers: inWeek.filter((l) => l.direction === 'team').length,
    },
    firstResponses: { answered: waits.length, medianMs: mid === null ? null : Math.round(mid) },
    autoRecharge: week.map((w) => {
      const a = auto.find((x) => x.currency === w.currency)?.minor ?? 0;
      return {
        currency: w.currency,
        autoMinor: a,
        totalMinor: w.minor,
        share: w.minor > 0 ? a / w.minor : null,
      };
    }),
    openDisputes: {
      count: disputes.length,
      amounts: disputes.length
        ? [
            {
              currency: 'usd',
              minor: disputes.reduce(
                (s, d) => s + Number(d.amount_paid_usd_cents) - Number(d.amount_refunded_cents),
                0,
              ),
            },
          ]
        : [],
    },
    topFans: top.map((u) => ({
      fanId: Number(u.id),
      firstName: (u.first_name as string | null) ?? null,
      lastName: (u.last_name as string | null) ?? null,
      username: (u.username as string | null) ?? null,
      totalSpentMinor: Number(u.total_spent_cents),
    })),
    currency: 'usd',
    chart: { currency: 'usd', otherCurrencies: [], days: [] },
  };
}

describe('stored uploads', () => {
  const files = new Map<number, { data: Uint8Array; filename: string }>([
    [7, { data: new Uint8Array([1, 2, 3]), filename: 'chart.png' }],
  ]);
  const store = {
    save: () => Promise.resolve(0),
    read: (id: number) => Promise.resolve(files.get(id) ?? null),
    remove: (id: number) => Promise.resolve(void files.delete(id)),
  };
  const calls: Record<string, unknown>[] = [];
  const api = withStoredUploads(
    { call: (_method, params) => Promise.resolve(calls.push(params) as never) },
    store,
  );

  it('swaps a stored file for its bytes, then forgets it; a file that is gone fails the call', async () => {
    await api.call('sendPhoto', { chat_id: 1, photo: storedFile(7), caption: 'x' });
    expect(calls[0]).toEqual({
      chat_id: 1,
      photo: { source: Buffer.from([1, 2, 3]), filename: 'chart.png' },
      caption: 'x',
    });
    expect(files.has(7)).toBe(false);
    const again = api.call('sendPhoto', { chat_id: 1, photo: storedFile(7) });
    await expect(again).rejects.toBeInstanceOf(BotApiError);
    await expect(again).rejects.toMatchObject({ failure: { type: 'api', code: 400 } });
    expect(calls).toHaveLength(1);
  });
});
