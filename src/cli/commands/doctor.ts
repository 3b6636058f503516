/** `premiumbot doctor`: one line per check; exit 1 if any fails. */
import { ErrorCodes, PremiumbotError } from '../../core/errors.js';
import type { CommandModule } from '../context.js';
import { runDoctor } from '../doctor/run-doctor.js';

export const doctorCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('doctor')
      .description(
        'check configuration, database, Telegram (token, admin group, rights), Stripe and webhooks',
      )
      .action(async () => {
        const summary = await runDoctor(ctx);
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
