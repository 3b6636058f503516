/** Fan accounts: the card's figures, ban flag, tier and gifts; one row read, never the ledger. */
import type { Knex } from 'knex';
import type { FanAccount, FanAccounts } from '../../core/fan-account.js';
import { TIERS, type Tier } from '../../core/tiers.js';
import type { DbLedgerStore } from './ledger-store.js';
import { rowsOf } from './raw.js';
import { toBool, toDate, toInt, toRequiredDate } from './rows.js';

export interface AccountRow {
  id: unknown;
  first_name: string | null;
  last_name: string | null;
  username: string | null;
  language_code: string | null;
  tier: string;
  message_credits: unknown;
  time_credits_seconds: unknown;
  pass_started_at: unknown;
  pass_ends_at: unknown;
  total_spent_cents: unknown;
  message_count: unknown;
  created_at: unknown;
  is_banned: unknown;
  is_blocked: unknown;
  is_frozen: unknown;
  last_top_up_balance: unknown;
  auto_recharge_enabled: unknown;
  chat_id: unknown;
  topic_id: unknown;
  card_message_id: unknown;
}

/** What a fan account is read from (`users as u` left join `conversations as c`). */
export const ACCOUNT_COLUMNS = [
  'u.id',
  'u.first_name',
  'u.last_name',
  'u.username',
  'u.language_code',
  'u.tier',
  'u.message_credits',
  'u.time_credits_seconds',
  'u.pass_started_at',
  'u.pass_ends_at',
  'u.total_spent_cents',
  'u.message_count',
  'u.created_at',
  'u.is_banned',
  'u.is_blocked',
  'u.is_frozen',
  'u.last_top_up_balance',
  'u.auto_recharge_enabled',
  'c.chat_id',
  'c.topic_id',
  'c.card_message_id',
] as const;

/**
 * Reads a fan's account in `q` (a knex instance or a transaction): one row, whatever the
 * length of the fan's history (the last top-up is kept on the row by the ledger).
 */
export async function readFanAccount(
  q: Knex | Knex.Transaction,
  fanId: number,
): Promise<FanAccount | null> {
  const row = (await accounts(q)
    .where('u.id', fanId)
    .first(...ACCOUNT_COLUMNS)) as AccountRow | undefined;
  return row ? toFanAccount(row) : null;
}

/** SQLite allows 999 bound values per statement in old builds: stay well under. */
const ACCOUNTS_PER_READ = 500;

/**
 * Several fans' accounts, 500 to a statement (issue 17: the balance bars that fall due
 * together are rendered from one read instead of one per fan).
 */
export async function readFanAccounts(
  q: Knex | Knex.Transaction,
  fanIds: readonly number[],
): Promise<Map<number, FanAccount>> {
  const found = new Map<number, FanAccount>();
  const ids = [...new Set(fanIds)];
  for (let from = 0; from < ids.length; from += ACCOUNTS_PER_READ) {
    const rows = (await accounts(q)
      .whereIn('u.id', ids.slice(from, from + ACCOUNTS_PER_READ))
      .select(...ACCOUNT_COLUMNS)) as AccountRow[];
    for (const row of rows) found.set(toInt(row.id), toFanAccount(row));
  }
  return found;
}

/** Fans' rows joined with their conversation: what ACCOUNT_COLUMNS reads from. */
function accounts(q: Knex | Knex.Transaction) {
  return q('users as u').leftJoin('conversations as c', 'c.user_id', 'u.id');
}

/** A row of ACCOUNT_COLUMNS as the fan's account. */
export function toFanAccount(row: AccountRow): FanAccount {
  const tier = (TIERS as readonly string[]).includes(row.tier) ? (row.tier as Tier) : 'new';
  const lastTopUp = row.last_top_up_balance;
  return {
    fanId: toInt(row.id),
    firstName: row.first_name,
    lastName: row.last_name,
    username: row.username,
    languageCode: row.language_code,
    tier,
    credits: toInt(row.message_credits),
    bankedSeconds: toInt(row.time_credits_seconds),
    passStartedAt: toDate(row.pass_started_at),
    passEndsAt: toDate(row.pass_ends_at),
    totalSpentCents: toInt(row.total_spent_cents),
    messageCount: toInt(row.message_count),
    firstSeen: toRequiredDate(row.created_at),
    banned: toBool(row.is_banned),
    blocked: toBool(row.is_blocked),
    frozen: toBool(row.is_frozen),
    lastTopUpBalance: lastTopUp === null || lastTopUp === undefined ? null : toInt(lastTopUp),
    autoRecharge: toBool(row.auto_recharge_enabled),
    topic:
      row.topic_id === null || row.topic_id === undefined
        ? null
        : {
            chatId: toInt(row.chat_id),
            topicId: toInt(row.topic_id),
            cardMessageId:
              row.card_message_id === null || row.card_message_id === undefined
                ? null
                : toInt(row.card_message_id),
          },
  };
}

