/** Which relayed message is the copy of which (`message_links`). */
import type { Knex } from 'knex';
import type { MessageLink, MessageLinks } from '../../core/fan-account.js';
import { GroupWriter } from './group-writer.js';
import { markTeamAnswers } from './inbox-store.js';
import { toInt } from './rows.js';

interface LinkRow {
  fan_id: unknown;
  direction: string;
  fan_message_id: unknown;
  topic_chat_id: unknown;
  topic_message_id: unknown;
}

function toLink(row: LinkRow): MessageLink {
  return {
    fanId: toInt(row.fan_id),
    direction: row.direction === 'team' ? 'team' : 'fan',
    fanMessageId: toInt(row.fan_message_id),
    topicChatId: toInt(row.topic_chat_id),
    topicMessageId: toInt(row.topic_message_id),
  };
}

/**
 * Writes links and what a team answer's delivery changes in the inbox: one multi-row insert
 * (a link already there is kept), then, when answers are among them, one update of their fans.
 */
async function writeLinks(db: Knex, links: readonly MessageLink[]): Promise<void> {
  const now = new Date();
  await db('message_links')
    .insert(
      links.map((l) => ({
        fan_id: l.fanId,
        direction: l.direction,
        fan_message_id: l.fanMessageId,
        topic_chat_id: l.topicChatId,
        topic_message_id: l.topicMessageId,
        created_at: now,
      })),
    )
    .onConflict(['direction', 'fan_id', 'fan_message_id', 'topic_message_id'])
    .ignore();
  // A team answer reached its fan: the inbox stops counting their wait.
  const answered = links.filter((l) => l.direction === 'team').map((l) => l.fanId);
  await markTeamAnswers(db, answered, now);
}

export function createMessageLinkStore(db: Knex): MessageLinks {
  // The deliveries finishing while a write runs share the next one (group commit); each
  // caller still resolves only once its own links are written.
  const writer = new GroupWriter<MessageLink>((links) => writeLinks(db, links), {
    isolateFailures: true,
  });
  return {
    async record(links) {
      if (links.length === 0) return;
      await writer.write(links);
    },
    async topicCopyOf(fanId, fanMessageId) {
      const row = (await db('message_links')
        .where({ fan_id: fanId, fan_message_id: fanMessageId, direction: 'fan' })
        .orderBy('id', 'desc')
        .first('topic_message_id')) as { topic_message_id: unknown } | undefined;
      return row ? toInt(row.topic_message_id) : null;
    },
    async byTopicMessage(topicChatId, topicMessageId) {
      const row = (await db('message_links')
        .where({ topic_chat_id: topicChatId, topic_message_id: topicMessageId })
        .orderBy('id', 'desc')
        .first()) as LinkRow | undefined;
      return row ? toLink(row) : null;
    },
    async topicMessageOf(fanId, fanMessageId) {
      const row = (await db('message_links')
        .where({ fan_id: fanId, fan_message_id: fanMessageId })
        .orderBy('id', 'desc')
        .first('topic_message_id')) as { topic_message_id: unknown } | undefined;
      return row ? toInt(row.topic_message_id) : null;
    },
    async latestFanMessage(fanId) {
      const row = (await db('message_links')
        .where({ fan_id: fanId, direction: 'fan' })
        .max('fan_message_id as id')
        .first()) as { id: unknown } | undefined;
      return row?.id === null || row?.id === undefined ? null : toInt(row.id);
    },
  };
}
