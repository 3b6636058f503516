/** Chat members: getChatMember, getChatAdministrators, getChatMemberCount, leaveChat. */
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
      return { status: 'member', user };
  }
}

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
