import { z } from 'zod';
import { isSupportedCurrency } from '../core/money.js';
import { DEFAULT_DATABASE_URL, maskDatabaseUrl, parseDatabaseUrl } from './database-url.js';

/** What a setting is needed for; `loadConfig` checks the ones the command asks for. */
export type Need = 'serve' | 'webhook' | 'set-webhooks' | 'telegram' | 'stripe';

/** One environment setting, declared once: drives the validator, the wizard and the docs. */
export interface EnvSetting {
  /** Environment variable name. */
  key: string;
  /** One line for docs, `env.example` and the wizard. */
  description: string;
  /** Default value as written in the environment; undefined means "no default". */
  default?: string;
  /** Secrets are masked wherever configuration is printed. */
  secret: boolean;
  /** Partial masking for values that are not secrets as a whole (a URL with a password). */
  redact?: (value: string) => string;
  /** Commands or modes that cannot run without this setting. */
  requiredFor: readonly Need[];
  /**
   * Required for these commands or modes only when another setting is set (a Stripe key
   * without its webhook secret); unset together, both are simply off.
   */
  requiredWith?: { key: string; for: readonly Need[] };
  /** Not required when this other setting is set (ADMIN_CHAT_IDS names the primary group too). */
  unlessSet?: string;
  /** Validates the raw string (after trimming); the message says what is expected. */
  schema: z.ZodType<unknown>;
  /** Example value shown in `templates/env.example` when there is no default. */
  example?: string;
  /** Groups the settings in docs and the example file. */
  group: 'Telegram' | 'Stripe' | 'Server' | 'Database' | 'Business' | 'Logging';
}

const telegramId = z.string().regex(/^-?\d{1,20}$/, 'must be a numeric Telegram id');

/** Comma-separated group ids (negative), each listed once. */
const groupIdList = z
  .string()
  .regex(
    /^\s*-\d{1,20}(\s*,\s*-\d{1,20})*\s*$/,
    'must be comma-separated group ids (negative, e.g. -1001234567890,-1009876543210)',
  )
  .refine((v) => {
    const ids = v.split(',').map((s) => s.trim());
    return new Set(ids).size === ids.length;
  }, 'must list each group once');

/** Loopback hosts, where plain http is acceptable (the local sandbox). */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * An http(s) URL. With `https`, plain http is accepted only on loopback addresses, so a
 * local `serve` can receive the sandbox's webhooks; Telegram itself requires https.
 */
const httpUrl = (https: boolean) =>
  z.string().refine(
    (value) => {
      try {
        const url = new URL(value);
        if (url.protocol === 'https:') return true;
        return url.protocol === 'http:' && (!https || LOOPBACK.test(url.hostname));
      } catch {
        return false;
      }
    },
    https
      ? 'must be an https:// URL (http:// only on localhost, for the sandbox)'
      : 'must be an http:// or https:// URL',
  );

