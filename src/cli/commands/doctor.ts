/** `premiumbot doctor`: one line per check; exit 1 if any fails. */
import path from 'node:path';
import { ErrorCodes, PremiumbotError } from '../../core/errors.js';
import type { CommandModule } from '../context.js';
import { DOCTOR_CHECKS } from '../doctor/checks/index.js';
import { runDoctor } from '../doctor/run-doctor.js';
import { readTuningFile } from '../runtime/traffic-config.js';

export const doctorCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('doctor')
      .description(
        'check configuration, database, Telegram (token, admin group, rights), Stripe and webhooks',
      )
      .option(
        '--traffic-config <file>',
        'the JSON file given to `serve --traffic-config` (its limits are shown)',
      )
      .action(async (opts: { trafficConfig?: string }) => {
        const tuning = opts.trafficConfig
          ? readTuningFile(path.resolve(ctx.cwd, opts.trafficConfig))
          : undefined;
        const summary = await runDoctor(ctx, DOCTOR_CHECKS, { tuning });
        const total = summary.results.length;
        if (summary.failed > 0) {
          throw new PremiumbotError(
            ErrorCodes.config,
            `${summary.failed} of ${total} checks failed.`,
            {
              hint: 'Fix them in the order shown (the arrows say how), then run `premiumbot doctor` again.',
            },
          );
        }
        ctx.output.out(
          summary.warned > 0
            ? `No check failed (${summary.warned} warning${summary.warned === 1 ? '' : 's'}).`
            : 'Every check passed.',
        );
      });
  },
};
