/**
 * The audit log's port: every admin action (a gift, a ban, a refund, a settings change…) is
 * recorded with who did it, what, about which fan, the state before and after, and when.
 * `src/adapters/db/audit-store.ts` implements it; the runtime passes one instance to every
 * feature (`deps.panel.audit`).
 */

/** JSON-serialisable values stored as before/after. */
export type AuditValue = unknown;

/** What a feature records. `action` is a `section:action` name (see core/permissions). */
export interface AuditEntry {
  /** The admin's Telegram id. */
  actorId: number;
  action: string;
  /** The fan concerned, if any. */
  fanId?: number | null;
  /** What else it is about (a setting key, a product id…), for reading the log. */
  subject?: string | null;
  before?: AuditValue;
  after?: AuditValue;
}

/** A stored entry. */
export interface AuditRecord {
  id: number;
  actorId: number;
  action: string;
  fanId: number | null;
  subject: string | null;
  before: AuditValue;
  after: AuditValue;
  createdAt: Date;
}

export interface AuditFilter {
  actorId?: number;
  fanId?: number;
}

export interface AuditPage {
  records: AuditRecord[];
  total: number;
}

export interface AuditLog {
  /** Appends one entry. */
  record(entry: AuditEntry): Promise<void>;
  /** Newest first, `limit` entries after skipping `offset`, with the total for paging. */
  list(filter: AuditFilter, page: { offset: number; limit: number }): Promise<AuditPage>;
}