const positiveInt = (max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .refine((v) => Number(v) <= max, `must be at most ${max}`);

/** Every environment setting of premiumbot, in the order docs list them (DESIGN §3). */
export const ENV_SETTINGS: readonly EnvSetting[] = [
  {
    key: 'BOT_TOKEN',
    group: 'Telegram',
    description: 'Telegram bot token from @BotFather.',
    secret: true,
    requiredFor: ['serve', 'telegram', 'set-webhooks'],
    schema: z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]+$/, 'must look like 123456789:ABC… (from @BotFather)'),
    example: '123456789:replace-with-your-bot-token',
  },
  {
    key: 'ADMIN_CHAT_ID',
    group: 'Telegram',
    description:
      'Id of the private admin forum supergroup (starts with -100): the primary group (alerts, panel, owner commands).',
    secret: false,
    requiredFor: ['serve'],
    unlessSet: 'ADMIN_CHAT_IDS',
    schema: telegramId.refine(
      (v) => v.startsWith('-'),
      'must be a group id (negative, e.g. -1001234567890)',
    ),
    example: '-1001234567890',
  },
  {
    key: 'ADMIN_CHAT_IDS',
    group: 'Telegram',
    description:
      'Comma-separated ids of overflow admin forum supergroups with the same team; new fans go to the group with the most budget left and stay there. Without ADMIN_CHAT_ID the first is the primary group; with it, ADMIN_CHAT_ID comes first or is left out.',
    secret: false,
    requiredFor: [],
    schema: groupIdList,
  },
  {
    key: 'ADMIN_USER_IDS',
    group: 'Telegram',
    description: 'Comma-separated Telegram user ids of the owners (role owner).',
    secret: false,
    requiredFor: ['serve'],
    schema: z
      .string()
      .regex(/^\s*\d{1,20}(\s*,\s*\d{1,20})*\s*$/, 'must be comma-separated numeric user ids'),
    example: '11111111,22222222',
  },
  {
    key: 'TELEGRAM_WEBHOOK_SECRET',
    group: 'Telegram',
    description:
      'Secret token Telegram echoes in X-Telegram-Bot-Api-Secret-Token (1-256 of A-Z a-z 0-9 _ -).',
    secret: true,
    requiredFor: ['webhook', 'set-webhooks'],
    schema: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1-256 characters of A-Z, a-z, 0-9, _ and -'),
    example: 'replace-with-a-long-random-string',
  },
  {
    key: 'TELEGRAM_API_ROOT',
    group: 'Telegram',
    description: 'Bot API base URL (point it at `premiumbot sandbox` to test offline).',
    default: 'https://api.telegram.org',
    secret: false,
    requiredFor: [],
    schema: httpUrl(false),
  },
  {
    key: 'STRIPE_API_KEY',
    group: 'Stripe',
    description:
      'Stripe secret key (sk_…) or restricted key (rk_…); leave unset to sell with Telegram Stars only (the Stripe rail is then off).',
    secret: true,
    requiredFor: ['stripe'],
    schema: z
      .string()
      .regex(
        /^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/,
        'must start with sk_test_, sk_live_, rk_test_ or rk_live_',
      ),
    example: 'sk_test_replace-with-your-key',
  },
  {
    key: 'STRIPE_WEBHOOK_SECRET',
    group: 'Stripe',
    description: 'Stripe endpoint signing secret(s), comma-separated during rotation.',
    secret: true,
    requiredFor: [],
    requiredWith: { key: 'STRIPE_API_KEY', for: ['serve'] },
    schema: z
      .string()
      .regex(
        /^whsec_[A-Za-z0-9_]+(\s*,\s*whsec_[A-Za-z0-9_]+)*$/,
        'must be one or more whsec_… secrets, comma-separated',
      ),
    example: 'whsec_replace-with-your-signing-secret',
  },
  {
    key: 'STRIPE_API_BASE',
    group: 'Stripe',
    description: 'Stripe API base URL (point it at `premiumbot sandbox` to test offline).',
    default: 'https://api.stripe.com',
    secret: false,
    requiredFor: [],
    schema: httpUrl(false),
  },
  {
    key: 'CURRENCY',
    group: 'Business',
    description:
      'ISO 4217 currency for new prices (lowercase, one Stripe supports); only purchases in it count toward total spent and tiers.',
    default: 'usd',
    secret: false,
    requiredFor: [],
    schema: z
      .string()
      .regex(/^[a-z]{3}$/, 'must be a three-letter lowercase ISO currency such as usd')
      .superRefine((value, ctx) => {
        if (/^[a-z]{3}$/.test(value) && !isSupportedCurrency(value))
          ctx.addIssue({
            code: 'custom',
            message:
              'must be a currency Stripe supports, such as usd, eur or jpy (https://docs.stripe.com/currencies)',
          });
      }),
  },
  {
    key: 'LOW_CREDIT_ALERT_THRESHOLD',
    group: 'Business',
    description: 'Credits at or below which fans get a low-balance alert.',
    default: '5',
    secret: false,
    requiredFor: [],
    schema: positiveInt(1_000_000),
  },
  {
    key: 'PUBLIC_URL',
    group: 'Server',
    description:
      'Public https base URL of this server (webhooks go to PUBLIC_URL/telegram-webhook and /stripe-webhook; http://127.0.0.1:PORT is accepted for the local sandbox).',
    secret: false,
    requiredFor: ['set-webhooks'],
    schema: httpUrl(true),
    example: 'https://bot.example.com',
  },
  {
    key: 'HOST',
    group: 'Server',
    description: 'Address the HTTP server listens on.',
    default: '0.0.0.0',
    secret: false,
    requiredFor: [],
    schema: z.string().min(1),
  },
  {
    key: 'PORT',
    group: 'Server',
    description: 'Port the HTTP server listens on.',
    default: '8080',
    secret: false,
    requiredFor: [],
    schema: positiveInt(65535),
  },
  {
    key: 'METRICS_TOKEN',
    group: 'Server',
    description:
      'Bearer token for GET /metrics (16-256 of A-Z a-z 0-9 _ -); without it /metrics answers only requests from this machine.',
    secret: true,
    requiredFor: [],
    schema: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16-256 characters of A-Z, a-z, 0-9, _ and -'),
    example: 'replace-with-a-long-random-string',
  },
  {
    key: 'SANDBOX_CLOCK_URL',
    group: 'Server',
    description:
      'Only with `premiumbot sandbox` (which writes it): serve follows the sandbox clock at this loopback URL, so the sandbox page can move time forward (pass ends, response-time alerts). Leave it unset in production.',
    secret: false,
    requiredFor: [],
    schema: z.string().refine((value) => {
      try {
        const url = new URL(value);
        return /^https?:$/.test(url.protocol) && LOOPBACK.test(url.hostname);
      } catch {
        return false;
      }
    }, 'must be an http:// URL on this machine (127.0.0.1, localhost or [::1])'),
  },
  {
    key: 'DATABASE_URL',
    group: 'Database',
    description: 'postgres://USER:PASSWORD@HOST:5432/DB or sqlite:PATH.',
    default: DEFAULT_DATABASE_URL,
    secret: false,
    redact: maskDatabaseUrl,
    requiredFor: [],
    schema: z.string().superRefine((value, ctx) => {
      try {
        parseDatabaseUrl(value);
      } catch (err) {
        const why = /not usable: (.*)\.$/.exec((err as Error).message)?.[1] ?? 'it is not usable';
        ctx.addIssue({
          code: 'custom',
          message: `is not usable: ${why}; use sqlite:PATH or postgres://USER:PASSWORD@HOST:5432/DB`,
        });
      }
    }),
  },
  {
    key: 'LOG_LEVEL',
    group: 'Logging',
    description: 'Log level: fatal, error, warn, info, debug or trace.',
    default: 'info',
    secret: false,
    requiredFor: [],
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  },
];

/** The keys of every declared setting. */
export const ENV_KEYS: ReadonlySet<string> = new Set(ENV_SETTINGS.map((s) => s.key));
