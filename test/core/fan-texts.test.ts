import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadMessageCatalog } from '../../src/config/message-templates.js';
import { crossedLowBalance, fullMark, progressBar, renderBalance } from '../../src/core/balance.js';
import type { FanAccount } from '../../src/core/fan-account.js';
import { TextBuilder } from '../../src/core/formatted-text.js';
import { productKeyboard } from '../../src/core/keyboards.js';
import {
  cardCallback,
  formatDuration,
  parseCardCallback,
  renderCard,
} from '../../src/core/info-card.js';
import { createMessageCatalog, localeChain, renderTemplate } from '../../src/core/templates.js';
import { MAX_TOPIC_TITLE, topicTitle } from '../../src/core/topic-title.js';

/** The `'payment.…'` template keys written in the .ts files below `dir`. */
function paymentKeysInSource(dir: string): string[] {
  const keys = new Set<string>();
  for (const entry of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.ts')) continue;
    const source = fs.readFileSync(path.join(dir, entry), 'utf8');
    for (const match of source.matchAll(/'(payment\.[a-z0-9_.]+)'/g)) keys.add(match[1]!);
  }
  return [...keys];
}

describe('balance bar', () => {
  it('renders the documented format; 100% is the balance after the latest top-up', () => {
    expect(renderBalance({ credits: 75, lastTopUpBalance: 100 })).toBe(
      'Credits: 75/100 [████████░░] 75%',
    );
    expect(renderBalance({ credits: 0, lastTopUpBalance: 20 })).toBe(
      'Credits: 0/20 [░░░░░░░░░░] 0%',
    );
    expect(renderBalance({ credits: 7, lastTopUpBalance: null }, 'Crédits')).toBe(
      'Crédits: 7/7 [██████████] 100%',
    );
    // A new fan: no "0/0" bar.
    expect(renderBalance({ credits: 0, lastTopUpBalance: null })).toBe('Credits: 0');
    expect(fullMark({ credits: 30, lastTopUpBalance: 10 })).toBe(30);
    expect(progressBar(5)).toBe('[█░░░░░░░░░]');
  });

  it('alerts on crossing the threshold only', () => {
    expect(crossedLowBalance(6, 5, 5)).toBe(true);
    expect(crossedLowBalance(9, 2, 5)).toBe(true);
    expect(crossedLowBalance(5, 4, 5)).toBe(false);
    expect(crossedLowBalance(10, 6, 5)).toBe(false);
  });
});

