import type { Knex } from 'knex';
import type { NewOutboxJob, OutboxJob, OutboxStore } from '../../../core/traffic/outbox.js';

/** A job with what its delivery left behind (tests, tooling). */
export type OutboxJobDetails = OutboxJob & {
  outcome: string | null;
  sentMessageId: number | null;
  lastError: string | null;
};

export interface DbOutboxStore extends OutboxStore {
  /** Enqueue inside the caller's transaction (a fan message and its spend commit together). */
  enqueueIn(trx: Knex | Knex.Transaction, jobs: readonly NewOutboxJob[]): Promise<number[]>;
  /**
   * `enqueueIn` without the ids: a transaction of the intake's group commit writes the jobs
   * of all its texts in one insert before its COMMIT (`deferInserts` in outbox/enqueue.ts).
   */
  enqueueDeferred(trx: Knex.Transaction, jobs: readonly NewOutboxJob[]): Promise<void>;
  /** A job by id (tests, tooling). */
  get(id: number): Promise<OutboxJobDetails | null>;
}
