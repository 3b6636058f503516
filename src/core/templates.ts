/**
 * Message templates: every text a fan sees comes from editable files in `templates/messages/`
 * (one per locale). Placeholders are `{name}`; values are inserted as plain text, and texts
 * are always sent without parse_mode, so a fan's name can never break or inject markup.
 * Counted words use the ICU plural form `{count, plural, one {# credit} other {# credits}}`
 * (`=0 {…}` for an exact number; `#` is the number), chosen by `Intl.PluralRules` for the
 * template file's language — never "credit(s)".
 */
import { BoundedMap } from './traffic/bounded-set.js';

/** Values for placeholders. */
export type TemplateVars = Readonly<Record<string, string | number>>;

/**
 * Renders the template `key` for the fan's language; `locale` is the reader's language
 * (Telegram's `language_code`, or the admin language), which amounts are formatted in.
 */
export type Translate = ((key: string, vars?: TemplateVars) => string) & {
  readonly locale?: string;
  /**
   * Renders the first of `keys` that the most specific locale file has (then the next file,
   * English last), so a variant a translator has not written yet falls back to the
   * translated main text, not to English.
   */
  readonly firstOf?: (keys: readonly string[], vars?: TemplateVars) => string;
};

/** `t.firstOf(keys)` when the translator has it, else the first key. */
export function translateFirst(t: Translate, keys: readonly string[], vars?: TemplateVars): string {
  return t.firstOf ? t.firstOf(keys, vars) : t(keys[keys.length - 1]!, vars);
}

/** The loaded templates: a translator per language (falling back to English per key). */
export interface MessageCatalog {
  /** The locales with a file of their own. */
  readonly locales: readonly string[];
  /** The translator for a Telegram `language_code` (`pt-br` → `pt-br`, `pt`, then `en`). */
  forLanguage(languageCode: string | null | undefined): Translate;
}

const PLURAL =
  /\{([a-z_][a-z0-9_]*), plural,((?:\s*(?:=\d+|zero|one|two|few|many|other)\s*\{[^{}]*\})+)\s*\}/gi;
const PLURAL_FORM = /(=\d+|zero|one|two|few|many|other)\s*\{([^{}]*)\}/gi;

/**
 * The plural rules of each locale seen, built once (issue 17: building them was a tenth of
 * rendering a new fan's card). Locales come from fans' Telegram languages: a bounded cache.
 */
const pluralRulesByLocale = new BoundedMap<string, Intl.PluralRules>(64);

function pluralRules(locale: string): Intl.PluralRules {
  let rules = pluralRulesByLocale.get(locale);
  if (!rules) {
    try {
      rules = new Intl.PluralRules(locale);
    } catch {
      rules = new Intl.PluralRules('en');
    }
    pluralRulesByLocale.set(locale, rules);
  }
  return rules;
}

/** Picks the plural form of `{name, plural, …}` for `value` in `locale`. */
function pluralForm(forms: string, value: number, locale: string): string | undefined {
  const byKey = new Map<string, string>();
  for (const match of forms.matchAll(PLURAL_FORM)) byKey.set(match[1]!.toLowerCase(), match[2]!);
  const rules = pluralRules(locale);
  const form = byKey.get(`=${value}`) ?? byKey.get(rules.select(value)) ?? byKey.get('other');
  return form?.replace(/#/g, String(value));
}

/**
 * Replaces `{name}` placeholders and `{name, plural, …}` forms (in `locale`, the template's
 * language); unknown placeholders are left as they are.
 */
export function renderTemplate(template: string, vars: TemplateVars = {}, locale = 'en'): string {
  const counted = template.replace(PLURAL, (whole, name: string, forms: string) => {
    const value = Number(vars[name]);
    if (!Object.hasOwn(vars, name) || !Number.isFinite(value)) return whole;
    return pluralForm(forms, value, locale) ?? whole;
  });
  return counted.replace(/\{([a-z_][a-z0-9_]*)\}/gi, (whole, name: string) =>
    Object.hasOwn(vars, name) ? String(vars[name]) : whole,
  );
}

/** The locale files to try for a language code, most specific first, English last. */
export function localeChain(languageCode: string | null | undefined): string[] {
  const chain: string[] = [];
  const code = (languageCode ?? '').toLowerCase().replace(/_/g, '-');
  if (/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/.test(code)) {
    chain.push(code);
    const base = code.split('-')[0]!;
    if (base !== code) chain.push(base);
  }
  if (!chain.includes('en')) chain.push('en');
  return chain;
}

/** Builds a catalog from parsed locale tables (`en` is required: it is the fallback). */
export function createMessageCatalog(
  tables: Readonly<Record<string, Readonly<Record<string, string>>>>,
): MessageCatalog {
  const english = tables.en;
  if (!english) throw new Error('the English message templates (en) are missing');
  const cache = new Map<string, Translate>();
  return {
    locales: Object.keys(tables),
    forLanguage(languageCode) {
      const chain = localeChain(languageCode).filter((locale) => tables[locale]);
      const locale = languageCode || 'en';
      const cacheKey = `${chain.join(',')}|${locale}`;
      const cached = cache.get(cacheKey);
      if (cached) return cached;
      const firstOf = (keys: readonly string[], vars?: TemplateVars) => {
        for (const file of chain) {
          for (const key of keys) {
            const template = tables[file]![key];
            if (template !== undefined) return renderTemplate(template, vars, file);
          }
        }
        return keys[0] ?? '';
      };
      const render = (key: string, vars?: TemplateVars) => firstOf([key], vars);
      const translate: Translate = Object.assign(render, { locale, firstOf });
      cache.set(cacheKey, translate);
      return translate;
    },
  };
}
