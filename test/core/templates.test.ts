/**
 * Counted words read like a person wrote them: ICU plural forms chosen by the template's
 * language, never "credit(s)" — checked on every shipped template for 0, 1, 2 and 5.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { MESSAGES_DIR } from '../../src/config/message-templates.js';
import { createMessageCatalog, renderTemplate } from '../../src/core/templates.js';

const english = parse(fs.readFileSync(path.join(MESSAGES_DIR, 'en.yaml'), 'utf8')) as Record<
  string,
  string
>;

/** Every placeholder name of a template (plain or plural). */
function placeholders(template: string): string[] {
  return [...template.matchAll(/\{([a-z_][a-z0-9_]*)(?:\}|, plural,)/gi)].map((m) => m[1]!);
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

  it('never print "(s)" nor a raw plural form, for 0, 1, 2 and 5 of every number', () => {
    const t = createMessageCatalog({ en: english }).forLanguage('en');
    for (const count of [0, 1, 2, 5]) {
      for (const [key, template] of Object.entries(english)) {
        const vars = Object.fromEntries(placeholders(template).map((name) => [name, count]));
        const text = t(key, vars);
        expect(text, key).not.toContain('(s)');
        expect(text, key).not.toMatch(/, plural,/);
        expect(text, key).not.toMatch(/\b1 credits\b|\b[02-9] credit\b/);
      }
    }
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
});
