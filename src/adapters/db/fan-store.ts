/** The outbox's and topics' view of fans: profile, blocked flag, tier, and their topic. */
import type { Knex } from 'knex';
import type { FanProfile } from '../../core/fan.js';
import type { FanDirectory, FanTopic } from '../../core/traffic/ports.js';
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

export function createFanStore(db: Knex): FanDirectory {
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
      const row = (await db('users')
        .where('id', fanId)
        .first(...PROFILE_COLUMNS)) as ProfileRow | undefined;
      return row ? toProfile(row) : null;
    },
    async standing(fanId) {
      const row = (await db('users').where('id', fanId).first('tier', 'total_spent_cents')) as
        { tier: string; total_spent_cents: number | string } | undefined;
      if (!row) return null;
      return { tier: row.tier, hasPaid: toInt(row.total_spent_cents) > 0 };
    },
    async setBlocked(fanId, blocked) {
      const changed = await db('users')
        .where('id', fanId)
        .where('is_blocked', !blocked)
        .update({ is_blocked: blocked, updated_at: new Date() });
      return changed > 0;
    },
    async isBlocked(fanId) {
      const row = (await db('users').where('id', fanId).first('is_blocked')) as
        { is_blocked: unknown } | undefined;
      return row ? toBool(row.is_blocked) : false;
    },
    async topicOf(fanId) {
      // With the fan's profile: a fan without a topic is about to get one, titled after it.
      const row = (await db('users as u')
        .leftJoin('conversations as c', 'c.user_id', 'u.id')
        .where('u.id', fanId)
        .first(...PROFILE_COLUMNS.map((c) => `u.${c}`), 'c.chat_id', 'c.topic_id')) as
        (ProfileRow & { chat_id: unknown; topic_id: unknown }) | undefined;
      if (!row) return null;
      if (row.topic_id === null || row.topic_id === undefined) {
        remember(fanId, toProfile(row));
        return null;
      }
      return { chatId: toInt(row.chat_id), topicId: toInt(row.topic_id) };
    },
    async fanOfTopic(chatId, topicId) {
      const row = (await db('conversations')
        .where({ chat_id: chatId, topic_id: topicId })
        .first('user_id')) as { user_id: number } | undefined;
      return row ? toInt(row.user_id) : null;
    },
    async saveTopic(fanId, topic, title, replacing) {
      const now = new Date();
      // One statement when it wins (issue 17: a new fan's topic is written on their first
      // message); the stored topic is read back only when another worker's was there first.
      // `conversations` is the only record of a topic (`users.topic_id`, a mirror nothing
      // reads, is no longer written).
      const written = (
        replacing === undefined
          ? await db('conversations')
              .insert({
                user_id: fanId,
                chat_id: topic.chatId,
                topic_id: topic.topicId,
                title,
                created_at: now,
                updated_at: now,
              })
              .onConflict('user_id')
              .ignore()
              .returning(['chat_id', 'topic_id'])
          : await db('conversations')
              .where({ user_id: fanId, topic_id: replacing })
              .update({
                chat_id: topic.chatId,
                topic_id: topic.topicId,
                title,
                recreated_at: now,
                updated_at: now,
              })
              .returning(['chat_id', 'topic_id'])
      ) as Array<{ chat_id: number; topic_id: number }>;
      const stored =
        written[0] ??
        ((await db('conversations').where('user_id', fanId).first('chat_id', 'topic_id')) as {
          chat_id: number;
          topic_id: number;
        });
      const result: FanTopic = { chatId: toInt(stored.chat_id), topicId: toInt(stored.topic_id) };
      return result;
    },
  };
}
