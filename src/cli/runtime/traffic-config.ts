/**
 * Traffic tuning for `serve --traffic-config FILE`: Telegram's limits are approximate, so
 * operators can adjust them, and the sandbox speeds time up. JSON, every field optional.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { UsageError } from '../../core/errors.js';
import {
  DEFAULT_TRAFFIC_LIMITS,
  limitProblems,
  type TrafficLimits,
} from '../../core/traffic/limits.js';

export interface TrafficTuning {
  limits: TrafficLimits;
  /** Outbox calls in flight at once. */
  concurrency: number;
  /** Outbox lease (ms): how long a crashed instance's claimed jobs stay locked. */
  leaseMs: number;
  /** Safety-net poll of an idle worker (ms): enqueues and Postgres NOTIFY wake it sooner. */
  idlePollMs: number;
  /** How often persisted pauses are reloaded (ms). */
  pauseRefreshMs: number;
  /** getUpdates long-poll timeout (s). */
  pollTimeoutSeconds: number;
  /** How long shutdown waits for calls already on the wire (ms); jobs waiting for budget go back at once. */
  shutdownGraceMs: number;
  /** How often (simulated s) the bot re-checks its rights while it has lost the admin group. */
  groupRecheckSeconds: number;
  /** How often (simulated s) the owners hear again that the admin group is still lost. */
  groupReminderSeconds: number;
}

export const DEFAULT_TUNING: TrafficTuning = {
  limits: DEFAULT_TRAFFIC_LIMITS,
  concurrency: 8,
  leaseMs: 60_000,
  idlePollMs: 5_000,
  pauseRefreshMs: 5_000,
  pollTimeoutSeconds: 25,
  shutdownGraceMs: 3_000,
  groupRecheckSeconds: 60,
  groupReminderSeconds: 3_600,
};

const positive = z.number().positive();

const schema = z.strictObject({
  limits: z
    .strictObject({
      globalPerSecond: positive,
      privatePerSecond: positive,
      privateBurst: positive,
      groupPerMinute: positive,
      safetyRatio: z.number().min(0).max(1),
      timeScale: positive,
      batchCost: z.enum(['per_call', 'per_message']),
      longPauseSeconds: positive,
    })
    .partial()
    .optional(),
  concurrency: z.number().int().positive().optional(),
  leaseMs: positive.optional(),
  idlePollMs: positive.optional(),
  pauseRefreshMs: positive.optional(),
  pollTimeoutSeconds: z.number().int().min(0).optional(),
  shutdownGraceMs: positive.optional(),
  groupRecheckSeconds: positive.optional(),
  groupReminderSeconds: positive.optional(),
});

export type TrafficTuningInput = z.input<typeof schema>;

/** Merges a partial tuning over the defaults (throws UsageError listing every problem). */
export function resolveTuning(input: unknown = {}, source = 'traffic config'): TrafficTuning {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    throw new UsageError(`Invalid ${source}: ${problems.join('; ')}`, {
      hint: 'See docs/architecture.md, "Delivery guarantees", for the fields.',
    });
  }
  const { limits, ...rest } = parsed.data;
  const merged: TrafficTuning = {
    ...DEFAULT_TUNING,
    ...rest,
    limits: { ...DEFAULT_TRAFFIC_LIMITS, ...limits },
  };
  const problems = limitProblems(merged.limits);
  if (problems.length > 0) throw new UsageError(`Invalid ${source}: ${problems.join('; ')}`);
  return merged;
}

/** Reads `--traffic-config FILE`. */
export function readTuningFile(file: string): TrafficTuning {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`Cannot read the traffic config ${file}: ${(err as Error).message}`, {
      hint: 'Pass a JSON file, e.g. {"limits": {"groupPerMinute": 18}}.',
    });
  }
  return resolveTuning(raw, `traffic config ${file}`);
}
