/** Persistence ports of Telegram traffic (intake, outbox, topics); src/adapters/db implements them over knex. */
import type { AdminRoleName } from '../admin-auth.js';
import type { FanProfile } from '../fan.js';
import type { ChatPause } from './rate-scheduler.js';
import type { WindowRule } from './limits.js';
import type { SharedSend, SharedTake } from './shared-window.js';

/** Processed Telegram update ids (webhook/polling idempotency), kept for a retention period. */
export interface UpdateStore {
  isProcessed(updateId: number): Promise<boolean>;
  /** Records the update as processed; false when it already was. */
  markProcessed(updateId: number): Promise<boolean>;
  /** Forgets ids processed before `before` (update ids restart after a quiet week). */
  prune(before: Date): Promise<number>;
  /**
   * True, once, when the update's own handler recorded it as processed inside its
   * transaction (a fan's message): the intake then has nothing more to record.
   */
  takeRecordedInHandler?(updateId: number): boolean;
}

/**
 * Thrown by a handler whose transaction found its update recorded as processed already (a
 * redelivery): nothing was done, and the intake answers it as a duplicate.
 */
export class UpdateAlreadyProcessed extends Error {
  constructor(readonly updateId: number) {
    super(`update ${updateId} was processed already`);
    this.name = 'UpdateAlreadyProcessed';
  }
}

/**
 * Chat pauses that must survive a restart (and be seen by every instance): long 429s, and
 * the admin group's lane while the bot has lost it (reason `unavailable …`).
 */
export interface PauseStore {
  list(now: Date): Promise<ChatPause[]>;
  save(pause: ChatPause): Promise<void>;
  /** Removes the chat's pause (only when its reason starts with `reasonPrefix`, if given). */
  remove(chatId: number, reasonPrefix?: string): Promise<void>;
}

/**
 * A group's send budget shared by every instance and kept across restarts (the
 * `rate_windows` row): each operation reads the group's log, applies core/traffic/shared-window
 * and writes it back atomically.
 */
export interface GroupBudgetStore {
  /** Takes `n` sends for `slot` if they fit `rule` at `now`; returns the log either way. */
  take(chatId: number, n: number, slot: string, now: number, rule: WindowRule): Promise<SharedTake>;
  /** Closes (or gives back, with `refund`) the sends of `slot`; returns the log. */
  settle(
    chatId: number,
    slot: string,
    now: number,
    rule: WindowRule,
    refund: boolean,
  ): Promise<SharedSend[]>;
  /** The group's log as it stands (other instances' sends included). */
  read(chatId: number, now: number, rule: WindowRule): Promise<SharedSend[]>;
}

/** A fan's topic in the admin group. */
export interface FanTopic {
  chatId: number;
  topicId: number;
}

/** What the outbox and topics need to know about fans. */
export interface FanDirectory {
  /** Creates or refreshes the fan row from a Telegram user. */
  ensure(profile: FanProfile): Promise<void>;
  profile(fanId: number): Promise<FanProfile | null>;
  /** Their tier and whether they ever paid (relay priority). */
  standing(fanId: number): Promise<{ tier: string; hasPaid: boolean } | null>;
  /** Flips the blocked flag; true when it changed. */
  setBlocked(fanId: number, blocked: boolean): Promise<boolean>;
  isBlocked(fanId: number): Promise<boolean>;
  topicOf(fanId: number): Promise<FanTopic | null>;
  /** The fan whose topic this is. */
  fanOfTopic(chatId: number, topicId: number): Promise<number | null>;
  /**
   * Stores the fan's topic. With `replacing`, only if the stored topic is still that one
   * (another worker may have recreated it first): returns the topic now stored.
   */
  saveTopic(fanId: number, topic: FanTopic, title: string, replacing?: number): Promise<FanTopic>;
  /**
   * As `saveTopic` for the fan's first topic, with its card claimed in the same statement (0:
   * being posted, FanAccounts.claimCard) for the caller to post: `cardClaimed` is false when
   * another worker's topic was stored first (the topic returned is theirs).
   */
  saveTopicClaimingCard?(
    fanId: number,
    topic: FanTopic,
    title: string,
  ): Promise<{ topic: FanTopic; cardClaimed: boolean }>;
}

/** Admin roles stored in the `admins` table (owners come from ADMIN_USER_IDS too). */
export type AdminRole = AdminRoleName;

export interface AdminDirectory {
  roleOf(userId: number): Promise<AdminRole | null>;
}

/** Small durable key/value state of the bot (the alerts topic id…). */
export interface StateStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
}

/** Runs a scheduled job once per slot across every instance. */
export interface JobLock {
  /** True when this instance won the run named `name` for `slot`. */
  acquire(name: string, slot: string, owner: string): Promise<boolean>;
  purge(before: Date): Promise<number>;
}
