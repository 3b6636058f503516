/**
 * What the dashboard reads from the database (implemented over knex in
 * src/adapters/db/stats-store.ts). Each method is one aggregate query; the definitions of the
 * figures (what counts as revenue, a paying fan, a first response) are written here and in
 * dashboard.ts, and every implementation must follow them.
 */

/**
 * Net revenue of the payments fulfilled in one bucket (BUCKET_MS long, starting at `at`),
 * per currency and source. A payment counts when its purchase was granted (its `grant` /
 * `pass_grant` ledger entry), for what it still brings: amount paid minus amount refunded;
 * a payment under an open or lost dispute counts 0 (its money is held or gone), a won
 * dispute counts again.
 */
export interface RevenueBucketRow {
  /** The bucket's start (epoch ms, a multiple of BUCKET_MS). */
  at: number;
  /** Lower-case ISO code, as stored. */
  currency: string;
  /** checkout | quick_buy | auto_recharge */
  source: string;
  /** Minor units of `currency`. */
  netMinor: number;
}

/** Revenue buckets, and the fans who pay. */
export interface RevenueRows {
  buckets: RevenueBucketRow[];
  /**
   * Fans with at least one payment granted since `payingFrom` that still brings money
   * (net > 0).
   */
  payingFans: number;
}

/** Messages relayed in one bucket: fan messages delivered to the topic, team answers to the fan. */
export interface MessageBucketRow {
  at: number;
  fromFans: number;
  answers: number;
}

/** Fans seen since a moment. */
export interface FanCounts {
  /** Fans whose last activity (`users.last_activity_at`: their latest message) is at or after it. */
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
  /** Revenue per bucket from `from` on, and the paying fans since `payingFrom` (one pass). */
  revenue(from: Date, payingFrom: Date): Promise<RevenueRows>;
  /** Messages relayed per bucket from `from` on (buckets without any are left out). */
  messages(from: Date): Promise<MessageBucketRow[]>;
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
  /** The bot's Telegram Stars balance (`getMyStarBalance`, cached briefly); absent: not shown. */
  starBalance?: () => Promise<number>;
}
