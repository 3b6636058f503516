/** Pinned messages: pinChatMessage, unpinChatMessage, unpinAllChatMessages, unpinAllForumTopicMessages. */
import { badRequest, forbidden } from '../../api-error.js';
import type { ChatRecord } from '../../world.js';
import { forumTopic, memberChat, takeRate } from '../access.js';
import type { ApiDeps, MethodTable } from '../deps.js';
import { serviceMessage, shallowMessage } from '../outgoing.js';

/** Groups need can_pin_messages; private chats don't. */
function requirePinRights({ world }: ApiDeps, chat: ChatRecord): void {
  if (chat.chat.type !== 'private' && !world.botHasRight(chat, 'can_pin_messages')) {
    throw badRequest('not enough rights to manage pinned messages in the chat');
  }
}

/** A chat whose pins the bot may manage. */
function pinnableChat(deps: ApiDeps, ref: unknown): ChatRecord {
  const chat = memberChat(deps, ref);
  requirePinRights(deps, chat);
  return chat;
}

export const pinMethods: MethodTable = {
  pinChatMessage: (deps, { params }) => {
    const chat = memberChat(deps, params.chat_id);
    if (chat.chat.type === 'private' && chat.blocked)
      throw forbidden('bot was blocked by the user');
    requirePinRights(deps, chat);
    const record = deps.world.message(chat, params.message_id as number);
    if (!record) throw badRequest('message to pin not found');
    // A pin posts a service message: in a group it spends the group's budget (DESIGN §6).
    if (chat.chat.type !== 'private') takeRate(deps, chat, 1);
    record.pinned = true;
    const threadId = record.message.is_topic_message ? record.message.message_thread_id : undefined;
    serviceMessage(deps, chat, threadId, { pinned_message: shallowMessage(record.message) });
    return true;
  },
  unpinChatMessage: (deps, { params }) => {
    const chat = pinnableChat(deps, params.chat_id);
    const pinned = [...chat.messages.values()].filter((m) => m.pinned && !m.deleted);
    const record =
      params.message_id === undefined
        ? pinned[pinned.length - 1]
        : pinned.find((m) => m.message.message_id === params.message_id);
    if (!record) throw badRequest('message to unpin not found');
    record.pinned = false;
    return true;
  },
  unpinAllChatMessages: (deps, { params }) => {
    const chat = pinnableChat(deps, params.chat_id);
    for (const record of chat.messages.values()) record.pinned = false;
    return true;
  },
  unpinAllForumTopicMessages: (deps, { params }) => {
    const { chat, topic } = forumTopic(deps, params);
    // A forum is never private, so this is always the can_pin_messages check.
    requirePinRights(deps, chat);
    for (const record of chat.messages.values()) {
      if (record.message.message_thread_id === topic.threadId) record.pinned = false;
    }
    return true;
  },
};
