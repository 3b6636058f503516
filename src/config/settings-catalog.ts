/**
 * How the admin panel presents the settings table (settings.ts): categories, the kind of
 * each value (derived from its schema, so a new setting needs nothing here), search, and
 * the parsing of a typed value — then the same validation as everywhere (`validateSetting`).
 */
import type { z } from 'zod';
import { SETTING_KEYS, SETTINGS, validateSetting, type SettingKey } from './settings.js';

export interface SettingCategory {
  id: string;
  title: string;
  /** Keys starting with one of these belong here (first match wins, in table order). */
  prefixes: readonly string[];
}

export const SETTING_CATEGORIES: readonly SettingCategory[] = [
  { id: 'costs', title: '💬 Message costs', prefixes: ['cost.'] },
  {
    id: 'balance',
    title: '💳 Balance, passes & payments',
    prefixes: ['low_balance.', 'pass.', 'auto_recharge.', 'receipts.', 'payments.'],
  },
  { id: 'tiers', title: '⭐ Tiers', prefixes: ['tier.'] },
  { id: 'gifts', title: '🎁 Gifts', prefixes: ['gift.'] },
  { id: 'relay', title: '🔁 Relay', prefixes: ['relay.', 'lost_sales.', 'inbox.'] },
  { id: 'display', title: '🕒 Display', prefixes: ['display.'] },
  { id: 'other', title: '⚙️ Other', prefixes: [''] },
];

/** The category of `key` (every key has one: `other` catches the rest). */
export function categoryOf(key: SettingKey): SettingCategory {
  return SETTING_CATEGORIES.find((c) => c.prefixes.some((p) => key.startsWith(p)))!;
}

/** The keys of a category, in table order. */
export function settingsIn(categoryId: string): SettingKey[] {
  return SETTING_KEYS.filter((key) => categoryOf(key).id === categoryId);
}

/** What kind of value a setting holds, for buttons and input parsing. */
export type SettingKind =
  | { type: 'boolean' }
  | { type: 'choice'; options: string[] }
  | { type: 'number' }
  | { type: 'numbers' }
  | { type: 'object'; fields: string[] }
  | { type: 'text' };

interface SchemaDef {
  type: string;
  element?: { def: SchemaDef };
  shape?: Record<string, unknown>;
  entries?: Record<string, string>;
}

/** The kind of `key`, read from its zod schema. */
export function settingKind(key: SettingKey): SettingKind {
  return kindOfSchema(SETTINGS[key].schema);
}

/** The kind of value a zod schema accepts (booleans, enums, numbers, number lists, objects). */
export function kindOfSchema(schema: z.ZodType): SettingKind {
  const def = (schema as z.ZodType & { def: SchemaDef }).def;
  switch (def.type) {
    case 'boolean':
      return { type: 'boolean' };
    case 'enum':
      return { type: 'choice', options: Object.values(def.entries ?? {}) };
    case 'number':
      return { type: 'number' };
    case 'array':
      return def.element?.def.type === 'number' ? { type: 'numbers' } : { type: 'text' };
    case 'object':
      return { type: 'object', fields: Object.keys(def.shape ?? {}) };
    default:
      return { type: 'text' };
  }
}

/** A value as people read it: on/off, `5, 10, 25`, `regular = 2000, vip = 10000`. */
export function formatSettingValue(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value)) return value.map((v) => formatSettingValue(v)).join(', ');
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => `${k} = ${formatSettingValue(v)}`)
      .join(', ');
  }
  return String(value);
}

/** The keys whose name or meaning contains every word of `query`. */
export function searchSettings(query: string): SettingKey[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  return SETTING_KEYS.filter((key) => {
    const haystack = `${key} ${SETTINGS[key].description} ${categoryOf(key).title}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

export type ParsedInput = { ok: true; value: unknown } | { ok: false; problems: string[] };

const TRUE_WORDS = new Set(['on', 'true', 'yes', '1', 'enabled']);
const FALSE_WORDS = new Set(['off', 'false', 'no', '0', 'disabled']);

function numberOf(text: string): number | null {
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : null;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Turns typed text into a value of the kind of `key` (not yet validated). */
function rawValue(key: SettingKey, text: string): unknown {
  const kind = settingKind(key);
  switch (kind.type) {
    case 'boolean': {
      const word = text.toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      return text;
    }
    case 'choice':
      return kind.options.find((o) => o.toLowerCase() === text.toLowerCase()) ?? text;
    case 'number':
      return numberOf(text) ?? text;
    case 'numbers': {
      const json = tryJson(text);
      if (Array.isArray(json)) return json;
      return text
        .split(/[\s,;]+/)
        .filter(Boolean)
        .map((part) => numberOf(part) ?? part);
    }
    case 'object': {
      const json = tryJson(text);
      if (json !== undefined) return json;
      const pairs = text.split(/[\s,;]+/).filter(Boolean);
      const entries = pairs.map((pair) => {
        const [name, value = ''] = pair.split(/[=:]/);
        return [name!.trim(), numberOf(value.trim()) ?? value.trim()] as const;
      });
      return Object.fromEntries(entries);
    }
    case 'text':
      return text;
  }
}

/**
 * Parses and validates what an admin typed for `key`: the value to store, or the problems
 * (the same validation as the store, the CLI and the loader).
 */
export function parseSettingInput(key: SettingKey, text: string): ParsedInput {
  const trimmed = text.trim();
  if (trimmed.length === 0) return { ok: false, problems: ['a value is needed'] };
  const result = validateSetting(key, rawValue(key, trimmed));
  if (result.ok) return { ok: true, value: result.value };
  // "1: Too small" names an array index: say which item, counting from 1.
  const problems = result.problems.map((p) =>
    p.replace(/^(\d+): /, (_, i: string) => `item ${Number(i) + 1}: `),
  );
  return { ok: false, problems };
}

/** How to type a value of `key` (the prompt's hint). */
export function inputHint(key: SettingKey): string {
  const kind = settingKind(key);
  switch (kind.type) {
    case 'boolean':
      return 'on or off';
    case 'choice':
      return `one of: ${kind.options.join(', ')}`;
    case 'number':
      return 'a whole number';
    case 'numbers':
      return 'numbers separated by commas, e.g. 5, 10, 25';
    case 'object':
      return kind.fields.map((f) => `${f}=…`).join(' ');
    case 'text':
      return 'text';
  }
}
