import type { Command } from 'commander';
import {
  loadConfig,
  readEnvironment,
  type AppConfig,
  type EnvSource,
  type RawEnv,
} from '../config/env.js';
import type { Need } from '../config/env-schema.js';
import type { Logger } from '../core/logger.js';
import { createLogger } from './logger.js';
import type { Output } from './ui.js';

/** Everything a command may use; the only place argv/env/cwd enter the program. */
export interface CliContext {
  cwd: string;
  env: RawEnv;
  output: Output;
  /** Resolved `--env-file` (undefined means `.env` in cwd, if present). */
  envFile?: string;
  verbose: boolean;
  /** Lets long-running commands (serve, sandbox) wait for Ctrl-C / SIGTERM. */
  signals: NodeJS.EventEmitter;
}

/** Reads the env file + environment. */
export function environmentOf(ctx: CliContext): EnvSource {
  return readEnvironment({ envFile: ctx.envFile, env: ctx.env, cwd: ctx.cwd });
}

/** Reads and validates the configuration a command needs (throws ConfigError, exit 2). */
export function configFor(ctx: CliContext, needs: readonly Need[]): AppConfig {
  return loadConfig(environmentOf(ctx), needs);
}

/** The process logger at the configured level. */
export function loggerFor(ctx: CliContext, config: AppConfig): Logger {
  return createLogger({ level: ctx.verbose ? 'debug' : config.logLevel });
}

/** One command module: registers itself on the program. */
export interface CommandModule {
  register(program: Command, ctx: CliContext): void;
}
