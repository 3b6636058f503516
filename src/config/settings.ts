/**
 * Runtime business settings (the `settings` table), declared once: key, description,
 * default and validation. The admin panel, the settings store and the docs all read this
 * table. Values are stored as JSON text; a key without a row has its default.
 */
import { z } from 'zod';
import type { MessageCosts, MessageType } from '../core/pricing.js';
import { RAIL_SETTINGS } from '../core/payments/rails.js';
import { tierThresholdsAreValid, type TierThresholds } from '../core/tiers.js';

export interface SettingDefinition<S extends z.ZodType = z.ZodType> {
  description: string;
  schema: S;
  default: z.output<S>;
}

function setting<S extends z.ZodType>(
  schema: S,
  defaultValue: z.output<S>,
  description: string,
): SettingDefinition<S> {
  return { schema, default: defaultValue, description };
}

/** Credits per message; 0 makes a type free, 1000 is a sanity cap. */
const cost = z.number().int().min(0).max(1000);

/** An IANA time zone name the runtime's Intl knows (`Europe/Paris`, `UTC`). */
const timeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(isTimeZone, { message: 'not an IANA time zone name (e.g. UTC, Europe/Paris)' });

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const tierThresholds = z
  .object({
    regular: z.number().int().min(0),
    vip: z.number().int().min(0),
  })
  .strict()
  .refine((t: TierThresholds) => tierThresholdsAreValid(t), {
    message: 'vip must be at least regular',
  });

/**
 * Every setting. Media that take more effort to answer cost more: voice, video and round
 * video notes 5; photos, documents and audio files 3; GIF animations 2; text, stickers,
 * locations, contacts and anything else 1.
 */
