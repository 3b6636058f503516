/**
 * The wizard's answers, driven by the settings table (src/config/env-schema.ts): each
 * question's text, validation, secrecy and default come from there. Existing values (the
 * .env file, then the environment, then flags) are the defaults.
 */
import { loadConfig, maskSecret, type AppConfig } from '../../config/env.js';
import { ENV_SETTINGS, type EnvSetting } from '../../config/env-schema.js';
import { ConfigError, PremiumbotError } from '../../core/errors.js';
import type { SetupContext } from './types.js';

/** The flag name of a setting: BOT_TOKEN → --bot-token. */
export function flagOf(key: string): string {
  return `--${key.toLowerCase().replace(/_/g, '-')}`;
}

export function settingOf(key: string): EnvSetting {
  const setting = ENV_SETTINGS.find((s) => s.key === key);
  if (!setting) throw new Error(`unknown setting ${key}`);
  return setting;
}

/** Returns a validation message, or undefined when `value` is valid for `key`. */
export function invalidReason(key: string, value: string): string | undefined {
  const result = settingOf(key).schema.safeParse(value.trim());
  return result.success
    ? undefined
    : `${key} ${result.error.issues.map((i) => i.message).join('; ')}`;
}

export class Answers {
  private readonly values: Record<string, string>;

  constructor(
    private fileValues: Record<string, string>,
    env: Record<string, string | undefined>,
    flags: Record<string, string>,
  ) {
    this.values = {};
    for (const setting of ENV_SETTINGS) {
      const value = flags[setting.key] ?? env[setting.key] ?? fileValues[setting.key];
      if (value !== undefined && value.trim() !== '') this.values[setting.key] = value.trim();
    }
  }

  /** The current answer (not the table default). */
  get(key: string): string | undefined {
    return this.values[key];
  }

  set(key: string, value: string): void {
    this.values[key] = value;
  }

  /** Values to write: every answer that differs from the file. */
  fileUpdates(): Record<string, string> {
    const updates: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.values)) {
      if (this.fileValues[key] !== value) updates[key] = value;
    }
    return updates;
  }

  /** Records what the env file now holds (after a save). */
  markSaved(fileValues: Record<string, string>): void {
    this.fileValues = fileValues;
  }

  /** The answers as validated configuration (nothing required). */
  config(): AppConfig {
    return loadConfig({ ...this.values }, []);
  }
}

export interface AskOptions {
  /** Replaces the table's description as the question. */
  message?: string;
  /** An empty answer is allowed (the setting stays unset). */
  optional?: boolean;
  /** Default when there is no answer yet and no table default. */
  suggested?: string;
  /** Live check; throws a PremiumbotError naming the problem; returns a success line. */
  check?: (value: string) => Promise<string>;
}

/**
 * Asks for one setting (or, with --non-interactive, takes it from flags/environment/.env),
 * validates it with the table's schema and checks it live; interactive answers that fail
 * the live check are asked again.
 */
export async function askSetting(
  ctx: SetupContext,
  key: string,
  options: AskOptions = {},
): Promise<string | undefined> {
  const setting = settingOf(key);
  const current = ctx.answers.get(key) ?? options.suggested ?? setting.default;
  if (ctx.options.nonInteractive) {
    if (current === undefined) {
      if (options.optional) return undefined;
      throw new ConfigError(
        [`${key} is missing: ${setting.description}`],
        `Pass ${flagOf(key)} VALUE or set ${key} in the environment.`,
      );
    }
    const reason = invalidReason(key, current);
    if (reason)
      throw new ConfigError([reason], `Fix ${flagOf(key)} (or ${key} in the environment / .env).`);
    if (options.check) ctx.output.out(`✔ ${await options.check(current)}`);
    ctx.answers.set(key, current);
    return current;
  }
  const message = options.message ?? setting.description.replace(/\.$/, '');
  for (;;) {
    const validate = (raw: string): true | string => {
      const value = raw.trim();
      if (value === '')
        return current !== undefined || options.optional ? true : `${key} is required`;
      return invalidReason(key, value) ?? true;
    };
    let value: string;
    if (setting.secret) {
      const keep = current ? ` (Enter keeps ${maskSecret(current)})` : '';
      value = (await ctx.prompter.password({ message: `${message}${keep}`, validate })).trim();
      if (value === '' && current) value = current;
    } else {
      value = (
        await ctx.prompter.input({
          message: `${message}${options.optional ? ' (optional)' : ''}`,
          default: current,
          validate,
        })
      ).trim();
    }
    if (value === '') return undefined;
    const reason = invalidReason(key, value);
    if (reason) {
      ctx.output.out(`✖ ${reason}`);
      continue;
    }
    if (options.check) {
      try {
        ctx.output.out(`✔ ${await options.check(value)}`);
      } catch (err) {
        if (!(err instanceof PremiumbotError)) throw err;
        ctx.output.out(`✖ ${err.message}`);
        if (err.hint) ctx.output.out(`  → ${err.hint}`);
        continue;
      }
    }
    ctx.answers.set(key, value);
    return value;
  }
}
