/**
 * Asks the wizard's questions, driven by the settings table (src/config/env-schema.ts): each
 * question's text, validation, secrecy and default come from there.
 */
import { maskSecret } from '../../config/env.js';
import { ConfigError, PremiumbotError } from '../../core/errors.js';
import { flagOf, invalidReason, settingOf } from './answers.js';
import type { SetupContext } from './types.js';

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
