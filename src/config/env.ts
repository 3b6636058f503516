import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { ConfigError, UsageError } from '../core/errors.js';
import { ENV_KEYS, ENV_SETTINGS, type EnvSetting, type Need } from './env-schema.js';

/** Raw string values by variable name, after merging the env file and the environment. */
export type RawEnv = Record<string, string | undefined>;

/** Where each value came from, for `doctor` and error messages. */
export interface EnvSource {
  values: RawEnv;
  /** The env file that was read, if any. */
  file?: string;
  /** Where the env file was looked for (`--env-file`, or `.env` in the working directory). */
  lookedFor?: string;
  /** Keys found in the env file that premiumbot does not know. */
  unknownFileKeys: string[];
}

export interface ReadEnvOptions {
  /** `--env-file PATH`; when given, the file must exist. */
  envFile?: string;
  /** The process environment (wins over the file). */
  env: RawEnv;
  cwd: string;
}

/**
 * Reads `.env` (or `--env-file`) and merges the real environment over it: the
 * environment wins. Only declared keys are taken from the process environment.
 */
export function readEnvironment(options: ReadEnvOptions): EnvSource {
  const explicit = options.envFile !== undefined;
  const file = path.resolve(options.cwd, options.envFile ?? '.env');
  let fileValues: Record<string, string> = {};
  if (fs.existsSync(file)) {
    fileValues = dotenv.parse(fs.readFileSync(file));
  } else if (explicit) {
    throw new UsageError(`The env file ${file} does not exist.`, {
      hint: 'Check the --env-file path, or run `premiumbot setup` to create one.',
    });
  }
  const values: RawEnv = {};
  for (const [key, value] of Object.entries(fileValues)) values[key] = value;
  for (const key of ENV_KEYS) {
    const value = options.env[key];
    if (value !== undefined) values[key] = value;
  }
  return {
    values,
    file: fs.existsSync(file) ? file : undefined,
    lookedFor: file,
    unknownFileKeys: Object.keys(fileValues).filter((k) => !ENV_KEYS.has(k)),
  };
}

