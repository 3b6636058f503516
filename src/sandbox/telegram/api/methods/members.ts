/**
 * Chat members: getChatMember, getChatAdministrators, getChatMemberCount, setChatMemberTag,
 * leaveChat.
 */
import { badRequest } from '../../api-error.js';
import type { TgUser } from '../../types.js';
import { FULL_ADMIN_RIGHTS, type MemberRecord } from '../../world.js';
import { knownChat, memberChat, requireMembership } from '../access.js';
import type { ApiMethod, MethodTable } from '../deps.js';

/** A ChatMember object for a member record. */
export function chatMemberJson(user: TgUser, member: MemberRecord): Record<string, unknown> {
  switch (member.status) {
    case 'creator':
      return {
        status: 'creator',
        user,
        is_anonymous: member.rights.is_anonymous ?? false,
        ...(member.customTitle ? { custom_title: member.customTitle } : {}),
      };
    case 'administrator': {
      const rights = { ...FULL_ADMIN_RIGHTS, ...member.rights };
      return {
        status: 'administrator',
        user,
        can_be_edited: false,
        ...rights,
        ...(member.customTitle ? { custom_title: member.customTitle } : {}),
      };
    }
    case 'kicked':
      return { status: 'kicked', user, until_date: 0 };
    case 'restricted':
      // The simulator restricts a member from sending anything (the case that matters to bots).
      return {
        status: 'restricted',
        user,
        is_member: true,
        can_send_messages: false,
        can_send_audios: false,
        can_send_documents: false,
        can_send_photos: false,
        can_send_videos: false,
        can_send_video_notes: false,
        can_send_voice_notes: false,
        can_send_polls: false,
        can_send_other_messages: false,
        can_add_web_page_previews: false,
        can_react_to_messages: true,
        can_edit_tag: false,
        can_change_info: false,
        can_invite_users: false,
        can_pin_messages: false,
        can_manage_topics: false,
        until_date: 0,
      };
    case 'left':
      return { status: 'left', user };
    default:
      return { status: 'member', user, ...(member.tag ? { tag: member.tag } : {}) };
  }
}

/** Tags: 0–16 characters, no emoji (Bot API 9.5). */
const TAG = /^[^\p{Extended_Pictographic}]{0,16}$/u;

/**
 * setChatMemberTag: a regular member's tag, set by an administrator bot with
 * can_manage_tags (omitted: the value of can_pin_messages, as Telegram says). An empty or
 * missing tag removes it. The member's later messages carry it as `sender_tag`.
 */
const setChatMemberTag: ApiMethod = (deps, { params }) => {
  const { world } = deps;
  const chat = memberChat(deps, params.chat_id);
  if (chat.chat.type !== 'group' && chat.chat.type !== 'supergroup')
    throw badRequest('chat member tags are available in groups only');
  const bot = world.botMember(chat);
  const right = bot.rights.can_manage_tags ?? bot.rights.can_pin_messages ?? false;
  if (bot.status !== 'creator' && !(bot.status === 'administrator' && right))
    throw badRequest('not enough rights to change chat member tags');
  const userId = params.user_id as number;
  if (!world.users.get(userId)) throw badRequest('user not found');
  const member = world.member(chat, userId);
  if (member.status === 'creator' || member.status === 'administrator')
    throw badRequest("can't change the tag of a chat administrator");
  if (member.status !== 'member' && member.status !== 'restricted')
    throw badRequest('USER_NOT_PARTICIPANT');
  const tag = (params.tag as string | undefined) ?? '';
  if (!TAG.test(tag)) throw badRequest('TAG_INVALID');
  const next: MemberRecord = { ...member };
  if (tag) next.tag = tag;
  else delete next.tag;
  chat.members.set(userId, next);
  return true;
};

const leaveChat: ApiMethod = (deps, { params }) => {
  const { world } = deps;
  const chat = knownChat(deps, params.chat_id);
  if (chat.chat.type === 'private')
    throw badRequest("chat member status can't be changed in private chats");
  requireMembership(deps, chat);
  const old = world.botMember(chat);
  const next: MemberRecord = { userId: world.bot.id, status: 'left', rights: {} };
  chat.members.set(world.bot.id, next);
  deps.hub.emit(
    'my_chat_member',
    {
      chat: chat.chat,
      from: world.bot,
      date: world.unixNow(),
      old_chat_member: chatMemberJson(world.bot, old),
      new_chat_member: chatMemberJson(world.bot, next),
    },
    `chat:${chat.chat.id}`,
  );
  return true;
};

export const memberMethods: MethodTable = {
  setChatMemberTag,
  getChatMember: (deps, { params }) => {
    const { world } = deps;
    const chat = memberChat(deps, params.chat_id);
    const userId = params.user_id as number;
    const user = world.users.get(userId);
    if (!user) throw badRequest('user not found');
    if (chat.chat.type === 'private' && userId !== chat.chat.id && userId !== world.bot.id) {
      throw badRequest('user not found');
    }
    return chatMemberJson(user, world.member(chat, userId));
  },
  getChatAdministrators: (deps, { params }) => {
    const { world } = deps;
    const chat = memberChat(deps, params.chat_id);
    if (chat.chat.type === 'private')
      throw badRequest('there are no administrators in the private chat');
    const admins: Record<string, unknown>[] = [];
    for (const member of chat.members.values()) {
      if (member.status !== 'creator' && member.status !== 'administrator') continue;
      const user = world.user(member.userId);
      if (user.is_bot && user.id !== world.bot.id && params.return_bots !== true) continue;
      admins.push(chatMemberJson(user, member));
    }
    return admins;
  },
  getChatMemberCount: (deps, { params }) => {
    const chat = memberChat(deps, params.chat_id);
    if (chat.chat.type === 'private') return 2;
    return [...chat.members.values()].filter((m) => m.status !== 'left' && m.status !== 'kicked')
      .length;
  },
  leaveChat,
};
