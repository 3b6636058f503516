/**
 * Counted words read like a person wrote them: ICU plural forms chosen by the template's
 * language, never "credit(s)" — checked on every shipped template for 0, 1, 2 and 5, in
 * English and in the shipped French file (where 0 is singular: "0 crédit").
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadMessageCatalog, MESSAGES_DIR } from '../../src/config/message-templates.js';
import { createMessageCatalog, renderTemplate } from '../../src/core/templates.js';
import { countIntlBuilt } from '../helpers/intl.js';

/** A shipped locale: `<locale>.yaml` merged with its parts `<locale>.<part>.yaml`. */
const readLocale = (locale: string): Record<string, string> =>
  Object.assign(
    {},
    ...fs
      .readdirSync(MESSAGES_DIR)
      .filter((f) => f === `${locale}.yaml` || (f.startsWith(`${locale}.`) && f.endsWith('.yaml')))
      .map((f) => parse(fs.readFileSync(path.join(MESSAGES_DIR, f), 'utf8')) as object),
  ) as Record<string, string>;
const english = readLocale('en');
/** The second locale shipped with the product: it must stay complete. */
const french = readLocale('fr');

/** Words that must agree with a count, per language: [singular, plural]. */
const COUNTED: Record<string, Array<[string, string]>> = {
  en: [['credit', 'credits']],
  fr: [['crédit', 'crédits']],
};

/** Every placeholder name of a template (plain or plural). */
function placeholders(template: string): string[] {
  // Not a plural form's text ("one {once}"): that is a word, not a placeholder.
  const names =
    /(?<!(?:=\d+|zero|one|two|few|many|other)\s*)\{([a-z_][a-z0-9_]*)(?:\}|, plural,)/gi;
  return [...template.matchAll(names)].map((m) => m[1]!);
}

describe('message templates', () => {
  it('choose plural forms by the language: one, other, exact numbers, and # as the number', () => {
    const credits = '{n, plural, one {# credit} other {# credits}}';
    expect(renderTemplate(credits, { n: 1 })).toBe('1 credit');
    expect(renderTemplate(credits, { n: 0 })).toBe('0 credits');
    expect(renderTemplate(credits, { n: 2 })).toBe('2 credits');
    expect(renderTemplate('{n, plural, =0 {none} one {one} other {#}}', { n: 0 })).toBe('none');
    // Polish has "few" (2-4) and "many" (5+): the forms follow the template's language.
    const polish =
      '{n, plural, one {# kredyt} few {# kredyty} many {# kredytów} other {# kredytu}}';
    expect(renderTemplate(polish, { n: 1 }, 'pl')).toBe('1 kredyt');
    expect(renderTemplate(polish, { n: 3 }, 'pl')).toBe('3 kredyty');
    expect(renderTemplate(polish, { n: 5 }, 'pl')).toBe('5 kredytów');
    // A missing value leaves the placeholder, as for plain placeholders.
    expect(renderTemplate(credits, {})).toBe(credits);
  });

  for (const [locale, table] of [
    ['en', english],
    ['fr', french],
  ] as const) {
    it(`${locale}: never prints "(s)", a raw plural form or a repeated word, for 0, 1, 2 and 5`, () => {
      const t = createMessageCatalog({ en: english, [locale]: table }).forLanguage(locale);
      const rules = new Intl.PluralRules(locale);
      for (const count of [0, 1, 2, 5]) {
        const wrong = COUNTED[locale]!.map(([one, other]) =>
          rules.select(count) === 'one' ? `${count} ${other}` : `${count} ${one}`,
        );
        for (const [key, template] of Object.entries(table)) {
          const vars = Object.fromEntries(placeholders(template).map((name) => [name, count]));
          const text = t(key, vars);
          expect(text, key).not.toContain('(s)');
          expect(text, key).not.toMatch(/, plural,|\{[a-z_]+\}/);
          for (const phrase of wrong) expect(` ${text} `, key).not.toContain(` ${phrase} `);
          expect(text, key).not.toMatch(/(?<![\p{L}])(\p{L}{2,})[\s:]+\1(?![\p{L}])/iu);
          // "10 credits: 10 credits": a label that only repeats what follows it.
          expect(text, key).not.toMatch(
            /(?<![\p{L}\d])([\p{L}\d ]*\p{L}[\p{L}\d ]*): \1(?![\p{L}\d])/iu,
          );
        }
      }
    });
  }

  it('the shipped French file has every key of en.yaml, with the same placeholders', () => {
    const missing = Object.keys(english).filter((key) => !Object.hasOwn(french, key));
    expect(missing, 'keys of en.yaml missing in fr.yaml').toEqual([]);
    for (const [key, template] of Object.entries(english)) {
      const names = (text: string) => [...new Set(placeholders(text))].sort();
      expect(names(french[key]!), key).toEqual(names(template));
    }
    expect(Object.keys(french).filter((key) => !Object.hasOwn(english, key))).toEqual([]);
  });

  it('French follows its own plural rules: 0 and 1 are singular', () => {
    const fr = loadMessageCatalog().forLanguage('fr');
    expect(fr('card.credits', { credits: 0 })).toBe('0 crédit');
    expect(fr('card.credits', { credits: 1 })).toBe('1 crédit');
    expect(fr('card.credits', { credits: 2 })).toBe('2 crédits');
    expect(fr('card.credits', { credits: 1_000_000 })).toBe('1000000 de crédits');
    const en = loadMessageCatalog().forLanguage('en');
    expect(en('card.credits', { credits: 0 })).toBe('0 credits');
  });

  it("picks the file by the fan's language_code, and falls back to English per key", () => {
    const catalog = loadMessageCatalog();
    expect(catalog.locales).toContain('fr');
    for (const code of ['fr', 'fr-CA', 'FR_be']) {
      expect(catalog.forLanguage(code)('start_button'), code).toBe('▶️ Démarrer');
    }
    for (const code of ['de', '', null, undefined, 'not a code']) {
      expect(catalog.forLanguage(code)('start_button'), String(code)).toBe('▶️ Start');
    }
    // A key the locale file lacks (a community file, or one not yet translated) is English.
    const partial = createMessageCatalog({
      en: { hello: 'Hello {name}', bye: 'Bye {count, plural, one {# time} other {# times}}' },
      fr: { hello: 'Bonjour {name}' },
    }).forLanguage('fr');
    expect(partial('hello', { name: 'Ana' })).toBe('Bonjour Ana');
    expect(partial('bye', { count: 2 })).toBe('Bye 2 times');
  });

  it('firstOf takes the most specific file first: an untranslated variant falls back to the translated main text', () => {
    const catalog = createMessageCatalog({
      en: { item: '{label}: {amount}', item_plain: '{amount}' },
      de: { item: '{label}: {amount} (de)' },
    });
    const vars = { label: '10 credits', amount: '10 credits' };
    expect(catalog.forLanguage('en').firstOf!(['item_plain', 'item'], vars)).toBe('10 credits');
    expect(catalog.forLanguage('de').firstOf!(['item_plain', 'item'], vars)).toBe(
      '10 credits: 10 credits (de)',
    );
  });

  it('builds the plural rules of a language once, not per rendering (issue 17)', () => {
    const forms = '{n, plural, one {# crédit} other {# crédits}}';
    const { built, result: texts } = countIntlBuilt('PluralRules', () =>
      [0, 1, 2, 5].map((n) => renderTemplate(forms, { n }, 'fr-CA')),
    );
    expect(texts).toEqual(['0 crédit', '1 crédit', '2 crédits', '5 crédits']);
    expect(built).toBeLessThanOrEqual(1);
  });
});
