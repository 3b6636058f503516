/**
 * The setup wizard: runs the steps in order (or one), saving `.env` after each so an
 * interruption keeps every confirmed answer, and existing answers are the defaults.
 */
import { ConfigError, UsageError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { envFilePathOf, readEnvFile, updateEnvFile } from '../env-file.js';
import type { Prompter } from '../prompter.js';
import { readTemplate } from '../templates.js';
import { Answers, flagOf, invalidReason } from './answers.js';
import { SETUP_STEPS } from './steps/index.js';
import type { SetupContext, SetupOptions, SetupStep } from './types.js';

/** The steps to run for `premiumbot setup [step]`. */
export function selectSteps(stepId: string | undefined): SetupStep[] {
  if (stepId === undefined) return [...SETUP_STEPS];
  const step = SETUP_STEPS.find((s) => s.id === stepId);
  if (!step) {
    throw new UsageError(`Unknown setup step "${stepId}".`, {
      hint: `The steps are: ${SETUP_STEPS.map((s) => s.id).join(', ')}.`,
    });
  }
  return [step];
}

/** With --non-interactive, every missing or invalid answer is reported at once, before any step runs. */
function preflight(steps: readonly SetupStep[], answers: Answers): void {
  const problems: string[] = [];
  for (const step of steps) {
    for (const key of step.requires ?? []) {
      const value = answers.get(key);
      if (value === undefined)
        problems.push(`${key} is missing (pass ${flagOf(key)} VALUE or set ${key}).`);
    }
  }
  for (const key of [
    'BOT_TOKEN',
    'ADMIN_CHAT_ID',
    'ADMIN_USER_IDS',
    'STRIPE_API_KEY',
    'DATABASE_URL',
    'PUBLIC_URL',
    'CURRENCY',
  ]) {
    const value = answers.get(key);
    if (value === undefined) continue;
    const reason = invalidReason(key, value);
    if (reason) problems.push(`${reason}.`);
  }
  if (problems.length > 0) {
    throw new ConfigError(
      problems,
      'With --non-interactive every answer comes from flags, the environment or the existing .env.',
    );
  }
}

/** `KEY=example` lines become `# KEY=example` (the wizard uncomments what it answers). */
function commentedOut(template: string): string {
  return template.replace(/^([A-Z][A-Z0-9_]*=)/gm, '# $1');
}

/** Runs the wizard (all steps, or `stepId`). */
export async function runSetup(
  cli: CliContext,
  options: SetupOptions,
  prompter: Prompter,
  stepId?: string,
): Promise<void> {
  const steps = selectSteps(stepId);
  const envFile = envFilePathOf(cli);
  const answers = new Answers(readEnvFile(envFile), cli.env, options.flags);
  if (options.nonInteractive) preflight(steps, answers);
  // A new .env starts from the template with its examples commented out: only validated
  // answers are ever active, so an interrupted wizard leaves no placeholder that a re-run
  // (or serve) would take for a real value.
  const template = commentedOut(readTemplate('env.example'));
  const ctx: SetupContext = {
    cli,
    output: cli.output,
    prompter,
    options,
    envFile,
    answers,
    facts: {},
    save() {
      const changed = updateEnvFile(envFile, answers.fileUpdates(), { template });
      answers.markSaved(readEnvFile(envFile));
      if (changed.length > 0) cli.output.out(`  saved ${changed.join(', ')} to ${envFile}`);
    },
  };
  cli.output.out(
    stepId
      ? `premiumbot setup: ${steps[0]?.title}`
      : `premiumbot setup: ${steps.length} steps; answers are saved to ${envFile} as you go.`,
  );
  for (const [index, step] of steps.entries()) {
    cli.output.out('');
    cli.output.out(steps.length > 1 ? `[${index + 1}/${steps.length}] ${step.title}` : step.title);
    await step.run(ctx);
    ctx.save();
  }
  cli.output.out('');
  if (stepId) {
    cli.output.out(`Step "${stepId}" done. Run \`premiumbot doctor\` to check everything.`);
    return;
  }
  const config = answers.config();
  cli.output.out('Setup complete. Next:');
  cli.output.out(`  premiumbot doctor            # every check should pass`);
  cli.output.out(
    `  premiumbot serve${config.publicUrl ? '' : ' --polling'}             # or: sudo systemctl enable --now premiumbot`,
  );
}