describe('topic titles', () => {
  it('keeps markup literal and removes control and bidi characters', () => {
    expect(topicTitle({ firstName: '<b>_*[x](y)' }, 1)).toBe('<b>_*[x](y)');
    expect(topicTitle({ firstName: 'A\u202eB\nC', lastName: null, username: 'u_1' }, 1)).toBe(
      'AB C @u_1',
    );
    expect(topicTitle({ firstName: '  ' }, 42)).toBe('Fan 42');
    expect(topicTitle({ firstName: '👩‍👩‍👧' }, 1)).toBe('👩‍👩‍👧');
  });

  it('cuts long names on a character boundary and keeps the username', () => {
    const title = topicTitle({ firstName: '😀'.repeat(100), username: 'fan' }, 1);
    expect(title.length).toBeLessThanOrEqual(MAX_TOPIC_TITLE);
    expect(title.endsWith('… @fan') || title.endsWith('…@fan') || title.endsWith(' @fan')).toBe(
      true,
    );
    expect(title).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});

describe('fan card', () => {
  const account: FanAccount = {
    fanId: 7,
    firstName: '<b>_*[x](y)',
    lastName: null,
    username: 'x_y',
    languageCode: 'en',
    tier: 'vip',
    credits: 12,
    bankedSeconds: 3600,
    passStartedAt: null,
    passEndsAt: null,
    totalSpentCents: 12345,
    messageCount: 3,
    firstSeen: new Date('2026-11-01T08:30:00Z'),
    banned: true,
    blocked: false,
    frozen: false,
    lastTopUpBalance: 20,
    topic: null,
  };
  it('shows the name literally with entities, and every figure', () => {
    const t = loadMessageCatalog().forLanguage('en');
    const card = renderCard(account, t, { now: new Date('2026-11-27T10:00:00Z'), currency: 'usd' });
    // Intl puts a narrow no-break space before AM/PM.
    expect(card.text.replace(/\u202f/g, ' ').split('\n')).toEqual([
      '👤 <b>_*[x](y)',
      '@x_y · id 7',
      'Tier: ⭐ VIP',
      'Balance: 12 credits',
      'Pass: 1 h banked',
      'Total spent: $123.45',
      'First seen: Nov 1, 2026, 8:30 AM UTC',
      'Status: 🚫 banned',
    ]);
    expect(card.entities[0]).toEqual({ type: 'bold', offset: 3, length: '<b>_*[x](y)'.length });
  });

  it('writes total spent and product prices in the currency’s own decimals and the reader’s locale', () => {
    const now = new Date('2026-11-27T10:00:00Z');
    const catalog = loadMessageCatalog();
    const yen = renderCard({ ...account, totalSpentCents: 1500 }, catalog.forLanguage('en'), {
      now,
      currency: 'jpy',
    });
    expect(yen.text).toContain('Total spent: ¥1,500');
    const dinar = renderCard({ ...account, totalSpentCents: 12345 }, catalog.forLanguage('de'), {
      now,
      currency: 'kwd',
    });
    expect(dinar.text).toContain('Total spent: 12,345\u00a0KWD');
    const offer = (id: number, priceCents: number, currency: string) => ({
      id,
      label: 'Ten',
      type: 'credits' as const,
      amount: 10,
      priceCents,
      currency,
    });
    const keyboard = productKeyboard(
      [offer(1, 500, 'jpy'), offer(2, 5000, 'kwd'), offer(3, 500, 'usd')],
      catalog.forLanguage('en'),
    );
    expect(keyboard?.inline_keyboard.map((row) => row[0]!.text)).toEqual([
      'Ten — ¥500',
      'Ten — KWD\u00a05.000',
      'Ten — $5.00',
    ]);
  });

  it('round-trips quick-action callback data', () => {
    for (const action of [
      { action: 'info', fanId: 7 },
      { action: 'gift_menu', fanId: 7 },
      { action: 'gift', fanId: 7, amount: 25, menu: '4200000000000000017' },
      { action: 'ban', fanId: 7 },
      { action: 'unban', fanId: 7 },
      { action: 'back', fanId: 7 },
    ] as const) {
      expect(parseCardCallback(cardCallback(action))).toEqual(action);
    }
    expect(parseCardCallback('card:gift:7')).toBeNull();
    // A gift button made before buttons carried their menu: parsed, with no menu.
    expect(parseCardCallback('card:gift:7:25')).toEqual({
      action: 'gift',
      fanId: 7,
      amount: 25,
      menu: null,
    });
    expect(parseCardCallback('card:ban:7:1:2')).toBeNull();
    expect(
      cardCallback({ action: 'gift', fanId: 7, amount: 50, menu: '9'.repeat(20) }).length,
    ).toBeLessThanOrEqual(64);
    expect(parseCardCallback('card:nuke:7')).toBeNull();
    expect(formatDuration(239.4)).toBe('4 min');
    expect(formatDuration(3660)).toBe('1 h 1 min');
  });

  it('builds entities in UTF-16 offsets', () => {
    const text = new TextBuilder().plain('😀 ').bold('é').build();
    expect(text).toEqual({ text: '😀 é', entities: [{ type: 'bold', offset: 3, length: 1 }] });
  });
});

describe('message templates', () => {
  it('interpolates plain values and falls back per key to English', () => {
    expect(renderTemplate('Hi {name}, {missing}', { name: '<b>x</b>' })).toBe(
      'Hi <b>x</b>, {missing}',
    );
    expect(localeChain('pt-BR')).toEqual(['pt-br', 'pt', 'en']);
    expect(localeChain(undefined)).toEqual(['en']);
    const catalog = createMessageCatalog({ en: { a: 'A {x}', b: 'B' }, de: { a: 'DE {x}' } });
    expect(catalog.forLanguage('de-AT')('a', { x: 1 })).toBe('DE 1');
    expect(catalog.forLanguage('de')('b')).toBe('B');
    expect(catalog.forLanguage('fr')('a', { x: 2 })).toBe('A 2');
  });

  it('loads every shipped key used by the bot, and reports a broken file', () => {
    const t = loadMessageCatalog().forLanguage('en');
    for (const key of [
      'welcome',
      'start_button',
      'products.title',
      'insufficient',
      'low_balance',
      'pass.warning',
      'pass.ended',
      'banned',
      'help',
    ]) {
      expect(t(key)).not.toBe(key);
    }
    expect(t('low_balance', { bar: 'X' })).toContain('Low Balance Alert!');
    // Payment texts: every `payment.*` key written in src/core/payments.
    const paymentKeys = paymentKeysInSource(
      fileURLToPath(new URL('../../src/core/payments', import.meta.url)),
    );
    expect(paymentKeys.length).toBeGreaterThan(60);
    for (const key of paymentKeys) expect(t(key), key).not.toBe(key);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-tpl-'));
    fs.writeFileSync(path.join(dir, 'en.yaml'), 'welcome: [unclosed');
    expect(() => loadMessageCatalog(dir)).toThrow(/en.yaml/);
    fs.writeFileSync(path.join(dir, 'en.yaml'), 'welcome: Hi {name}\n');
    fs.writeFileSync(path.join(dir, 'de.yaml'), 'welcome: Hallo {name}\n');
    expect(loadMessageCatalog(dir).forLanguage('de')('welcome', { name: 'Zoë' })).toBe('Hallo Zoë');
    // A feature's texts may live in a part file, merged into its locale; a key twice is refused.
    fs.writeFileSync(path.join(dir, 'en.vault.yaml'), 'vault.title: Vault\n');
    expect(loadMessageCatalog(dir).forLanguage('de')('vault.title')).toBe('Vault');
    fs.writeFileSync(path.join(dir, 'en.team.yaml'), 'welcome: Again\n');
    expect(() => loadMessageCatalog(dir)).toThrow(/"welcome" is defined twice/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
