/** The outbox's and topics' view of fans: profile, blocked flag, tier, and their topic. */
import type { Knex } from 'knex';
import type { FanProfile } from '../../core/fan.js';
import type { FanDirectory, FanTopic } from '../../core/traffic/ports.js';
import { rowsOf } from './raw.js';
import { toBool, toInt } from './rows.js';

const PROFILE_COLUMNS = ['id', 'first_name', 'last_name', 'username', 'language_code'] as const;

interface ProfileRow {
  id: unknown;
  first_name: string | null;
  last_name: string | null;
  username: string | null;
  language_code: string | null;
}

function toProfile(row: ProfileRow): FanProfile {
  return {
    id: toInt(row.id),
    firstName: row.first_name,
    lastName: row.last_name,
    username: row.username,
    languageCode: row.language_code,
  };
}

/**
 * How long a profile read with a topic look-up that found none answers `profile()` (issue 17:
 * a new fan's topic is opened with a look-up then a title from their profile — one statement,
 * not two). Taken once; a few seconds at most, so a renamed fan is seen at the next read.
 */
const READ_AHEAD_MS = 5_000;
const READ_AHEAD_MAX = 1_000;

/**
 * The statements a relay or a new fan runs, written by hand once (issue 17: knex's query
 * building was ~15 % of the server's CPU when 2,000 new fans wrote; one text per statement
 * is prepared once). Updates return a column so both dialects count the rows they changed.
 * `ensure` and `standing` run on neither path and keep the query builder.
 */
const SQL = {
  profile: `SELECT ${PROFILE_COLUMNS.join(', ')} FROM users WHERE id = ? LIMIT 1`,
  setBlocked:
    'UPDATE users SET is_blocked = ?, updated_at = ? WHERE id = ? AND is_blocked = ? RETURNING id',
  isBlocked: 'SELECT is_blocked FROM users WHERE id = ? LIMIT 1',
  topicOf:
    `SELECT ${PROFILE_COLUMNS.map((c) => `u.${c}`).join(', ')}, c.chat_id, c.topic_id ` +
    'FROM users AS u LEFT JOIN conversations AS c ON c.user_id = u.id WHERE u.id = ? LIMIT 1',
  fanOfTopic: 'SELECT user_id FROM conversations WHERE chat_id = ? AND topic_id = ? LIMIT 1',
  insertTopic:
    'INSERT INTO conversations (user_id, chat_id, topic_id, title, created_at, updated_at) ' +
    'VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO NOTHING RETURNING chat_id, topic_id',
  insertTopicClaimingCard:
    'INSERT INTO conversations (user_id, chat_id, topic_id, title, card_message_id, created_at, ' +
    'updated_at) VALUES (?, ?, ?, ?, 0, ?, ?) ON CONFLICT (user_id) DO NOTHING ' +
    'RETURNING chat_id, topic_id',
  replaceTopic:
    'UPDATE conversations SET chat_id = ?, topic_id = ?, title = ?, recreated_at = ?, ' +
    'updated_at = ? WHERE user_id = ? AND topic_id = ? RETURNING chat_id, topic_id',
  storedTopic: 'SELECT chat_id, topic_id FROM conversations WHERE user_id = ? LIMIT 1',
};

interface TopicRow {
  chat_id: unknown;
  topic_id: unknown;
}

export function createFanStore(db: Knex): FanDirectory {
  /** The topic a write returned, else (another worker's was there first) the stored one. */
  async function storedTopic(written: TopicRow[], fanId: number): Promise<FanTopic> {
    const row = written[0] ?? rowsOf<TopicRow>(await db.raw(SQL.storedTopic, [fanId]))[0]!;
    return { chatId: toInt(row.chat_id), topicId: toInt(row.topic_id) };
  }

  const readAhead = new Map<number, { profile: FanProfile; at: number }>();
  const remember = (fanId: number, profile: FanProfile) => {
    readAhead.delete(fanId);
    readAhead.set(fanId, { profile, at: Date.now() });
    if (readAhead.size > READ_AHEAD_MAX) {
      const oldest = readAhead.keys().next().value;
      if (oldest !== undefined) readAhead.delete(oldest);
    }
  };
  return {
    async ensure(profile) {
      readAhead.delete(profile.id);
      const fields = {
        username: profile.username ?? null,
        first_name: profile.firstName ?? null,
        last_name: profile.lastName ?? null,
        language_code: profile.languageCode ?? null,
      };
      await db('users')
        .insert({ id: profile.id, ...fields, last_activity_at: new Date() })
        .onConflict('id')
        .merge({ ...fields, last_activity_at: new Date(), updated_at: new Date() });
    },
    async profile(fanId) {
      const read = readAhead.get(fanId);
      if (read) {
        readAhead.delete(fanId);
        if (Date.now() - read.at <= READ_AHEAD_MS) return read.profile;
      }
      const row = rowsOf<ProfileRow>(await db.raw(SQL.profile, [fanId]))[0];
      return row ? toProfile(row) : null;
    },
    async standing(fanId) {
      const row = (await db('users').where('id', fanId).first('tier', 'total_spent_cents')) as
        { tier: string; total_spent_cents: number | string } | undefined;
      if (!row) return null;
      return { tier: row.tier, hasPaid: toInt(row.total_spent_cents) > 0 };
    },
    async setBlocked(fanId, blocked) {
      const changed = rowsOf(await db.raw(SQL.setBlocked, [blocked, new Date(), fanId, !blocked]));
      return changed.length > 0;
    },
    async isBlocked(fanId) {
      const row = rowsOf<{ is_blocked: unknown }>(await db.raw(SQL.isBlocked, [fanId]))[0];
      return row ? toBool(row.is_blocked) : false;
    },
    async topicOf(fanId) {
      // With the fan's profile: a fan without a topic is about to get one, titled after it.
      const row = rowsOf<ProfileRow & TopicRow>(await db.raw(SQL.topicOf, [fanId]))[0];
      if (!row) return null;
      if (row.topic_id === null || row.topic_id === undefined) {
        remember(fanId, toProfile(row));
        return null;
      }
      return { chatId: toInt(row.chat_id), topicId: toInt(row.topic_id) };
    },
    async fanOfTopic(chatId, topicId) {
      const row = rowsOf<{ user_id: unknown }>(await db.raw(SQL.fanOfTopic, [chatId, topicId]))[0];
      return row ? toInt(row.user_id) : null;
    },
    async saveTopic(fanId, topic, title, replacing) {
      const now = new Date();
      // One statement when it wins (issue 17: a new fan's topic is written on their first
      // message); the stored topic is read back only when another worker's was there first.
      // `conversations` is the only record of a topic (`users.topic_id`, a mirror nothing
      // reads, is no longer written).
      const { chatId, topicId } = topic;
      const written = rowsOf<TopicRow>(
        replacing === undefined
          ? await db.raw(SQL.insertTopic, [fanId, chatId, topicId, title, now, now])
          : await db.raw(SQL.replaceTopic, [chatId, topicId, title, now, now, fanId, replacing]),
      );
      return storedTopic(written, fanId);
    },

    async saveTopicClaimingCard(fanId, topic, title) {
      // Issue 17: the card's claim rides on the topic's insert (a statement less per new fan).
      const now = new Date();
      const written = rowsOf<TopicRow>(
        await db.raw(SQL.insertTopicClaimingCard, [
          fanId,
          topic.chatId,
          topic.topicId,
          title,
          now,
          now,
        ]),
      );
      return { topic: await storedTopic(written, fanId), cardClaimed: written.length > 0 };
    },
  };
}
