/** Reading a chat: getChat (ChatFullInfo). */
import type { ChatRecord } from '../../world.js';
import { memberChat } from '../access.js';
import type { MethodTable } from '../deps.js';
import { shallowMessage } from '../outgoing.js';

/** What members of a group may do (the simulator's groups all allow the same). */
const GROUP_PERMISSIONS = {
  can_send_messages: true,
  can_send_audios: true,
  can_send_documents: true,
  can_send_photos: true,
  can_send_videos: true,
  can_send_video_notes: true,
  can_send_voice_notes: true,
  can_send_polls: true,
  can_send_other_messages: true,
  can_add_web_page_previews: true,
  can_change_info: false,
  can_invite_users: true,
  can_pin_messages: false,
  can_manage_topics: false,
};

function chatFullInfo(chat: ChatRecord): Record<string, unknown> {
  const info: Record<string, unknown> = {
    ...chat.chat,
    accent_color_id: 0,
    max_reaction_count: 11,
  };
  info.accepted_gift_types = {
    unlimited_gifts: false,
    limited_gifts: false,
    unique_gifts: false,
    premium_subscription: false,
    gifts_from_channels: false,
  };
  if (chat.chat.type !== 'private') {
    info.permissions = { ...GROUP_PERMISSIONS };
    if (chat.description) info.description = chat.description;
  }
  const pinned = [...chat.messages.values()].filter((m) => m.pinned && !m.deleted).pop();
  if (pinned) info.pinned_message = shallowMessage(pinned.message);
  return info;
}

export const chatMethods: MethodTable = {
  getChat: (deps, { params }) => chatFullInfo(memberChat(deps, params.chat_id)),
};
