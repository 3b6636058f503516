/**
 * What the dashboard reads from the database (implemented over knex in
 * src/adapters/db/stats-store.ts). Each method is one aggregate query; the definitions of the
 * figures (what counts as revenue, a paying fan, a first response) are written here and in
 * dashboard.ts, and every implementation must follow them.
 */

/**
 * Net revenue of the payments fulfilled on one UTC day, per currency and source. A payment
 * counts on the day its purchase was granted (its `grant` / `pass_grant` ledger entry), for
 * what it still brings: amount paid minus amount refunded; a payment under an open or lost
 * dispute counts 0 (its money is held or gone), a won dispute counts again.
 */
export interface DayRevenueRow {
  day: number;
  /** Lower-case ISO code, as stored. */
  currency: string;
  /** checkout | quick_buy | auto_recharge */
  source: string;
  /** Minor units of `currency`. */
  netMinor: number;
}

/** Messages relayed on one UTC day: fan messages delivered to the topic, team answers to the fan. */
export interface DayMessagesRow {
  day: number;
  fromFans: number;
  answers: number;
}

/** Fans seen since a moment. */
export interface FanCounts {
  /** Fans whose last activity (a message, /start, a button) is at or after it. */
  active: number;
  /** Fans first seen (pressed Start, or first wrote) at or after it. */
  new: number;
  /** Of those new fans, the ones with at least one fulfilled payment (even refunded later). */
  converted: number;
}

/**
 * The team's first responses to waits that began since a moment. A wait begins with a fan
 * message delivered to the topic when the fan's previous link was a team answer (or there was
 * none); it ends with the next team answer delivered to the fan. Unanswered waits are left out.
 */
export interface FirstResponses {
  /** Answered waits. */
  answered: number;
  /** Their median wait in ms (the mean of the two middle ones for an even count), or null. */
  medianMs: number | null;
}

/** Payments under an open dispute, per currency. */
export interface OpenDisputeRow {
  currency: string;
  count: number;
  /** What those payments brought (paid minus refunded), in minor units. */
  minor: number;
}

/** A fan among the top spenders (lifetime spend in the install's currency, as on the fan card). */
export interface TopFanRow {
  fanId: number;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  totalSpentMinor: number;
}

/** The dashboard's queries. */
export interface StatsStore {
  /** Revenue per day (see DayRevenueRow) of the days from `from` on. */
  revenueByDay(from: Date): Promise<DayRevenueRow[]>;
  /** Fans with at least one payment granted since `from` that still brings money (net > 0). */
  payingFans(from: Date): Promise<number>;
  /** Messages relayed per day from `from` on (days without any are left out). */
  messagesByDay(from: Date): Promise<DayMessagesRow[]>;
  fanCounts(from: Date): Promise<FanCounts>;
  firstResponses(from: Date): Promise<FirstResponses>;
  openDisputes(): Promise<OpenDisputeRow[]>;
  /** The `limit` fans with the highest lifetime spend above zero, highest first. */
  topFans(limit: number): Promise<TopFanRow[]>;
}

/** A file kept for an outbox job (a job's params are JSON and cannot carry bytes). */
export interface StoredFile {
  data: Uint8Array;
  filename: string;
}

/**
 * Files waiting to be uploaded by the outbox (`panel_files`): saved before the job that names
 * them is queued, read when the job is sent, removed once Telegram accepted it (or after a day).
 */
export interface StoredFiles {
  save(file: StoredFile): Promise<number>;
  read(id: number): Promise<StoredFile | null>;
  remove(id: number): Promise<void>;
}

/** What the dashboard needs besides the bot's deps (built once in src/cli/runtime). */
export interface DashboardPorts {
  stats: StatsStore;
  files: StoredFiles;
}