/** The validated configuration the rest of the program receives. */
export interface AppConfig {
  botToken?: string;
  /** The primary admin group: alerts, the panel, owner commands (ADMIN_CHAT_ID or the first of ADMIN_CHAT_IDS). */
  adminChatId?: number;
  /** Every admin group, the primary first (one entry without ADMIN_CHAT_IDS; empty when unset). */
  adminChatIds: number[];
  adminUserIds: number[];
  telegramWebhookSecret?: string;
  telegramApiRoot: string;
  stripeApiKey?: string;
  stripeWebhookSecrets: string[];
  stripeApiBase: string;
  currency: string;
  lowCreditAlertThreshold: number;
  publicUrl?: string;
  host: string;
  port: number;
  /** METRICS_TOKEN: bearer token for /metrics (absent: loopback only). */
  metricsToken?: string;
  /** SANDBOX_CLOCK_URL: the sandbox clock serve follows (absent: the system's). */
  sandboxClockUrl?: string;
  databaseUrl: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

const NEED_LABEL: Record<Need, string> = {
  serve: '`premiumbot serve`',
  webhook: 'webhook mode (use `serve --polling` to run without it)',
  'set-webhooks': '`premiumbot set-webhooks`',
  telegram: 'talking to Telegram',
  stripe: 'talking to Stripe',
};

/**
 * The needs of this command that require `setting`: its own, plus those of `requiredWith`
 * when that other setting is set (STRIPE_WEBHOOK_SECRET goes with STRIPE_API_KEY).
 */
function neededBy(setting: EnvSetting, needs: readonly Need[], values: RawEnv): Need[] {
  if (setting.unlessSet !== undefined && present(values[setting.unlessSet])) return [];
  const own = setting.requiredFor.filter((n) => needs.includes(n));
  const pair = setting.requiredWith;
  if (!pair || !present(values[pair.key])) return own;
  return [...own, ...pair.for.filter((n) => needs.includes(n) && !own.includes(n))];
}

/** Empty strings count as unset, like most dotenv users expect. */
function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/** Where to put missing settings, naming the .env that was looked for when there was none. */
function missingHint(file: string | undefined, lookedFor: string | undefined): string {
  const where =
    file === undefined && lookedFor !== undefined
      ? `No .env at ${lookedFor}: pass \`--env-file PATH\` (the demo: \`--env-file demo/.env\`), or s`
      : 'S';
  return `${where}et them in .env (run \`premiumbot setup\` to write it) or in the environment; see docs/configuration.md.`;
}

/**
 * Validates every declared setting at once. Missing values required by `needs` and
 * invalid values (set but wrong) are all collected into one ConfigError.
 */
export function loadConfig(source: EnvSource | RawEnv, needs: readonly Need[] = []): AppConfig {
  const { values, unknownFileKeys, file, lookedFor } =
    'values' in source && typeof source.values === 'object'
      ? (source as EnvSource)
      : { values: source as RawEnv, unknownFileKeys: [] as string[], file: undefined };
  const problems: string[] = [];
  const missing: EnvSetting[] = [];
  const resolved: Record<string, string | undefined> = {};

  for (const setting of ENV_SETTINGS) {
    const raw = values[setting.key];
    if (!present(raw)) {
      resolved[setting.key] = setting.default;
      if (neededBy(setting, needs, values).length > 0 && setting.default === undefined)
        missing.push(setting);
      continue;
    }
    const value = raw.trim();
    const result = setting.schema.safeParse(value);
    if (!result.success) {
      const reason = result.error.issues.map((i) => i.message).join('; ');
      const shown = setting.secret
        ? ''
        : ` (got "${setting.redact ? setting.redact(value) : value}")`;
      problems.push(`${setting.key} ${reason}${shown}.`);
      continue;
    }
    resolved[setting.key] = value;
  }

  if (missing.length > 0) {
    const lines = missing.map((s) => {
      const why = neededBy(s, needs, values).map((n) => NEED_LABEL[n]);
      const given = s.requiredWith ? ` when ${s.requiredWith.key} is set` : '';
      return `${s.key} is missing: ${s.description.replace(/\.$/, '')}. Needed for ${why.join(' and ')}${given}.`;
    });
    problems.unshift(...lines);
  }
  problems.push(...adminGroupProblems(resolved));
  for (const key of unknownFileKeys) {
    problems.push(`${key} in ${file ?? '.env'} is not a premiumbot setting${suggest(key)}.`);
  }
  if (problems.length > 0) {
    throw new ConfigError(
      problems,
      missing.length > 0
        ? missingHint(file, lookedFor)
        : 'Fix the values in .env or the environment; see docs/configuration.md.',
    );
  }

  const get = (key: string): string | undefined => resolved[key];
  const list = (key: string): string[] =>
    (get(key) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const adminChatIds = adminGroups(get('ADMIN_CHAT_ID'), list('ADMIN_CHAT_IDS'));
  return {
    botToken: get('BOT_TOKEN'),
    adminChatId: adminChatIds[0],
    adminChatIds,
    adminUserIds: list('ADMIN_USER_IDS').map(Number),
    telegramWebhookSecret: get('TELEGRAM_WEBHOOK_SECRET'),
    telegramApiRoot: stripSlash(get('TELEGRAM_API_ROOT')!),
    stripeApiKey: get('STRIPE_API_KEY'),
    stripeWebhookSecrets: list('STRIPE_WEBHOOK_SECRET'),
    stripeApiBase: stripSlash(get('STRIPE_API_BASE')!),
    currency: get('CURRENCY')!,
    lowCreditAlertThreshold: Number(get('LOW_CREDIT_ALERT_THRESHOLD')),
    publicUrl: get('PUBLIC_URL') === undefined ? undefined : stripSlash(get('PUBLIC_URL')!),
    host: get('HOST')!,
    port: Number(get('PORT')),
    metricsToken: get('METRICS_TOKEN'),
    sandboxClockUrl: get('SANDBOX_CLOCK_URL'),
    databaseUrl: get('DATABASE_URL')!,
    logLevel: get('LOG_LEVEL') as AppConfig['logLevel'],
  };
}

/** The admin groups, primary first: ADMIN_CHAT_ID (if set), then ADMIN_CHAT_IDS without it. */
function adminGroups(primary: string | undefined, listed: readonly string[]): number[] {
  const ids = primary === undefined ? [...listed] : [primary, ...listed];
  return [...new Set(ids.map(Number))];
}

/** ADMIN_CHAT_ID may open ADMIN_CHAT_IDS (it is the primary group) but not sit further down. */
function adminGroupProblems(resolved: Record<string, string | undefined>): string[] {
  const primary = resolved.ADMIN_CHAT_ID;
  const listed = resolved.ADMIN_CHAT_IDS;
  if (primary === undefined || listed === undefined) return [];
  const ids = listed.split(',').map((s) => s.trim());
  const at = ids.findIndex((id) => Number(id) === Number(primary));
  if (at <= 0) return [];
  return [
    `ADMIN_CHAT_IDS lists ADMIN_CHAT_ID (${primary}) at position ${at + 1}: the primary group must come first, or be left out of the list.`,
  ];
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function suggest(key: string): string {
  const upper = key.toUpperCase();
  const close = [...ENV_KEYS].find((k) => k === upper || levenshtein(k, upper) <= 2);
  return close ? ` (did you mean ${close}?)` : '';
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** Masks a secret for display: only its last four characters survive, when it is long. */
export function maskSecret(value: string): string {
  return value.length >= 16 ? `****${value.slice(-4)}` : '****';
}

/** Lines `KEY=value` of the effective configuration, secrets masked, for `serve` and `doctor`. */
export function describeConfig(values: RawEnv): string[] {
  return ENV_SETTINGS.map((s) => {
    const raw = present(values[s.key]) ? values[s.key]!.trim() : undefined;
    const value = raw ?? s.default;
    if (value === undefined) return `${s.key}=(not set)`;
    const shown = s.secret ? maskSecret(value) : s.redact ? s.redact(value) : value;
    return `${s.key}=${shown}${raw === undefined ? ' (default)' : ''}`;
  });
}