/**
 * How long a card claim (0: being posted) holds: posting a card waits for the group's budget
 * (two windows at most per attempt, three attempts) and its pin, a few minutes at worst. A
 * claim older than this was left by a process that stopped before it posted (the row says 0
 * for good, and every refresh skipped the card): the next claim takes it over.
 */
export const CARD_CLAIM_STALE_MS = 15 * 60_000;

/**
 * The card's statements, run once per new fan: written by hand once (issue 17: one text per
 * statement is prepared once, where knex built each anew). A claim sets `card_message_id` to
 * 0 (a card being posted) and returns a column so both dialects count the rows it changed: a
 * new topic's claim (`force`) replaces any old card unless someone is posting one right now;
 * a claim older than CARD_CLAIM_STALE_MS is no one's any more.
 */
const CARD_SQL = {
  setMessage:
    'UPDATE conversations SET card_message_id = ?, updated_at = ? WHERE user_id = ? AND topic_id = ?',
  claim:
    'UPDATE conversations SET card_message_id = 0, updated_at = ? ' +
    'WHERE user_id = ? AND topic_id = ? AND ' +
    '(card_message_id IS NULL OR (card_message_id = 0 AND updated_at < ?)) RETURNING user_id',
  claimForced:
    'UPDATE conversations SET card_message_id = 0, updated_at = ? WHERE user_id = ? AND ' +
    'topic_id = ? AND (card_message_id IS NULL OR card_message_id <> 0 OR updated_at < ?) ' +
    'RETURNING user_id',
};

/** The FanAccounts port over knex; gifts go through the ledger store. */
export function createFanAccountStore(db: Knex, ledger: DbLedgerStore): FanAccounts {
  return {
    get: (fanId) => readFanAccount(db, fanId),
    async ensure(profile) {
      await ledger.ensureUser(profile);
    },
    async setBanned(fanId, banned) {
      const changed = await db('users')
        .where('id', fanId)
        .where('is_banned', !banned)
        .update({ is_banned: banned, updated_at: new Date() });
      return changed > 0;
    },
    async unfreeze(fanId) {
      return db.transaction(async (tx) => {
        const changed = await tx('users')
          .where('id', fanId)
          .where('is_frozen', true)
          .update({ is_frozen: false, updated_at: new Date() });
        const row = (await tx('transactions')
          .where('user_id', fanId)
          .whereIn('dispute_status', ['open', 'lost'])
          .count({ n: '*' })
          .first()) as { n: unknown } | undefined;
        return { changed: changed > 0, disputes: Number(row?.n ?? 0) };
      });
    },
    async setTier(fanId, tier) {
      // A tier set by hand in /users wins over the spend rule until it is reset there.
      const changed = await db('users')
        .where('id', fanId)
        .whereNull('tier_override')
        .whereNot('tier', tier)
        .update({ tier, updated_at: new Date() });
      return changed > 0;
    },
    async gift(fanId, amount, key, note) {
      const result = await ledger.grantCredits(fanId, amount, key, { kind: 'gift', note });
      return { duplicate: result.duplicate, credits: result.balance.credits };
    },
    async setCardMessage(fanId, topicId, messageId) {
      await db.raw(CARD_SQL.setMessage, [messageId, new Date(), fanId, topicId]);
    },
    async claimCard(fanId, topicId, force) {
      const now = new Date();
      const staleBefore = new Date(now.getTime() - CARD_CLAIM_STALE_MS);
      const claimed = rowsOf(
        await db.raw(force ? CARD_SQL.claimForced : CARD_SQL.claim, [
          now,
          fanId,
          topicId,
          staleBefore,
        ]),
      );
      return claimed.length > 0;
    },
  };
}
