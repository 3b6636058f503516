/**
 * Runs the scheduled jobs with node-cron. Each firing is claimed in the database first
 * (job_runs, keyed by job and minute), so with several instances exactly one runs it.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { JobDeps, ScheduledJob } from './types.js';

export interface JobScheduler {
  /** Runs one job now if this instance wins its slot (also used by tests). */
  runOnce(job: ScheduledJob, slot?: string): Promise<boolean>;
  stop(): Promise<void>;
}

export function startJobScheduler(
  jobs: readonly ScheduledJob[],
  deps: JobDeps,
  owner: string,
): JobScheduler {
  const running = new Set<Promise<unknown>>();
  const runOnce = async (job: ScheduledJob, slot?: string): Promise<boolean> => {
    const key = slot ?? deps.now().toISOString().slice(0, 16);
    if (!(await deps.jobLock.acquire(job.name, key, owner))) return false;
    const log = deps.logger.child({ job: job.name });
    try {
      await job.run({ ...deps, logger: log });
    } catch (err) {
      log.error({ err }, 'scheduled job failed');
    }
    return true;
  };
  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(
      job.cron,
      () => {
        const run = runOnce(job).catch((err: unknown) =>
          deps.logger.error({ err, job: job.name }, 'job lock failed'),
        );
        running.add(run);
        void run.finally(() => running.delete(run));
      },
      { timezone: 'UTC', name: job.name },
    ),
  );
  return {
    runOnce,
    async stop() {
      for (const task of tasks) await task.stop();
      await Promise.all([...running]);
    },
  };
}
