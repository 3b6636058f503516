import pino from 'pino';
import type { Logger } from '../core/logger.js';

/** Field names whose values never reach a log line. */
export const REDACTED_KEYS = [
  'token',
  'botToken',
  'bot_token',
  'apiKey',
  'api_key',
  'stripeApiKey',
  'secret',
  'secret_token',
  'webhookSecret',
  'password',
  'authorization',
  'Authorization',
  'cookie',
  'text',
  'caption',
  'card',
  'number',
  'cvc',
];

/** Patterns of secrets that may hide inside strings (URLs, error messages). */
const SECRET_PATTERNS: RegExp[] = [
  /(?<!\d)\d{6,12}:[A-Za-z0-9_-]{30,}/g, // Telegram bot token
  /\b(sk|rk|pk)_(live|test)_[A-Za-z0-9]{8,}\b/g, // Stripe keys
  /\bwhsec_[A-Za-z0-9]{8,}\b/g, // Stripe signing secrets
  /(postgres(?:ql)?:\/\/[^:/@\s]+:)(?!PASSWORD@)[^@\s]+@/g, // password in a database URL
];

/** Replaces secrets inside a string with `[REDACTED]`. */
export function scrubString(value: string): string {
  let out = value;
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (match, p1: string | undefined) =>
      match.startsWith('postgres') && p1 ? `${p1}[REDACTED]@` : '[REDACTED]',
    );
  }
  return out;
}

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return {
      type: value.name,
      message: scrubString(value.message),
      stack: value.stack && scrubString(value.stack),
      code: (value as { code?: unknown }).code,
    };
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = REDACTED_KEYS.includes(k) ? '[REDACTED]' : scrub(v, depth + 1);
  }
  return out;
}

export interface CreateLoggerOptions {
  level: string;
  /** Pretty single-line output for humans (on a TTY); JSON otherwise. */
  pretty?: boolean;
  destination?: pino.DestinationStream;
}

/** The one pino logger of the process; children per update, request or Stripe event. */
export function createLogger(options: CreateLoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { name: 'premiumbot' },
      formatters: {
        log: (obj) => scrub(obj) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) =>
            typeof a === 'string' ? scrubString(a) : a,
          ) as Parameters<typeof method>;
          return method.apply(this, scrubbed);
        },
      },
      serializers: { err: (err: unknown) => scrub(err) },
    },
    options.destination ?? pino.destination(2),
  ) as unknown as Logger;
}
