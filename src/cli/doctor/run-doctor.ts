/** Runs the doctor checks in order, one line each; a check whose prerequisite failed is skipped. */
import { PremiumbotError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { environmentOf } from '../context.js';
import type { TrafficTuning } from '../runtime/traffic-config.js';
import { startProgress } from '../progress.js';
import { DOCTOR_CHECKS } from './checks/index.js';
import type { CheckResult, DoctorCheck, DoctorContext } from './types.js';

const MARK: Record<CheckResult['status'], string> = { pass: '✔', warn: '⚠', fail: '✖', skip: '-' };

export interface DoctorSummary {
  results: { check: DoctorCheck; result: CheckResult }[];
  failed: number;
  warned: number;
}

/** Runs `checks` (default: all) and prints one line per check. */
export async function runDoctor(
  cli: CliContext,
  checks: readonly DoctorCheck[] = DOCTOR_CHECKS,
  options: { tuning?: TrafficTuning } = {},
): Promise<DoctorSummary> {
  const ctx: DoctorContext = {
    cli,
    env: environmentOf(cli),
    results: new Map(),
    tuning: options.tuning,
  };
  const summary: DoctorSummary = { results: [], failed: 0, warned: 0 };
  try {
    for (const check of checks) {
      const blocker = (check.after ?? []).find((id) => {
        const r = ctx.results.get(id);
        return !r || r.status === 'skip' || (r.status === 'fail' && !r.usable);
      });
      let result: CheckResult;
      if (blocker) {
        result = { status: 'skip', message: `skipped: "${blocker}" did not pass` };
      } else {
        const progress = startProgress(cli.output, `${check.title}…`);
        try {
          result = await check.run(ctx);
        } catch (err) {
          result = {
            status: 'fail',
            message: `unexpected error: ${(err as Error).message}`,
            hint:
              err instanceof PremiumbotError && err.hint
                ? err.hint
                : 'Run with --verbose and report it if it persists.',
          };
        }
        progress.stop();
      }
      ctx.results.set(check.id, result);
      summary.results.push({ check, result });
      if (result.status === 'fail') summary.failed++;
      if (result.status === 'warn') summary.warned++;
      cli.output.out(`${MARK[result.status]} ${check.title}: ${result.message}`);
      if (result.hint && (result.status === 'fail' || result.status === 'warn'))
        cli.output.out(`    → ${result.hint}`);
    }
  } finally {
    await ctx.db?.destroy();
  }
  return summary;
}
