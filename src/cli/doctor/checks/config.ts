import { loadConfig } from '../../../config/env.js';
import { ConfigError } from '../../../core/errors.js';
import { fail, pass, type DoctorCheck } from '../types.js';

/** Every setting is valid and what `serve` needs is present. */
export const configCheck: DoctorCheck = {
  id: 'config',
  title: 'settings',
  async run(ctx) {
    try {
      const needs = ['serve'] as const;
      const config = loadConfig(
        ctx.env,
        ctx.env.values.PUBLIC_URL ? [...needs, 'webhook', 'set-webhooks'] : needs,
      );
      ctx.config = config;
      return pass(
        config.publicUrl
          ? `complete for webhook mode (${config.publicUrl})`
          : 'complete for polling mode (no PUBLIC_URL)',
      );
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const result = fail(
        err.problems.join(' '),
        err.hint ?? 'Fix .env (or run `premiumbot setup`).',
      );
      // When only required values are missing, the rest is usable: later checks still run.
      try {
        ctx.config = loadConfig(ctx.env, []);
        return { ...result, usable: true };
      } catch {
        return result;
      }
    }
  },
};
