/**
 * The outbox over knex, one concern per module in `./outbox/`: enqueueing, claiming lane
 * heads (FOR UPDATE SKIP LOCKED on Postgres), delivery bookkeeping and maintenance.
 */
import type { Knex } from 'knex';
import { createOutboxClaims } from './outbox/claims.js';
import { createDeliveryBookkeeping } from './outbox/delivery.js';
import { enqueueDeferred, enqueueIn } from './outbox/enqueue.js';
import type { FanGroupPlacer } from './outbox/fan-groups.js';
import { createOutboxMaintenance } from './outbox/maintenance.js';
import type { DbOutboxStore } from './outbox/types.js';
import { createOutboxWakeups } from './outbox/wakeups.js';

export type { DbOutboxStore, OutboxJobDetails } from './outbox/types.js';

/**
 * Builds the outbox store for `db` (SQLite: one instance; Postgres: many). With several admin
 * groups, `groups` places each fan's topic jobs in the fan's group.
 */
export function createOutboxStore(db: Knex, groups?: FanGroupPlacer): DbOutboxStore {
  return {
    enqueue: (jobs) => enqueueIn(db, jobs, groups),
    enqueueIn: (trx, jobs) => enqueueIn(trx, jobs, groups),
    enqueueDeferred: (trx, jobs) => enqueueDeferred(trx, jobs, groups),
    ...createOutboxClaims(db),
    ...createDeliveryBookkeeping(db),
    ...createOutboxMaintenance(db),
    ...createOutboxWakeups(db),
  };
}
