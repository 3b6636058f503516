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
  /** A job by id (tests, tooling). */
  get(id: number): Promise<OutboxJobDetails | null>;
}
