/**
 * Forum topics: getForumTopicIconStickers, createForumTopic, editForumTopic, closeForumTopic,
 * reopenForumTopic, deleteForumTopic.
 */
import { badRequest, invalid } from '../../api-error.js';
import type { TgMessage } from '../../types.js';
import { TOPIC_COLORS, type ChatRecord } from '../../world.js';
import { forumTopic, memberChat, requireForum, takeRate } from '../access.js';
import type { ApiDeps, ApiMethod, MethodTable } from '../deps.js';
import { serviceMessage } from '../outgoing.js';

/** Marks a topic and all of its messages deleted (deleteForumTopic, or out-of-band). */
export function deleteTopic(chat: ChatRecord, threadId: number): void {
  const topic = chat.topics.get(threadId);
  if (topic) topic.deleted = true;
  for (const record of chat.messages.values()) {
    if (record.message.message_thread_id === threadId) record.deleted = true;
  }
}

/** The bot may always manage the topics it created; others need can_manage_topics. */
function requireTopicRights({ world }: ApiDeps, chat: ChatRecord, creatorId: number): void {
  if (creatorId === world.bot.id) return;
  if (!world.botHasRight(chat, 'can_manage_topics')) {
    throw badRequest('not enough rights to manage topics in the chat');
  }
}

/**
 * Some of Telegram's forum topic icons (custom emoji any user may set), with stable ids of
 * the simulator's own: the emoji, then its custom_emoji_id.
 */
export const TOPIC_ICONS: readonly (readonly [emoji: string, id: string])[] = [
  ['📰', '5434144690511290129'],
  ['💡', '5312536423851630001'],
  ['🔥', '5312241539987020022'],
  ['💎', '5309958691854754293'],
  ['🔒', '5296369303661067030'],
  ['❗️', '5379748062124056162'],
  ['✅', '5237699328843200968'],
  ['⭐️', '5235579393115438657'],
];

/** getForumTopicIconStickers: the icons as Sticker objects (custom emoji, 512×512). */
const getForumTopicIconStickers: ApiMethod = () =>
  TOPIC_ICONS.map(([emoji, id], i) => ({
    file_id: `CAACAgIAAxkBAAIcon${i}`,
    file_unique_id: `AgADIcon${i}`,
    type: 'custom_emoji',
    width: 512,
    height: 512,
    is_animated: true,
    is_video: false,
    emoji,
    set_name: 'Topics',
    custom_emoji_id: id,
  }));

const createForumTopic: ApiMethod = (deps, { params }) => {
  const { world } = deps;
  const chat = memberChat(deps, params.chat_id);
  requireForum(chat);
  if (!world.botHasRight(chat, 'can_manage_topics')) {
    throw badRequest('not enough rights to create a topic in the chat');
  }
  const name = params.name as string;
  if (name.length > 128) throw invalid('TOPIC_TITLE_TOO_LONG');
  const color = (params.icon_color as number | undefined) ?? (TOPIC_COLORS[0] as number);
  if (!TOPIC_COLORS.includes(color)) throw invalid('TOPIC_ICON_COLOR_INVALID');
  takeRate(deps, chat, 1);
  const created: NonNullable<TgMessage['forum_topic_created']> = { name, icon_color: color };
  const emoji = params.icon_custom_emoji_id as string | undefined;
  if (emoji) created.icon_custom_emoji_id = emoji;
  const threadId = chat.nextMessageId;
  chat.topics.set(threadId, {
    threadId,
    name,
    iconColor: color,
    ...(emoji ? { iconCustomEmojiId: emoji } : {}),
    closed: false,
    deleted: false,
    creatorId: world.bot.id,
  });
  world.addMessage(chat, {
    message_thread_id: threadId,
    from: world.bot,
    is_topic_message: true,
    forum_topic_created: created,
  });
  const topic: Record<string, unknown> = { message_thread_id: threadId, name, icon_color: color };
  if (emoji) topic.icon_custom_emoji_id = emoji;
  return topic;
};

const editForumTopic: ApiMethod = (deps, { params }) => {
  const { chat, topic } = forumTopic(deps, params);
  requireTopicRights(deps, chat, topic.creatorId);
  const name = params.name as string | undefined;
  const emoji = params.icon_custom_emoji_id as string | undefined;
  if (name !== undefined && name.length > 128) throw invalid('TOPIC_TITLE_TOO_LONG');
  const changed: NonNullable<TgMessage['forum_topic_edited']> = {};
  if (name !== undefined && name !== '' && name !== topic.name) changed.name = name;
  if (emoji !== undefined && emoji !== (topic.iconCustomEmojiId ?? ''))
    changed.icon_custom_emoji_id = emoji;
  if (Object.keys(changed).length === 0) throw badRequest('TOPIC_NOT_MODIFIED');
  if (changed.name !== undefined) topic.name = changed.name;
  if (changed.icon_custom_emoji_id !== undefined)
    topic.iconCustomEmojiId = changed.icon_custom_emoji_id;
  serviceMessage(deps, chat, topic.threadId, { forum_topic_edited: changed });
  return true;
};

/** closeForumTopic (closed = true) and reopenForumTopic (closed = false). */
const setTopicClosed =
  (closed: boolean): ApiMethod =>
  (deps, { params }) => {
    const { chat, topic } = forumTopic(deps, params);
    requireTopicRights(deps, chat, topic.creatorId);
    if (topic.closed === closed) throw badRequest('TOPIC_NOT_MODIFIED');
    topic.closed = closed;
    serviceMessage(
      deps,
      chat,
      topic.threadId,
      closed ? { forum_topic_closed: {} } : { forum_topic_reopened: {} },
    );
    return true;
  };

export const topicMethods: MethodTable = {
  getForumTopicIconStickers,
  createForumTopic,
  editForumTopic,
  closeForumTopic: setTopicClosed(true),
  reopenForumTopic: setTopicClosed(false),
  deleteForumTopic: (deps, { params }) => {
    const { chat, topic } = forumTopic(deps, params);
    if (!deps.world.botHasRight(chat, 'can_delete_messages')) {
      throw badRequest('not enough rights to delete topics in the chat');
    }
    deleteTopic(chat, topic.threadId);
    return true;
  },
};