export const SETTINGS = {
  'cost.text': setting(cost, 1, 'Credits a text message costs.'),
  'cost.photo': setting(cost, 3, 'Credits a photo costs.'),
  'cost.voice': setting(cost, 5, 'Credits a voice message costs.'),
  'cost.video': setting(cost, 5, 'Credits a video costs.'),
  'cost.video_note': setting(cost, 5, 'Credits a round video message costs.'),
  'cost.audio': setting(cost, 3, 'Credits an audio file costs.'),
  'cost.animation': setting(cost, 2, 'Credits a GIF animation costs.'),
  'cost.document': setting(cost, 3, 'Credits a file (document) costs.'),
  'cost.sticker': setting(cost, 1, 'Credits a sticker costs.'),
  'cost.location': setting(cost, 1, 'Credits a location or venue costs.'),
  'cost.contact': setting(cost, 1, 'Credits a shared contact costs.'),
  'cost.other': setting(cost, 1, 'Credits any other message (poll, dice…) costs.'),
  'low_balance.threshold': setting(
    z.number().int().min(0).max(100_000),
    5,
    'Fans at or below this many credits are warned (default: LOW_CREDIT_ALERT_THRESHOLD).',
  ),
  'pass.warning_minutes': setting(
    z.number().int().min(0).max(1440),
    5,
    'Minutes before a time pass ends that the fan is warned; 0 disables the warning.',
  ),
  'tier.thresholds': setting(
    tierThresholds,
    { regular: 2000, vip: 10000 },
    'Total spend in cents from which a fan is Regular and VIP (below Regular: New).',
  ),
  'auto_recharge.max_failures': setting(
    z.number().int().min(1).max(20),
    3,
    'Consecutive failed auto-recharge charges after which auto-recharge is turned off.',
  ),
  'receipts.enabled': setting(z.boolean(), true, 'Send the fan a receipt after each payment.'),
  'payments.rails': setting(
    z.enum(RAIL_SETTINGS),
    'auto',
    'How fans pay: stripe (cards), stars (Telegram Stars), both, or auto — Stars when a product on sale has a Stars price, Stripe when STRIPE_API_KEY is set. Without STRIPE_API_KEY the Stripe rail is off whatever this says.',
  ),
  'payments.support_text': setting(
    z.string().max(3000),
    '',
    'What /paysupport answers fans (plain text, at most 3000 characters); empty: the built-in text in the fan’s language. The team also gets a 🚩 note in the fan’s topic.',
  ),
  'payments.stars_rate': setting(
    z
      .string()
      .trim()
      .regex(/^$|^\d{1,6}(\.\d{1,6})?$/, 'a decimal like 0.013, or empty'),
    '',
    'What one Telegram Star is worth in CURRENCY (a decimal like 0.013), for the estimate /admin shows next to Stars revenue; Stars are never added to money. Empty: no estimate.',
  ),
  'payments.terms_text': setting(
    z.string().max(3000),
    '',
    'What /terms answers fans: your terms of sale (plain text, at most 3000 characters); empty: the built-in text in the fan’s language.',
  ),
  'relay.receipts': setting(
    z.boolean(),
    true,
    'React on fan messages when they reach the team (👀) and when the team answers (👍), and show a chat action while an answer is delivered.',
  ),
  'relay.pin_card': setting(
    z.boolean(),
    false,
    'Pin each new fan card in its topic. The card is the topic’s first message either way; a pin posts a service message, one more of the admin group’s 20 messages a minute for every new fan.',
  ),
  'gift.presets': setting(
    z.array(z.number().int().min(1).max(100_000)).min(1).max(6),
    [5, 10, 25, 50],
    'Credit amounts offered by the 🎁 Gift credits button of the fan card.',
  ),
  'display.time_zone': setting(
    timeZone,
    'UTC',
    'Time zone (IANA name, e.g. Europe/Paris) of every date and time shown to fans and the team; each reader sees it in their own language.',
  ),
  'lost_sales.window_minutes': setting(
    z.number().int().min(0).max(1440),
    60,
    'A fan who writes without credits is shown to the team as one line per this many minutes (edited with the new count); 0 turns the line off.',
  ),
  'inbox.urgent_after_minutes': setting(
    z.number().int().min(0).max(10_080),
    15,
    'In /conversations, a paying fan whose message has waited this many minutes for an answer is marked 🔥 (0: as soon as they wait).',
  ),
  'inbox.agents_own_fans_only': setting(
    z.boolean(),
    false,
    'Agents see and answer only the fans they hold (/take, /assign): their messages in other fans’ topics are not relayed and /conversations lists only theirs.',
  ),
  'inbox.auto_assign': setting(
    z.boolean(),
    false,
    'Give each new paying fan to the next agent on duty (/duty on), in turn.',
  ),
  'inbox.alert_after_minutes': setting(
    z.number().int().min(0).max(10_080),
    30,
    'A paying fan unanswered this many minutes gets 🔥 on their topic and one reminder in the Alerts topic (mentioning who claimed them); the next team answer clears it. 0 turns the reminders off.',
  ),
  'inbox.quiet_hours': setting(
    z
      .string()
      .trim()
      .regex(
        /^$|^([01]?\d|2[0-3]):[0-5]\d\s*-\s*([01]?\d|2[0-3]):[0-5]\d$/,
        'HH:MM-HH:MM, or empty',
      ),
    '',
    'No response-time reminders between these times (HH:MM-HH:MM in display.time_zone, e.g. 22:00-08:00; empty: none). Reminders due meanwhile go out when they end.',
  ),
} as const;

type Table = typeof SETTINGS;

export type SettingKey = keyof Table;

/** Every setting with its type. */
export type Settings = { [K in SettingKey]: z.output<Table[K]['schema']> };

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** True when `key` names a declared setting. */
export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS, key);
}

/** Validates a value for `key`; returns the parsed value or the problems, one per line. */
export function validateSetting<K extends SettingKey>(
  key: K,
  value: unknown,
): { ok: true; value: Settings[K] } | { ok: false; problems: string[] } {
  const result = (SETTINGS[key].schema as z.ZodType).safeParse(value);
  if (result.success) return { ok: true, value: result.data as Settings[K] };
  return {
    ok: false,
    problems: result.error.issues.map((issue) =>
      issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    ),
  };
}

/** The declared defaults. */
export function defaultSettings(): Settings {
  const values: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) values[key] = structuredClone(SETTINGS[key].default);
  return values as Settings;
}

/** The message costs held in `settings`, in the shape core/pricing expects. */
export function messageCosts(settings: Settings): MessageCosts {
  const costs: Record<MessageType, number> = {
    text: settings['cost.text'],
    photo: settings['cost.photo'],
    voice: settings['cost.voice'],
    video: settings['cost.video'],
    video_note: settings['cost.video_note'],
    audio: settings['cost.audio'],
    animation: settings['cost.animation'],
    document: settings['cost.document'],
    sticker: settings['cost.sticker'],
    location: settings['cost.location'],
    contact: settings['cost.contact'],
    other: settings['cost.other'],
  };
  return costs;
}
