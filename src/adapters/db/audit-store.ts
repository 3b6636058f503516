/**
 * The audit log (core/audit.ts) over the `audit_log` table: append-only rows, read newest
 * first by admin or by fan (each filter has its index).
 */
import type { Knex } from 'knex';
import type { AuditFilter, AuditLog, AuditRecord } from '../../core/audit.js';
import { toInt, toRequiredDate } from './rows.js';

interface AuditRow {
  id: unknown;
  actor_id: unknown;
  action: string;
  fan_id: unknown;
  subject: string | null;
  before: string | null;
  after: string | null;
  created_at: unknown;
}

function json(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function parsed(text: string | null): unknown {
  return text === null ? undefined : (JSON.parse(text) as unknown);
}

function toRecord(row: AuditRow): AuditRecord {
  return {
    id: toInt(row.id),
    actorId: toInt(row.actor_id),
    action: row.action,
    fanId: row.fan_id === null || row.fan_id === undefined ? null : toInt(row.fan_id),
    subject: row.subject,
    before: parsed(row.before),
    after: parsed(row.after),
    createdAt: toRequiredDate(row.created_at),
  };
}

function filtered(db: Knex, filter: AuditFilter): Knex.QueryBuilder {
  const query = db('audit_log');
  if (filter.actorId !== undefined) query.where('actor_id', filter.actorId);
  if (filter.fanId !== undefined) query.where('fan_id', filter.fanId);
  return query;
}

/** The audit log; `trx`-free: an entry is written on its own, after the action it records. */
export function createAuditStore(db: Knex): AuditLog {
  return {
    async record(entry) {
      await db('audit_log').insert({
        actor_id: entry.actorId,
        action: entry.action,
        fan_id: entry.fanId ?? null,
        subject: entry.subject ?? null,
        before: json(entry.before),
        after: json(entry.after),
        created_at: new Date(),
      });
    },
    async list(filter, page) {
      const [count] = (await filtered(db, filter).count({ n: '*' })) as Array<{ n: unknown }>;
      const rows = (await filtered(db, filter)
        .orderBy('id', 'desc')
        .offset(page.offset)
        .limit(page.limit)
        .select('*')) as AuditRow[];
      return { records: rows.map(toRecord), total: toInt(count?.n) };
    },
  };
}
