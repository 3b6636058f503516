import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { COMMANDS, commandNamed } from './commands/index.js';
import type { CliContext } from './context.js';
import { exitCodeFor, processOutput, renderError, type Output } from './ui.js';

const pkg = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8'),
) as { version: string };

export interface RunOptions {
  argv: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  output?: Output;
  signals?: NodeJS.EventEmitter;
}

/**
 * Builds the commander program from the registry. Only the command `argv` names is imported
 * (it registers itself with its options); the others are listed by name and summary, so
 * `premiumbot --help` starts in a fraction of the time the whole server stack takes to load.
 */
export async function buildProgram(
  ctx: CliContext,
  argv: readonly string[] = [],
): Promise<Command> {
  const program = new Command('premiumbot')
    .description(
      'Sell a premium messaging service on Telegram, answered by your team in forum topics.',
    )
    .version(pkg.version, '-V, --version', 'print the version')
    .option('--env-file <path>', 'read configuration from this file instead of ./.env')
    .option('--verbose', 'show stack traces and debug logs')
    .showHelpAfterError('(run `premiumbot --help` for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.output.out(s.replace(/\n$/, '')),
      writeErr: (s) => ctx.output.err(s.replace(/\n$/, '')),
    });
  program.hook('preAction', (thisCommand) => {
    const opts = thisCommand.opts<{ envFile?: string; verbose?: boolean }>();
    ctx.envFile = opts.envFile;
    ctx.verbose =
      Boolean(opts.verbose) || ctx.env.LOG_LEVEL === 'debug' || ctx.env.LOG_LEVEL === 'trace';
  });
  const named = commandNamed(argv);
  for (const entry of COMMANDS) {
    if (entry.name === named) (await entry.load()).register(program, ctx);
    else program.command(entry.name).description(entry.summary);
  }
  for (const sub of program.commands) sub.exitOverride();
  return program;
}

/** Runs the CLI and returns the exit code (0 success, 1 failure, 2 usage/configuration). */
export async function run(options: RunOptions): Promise<number> {
  const output = options.output ?? processOutput();
  const ctx: CliContext = {
    cwd: options.cwd,
    env: options.env,
    output,
    verbose: false,
    signals: options.signals ?? new EventEmitter(),
  };
  const program = await buildProgram(ctx, options.argv);
  try {
    await program.parseAsync(options.argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      ) {
        return 0;
      }
      // commander has already printed its message; usage errors are exit 2.
      return 2;
    }
    renderError(err, output, ctx.verbose);
    return exitCodeFor(err);
  }
}

/** Entry point of the `premiumbot` executable. */
export async function main(): Promise<void> {
  const signals = new EventEmitter();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (signals.listenerCount('shutdown') === 0) process.exit(130);
      signals.emit('shutdown', signal);
    });
  }
  const code = await run({
    argv: process.argv.slice(2),
    env: process.env,
    cwd: process.cwd(),
    signals,
  });
  process.exitCode = code;
}
