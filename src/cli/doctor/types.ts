/** What a doctor check is and what it may use. */
import type { Db } from '../../adapters/db/knex.js';
import type { StripeClient } from '../../adapters/stripe/client.js';
import type { OperatorApi, TgBotUser } from '../../adapters/telegram/operator-api.js';
import type { AppConfig, EnvSource } from '../../config/env.js';
import type { CliContext } from '../context.js';
import type { TrafficTuning } from '../runtime/traffic-config.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  status: CheckStatus;
  /** One line: what was found. */
  message: string;
  /** What to do next (shown for warn and fail). */
  hint?: string;
  /** A failed check whose partial result later checks can still use (settings with a gap). */
  usable?: boolean;
}

/** Shared, lazily built resources; a check that needs a failed one is skipped. */
export interface DoctorContext {
  cli: CliContext;
  env: EnvSource;
  /** Set once the config check passed. */
  config?: AppConfig;
  db?: Db;
  telegram?: OperatorApi;
  me?: TgBotUser;
  stripe?: StripeClient;
  /** `doctor --traffic-config FILE` (what `serve` is given); defaults otherwise. */
  tuning?: TrafficTuning;
  /** Results so far, by check id. */
  results: Map<string, CheckResult>;
}

export interface DoctorCheck {
  id: string;
  title: string;
  /** Ids of checks that must pass (or warn) first; otherwise this one is skipped. */
  after?: readonly string[];
  run(ctx: DoctorContext): Promise<CheckResult>;
}

export const pass = (message: string): CheckResult => ({ status: 'pass', message });
export const warn = (message: string, hint: string): CheckResult => ({
  status: 'warn',
  message,
  hint,
});
export const fail = (message: string, hint: string): CheckResult => ({
  status: 'fail',
  message,
  hint,
});
export const skip = (message: string): CheckResult => ({ status: 'skip', message });
