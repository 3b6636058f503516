/**
 * The Bot API object shapes the simulator produces, written by hand for the fields it uses.
 * The spec cross-check test (test/sandbox/telegram/spec-crosscheck.test.ts) proves that what
 * we emit matches the official spec; these types only keep our own code honest.
 */

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  is_premium?: boolean;
  can_join_groups?: boolean;
  can_read_all_group_messages?: boolean;
  supports_inline_queries?: boolean;
  can_connect_to_business?: boolean;
  has_main_web_app?: boolean;
}

export type ChatType = 'private' | 'group' | 'supergroup' | 'channel';

export interface TgChat {
  id: number;
  type: ChatType;
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
  is_forum?: boolean;
}

export interface TgMessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  user?: TgUser;
  language?: string;
  custom_emoji_id?: string;
}

export interface TgPhotoSize {
  file_id: string;
  file_unique_id: string;
  width: number;
  height: number;
  file_size?: number;
}

/** Any file-like object (Voice, Video, Document, …): the fields vary by kind. */
export interface TgFileObject {
  file_id: string;
  file_unique_id: string;
  file_size?: number;
  [field: string]: unknown;
}

export interface TgInlineKeyboardButton {
  text: string;
  url?: string;
  callback_data?: string;
  [field: string]: unknown;
}

export interface TgInlineKeyboardMarkup {
  inline_keyboard: TgInlineKeyboardButton[][];
}

export type TgReactionType =
  | { type: 'emoji'; emoji: string }
  | { type: 'custom_emoji'; custom_emoji_id: string }
  | { type: 'paid' };

export type TgMessageOrigin =
  | { type: 'user'; date: number; sender_user: TgUser }
  | { type: 'hidden_user'; date: number; sender_user_name: string }
  | { type: 'chat'; date: number; sender_chat: TgChat; author_signature?: string }
  | { type: 'channel'; date: number; chat: TgChat; message_id: number; author_signature?: string };

export interface TgMessage {
  message_id: number;
  message_thread_id?: number;
  from?: TgUser;
  sender_chat?: TgChat;
  /** The sender's member tag (setChatMemberTag), supergroups only. */
  sender_tag?: string;
  date: number;
  chat: TgChat;
  forward_origin?: TgMessageOrigin;
  is_topic_message?: boolean;
  reply_to_message?: TgMessage;
  edit_date?: number;
  has_protected_content?: boolean;
  media_group_id?: string;
  text?: string;
  entities?: TgMessageEntity[];
  link_preview_options?: Record<string, unknown>;
  animation?: TgFileObject;
  audio?: TgFileObject;
  document?: TgFileObject;
  paid_media?: { star_count: number; paid_media: Record<string, unknown>[] };
  photo?: TgPhotoSize[];
  sticker?: TgFileObject;
  video?: TgFileObject;
  video_note?: TgFileObject;
  voice?: TgFileObject;
  caption?: string;
  caption_entities?: TgMessageEntity[];
  show_caption_above_media?: boolean;
  has_media_spoiler?: boolean;
  contact?: {
    phone_number: string;
    first_name: string;
    last_name?: string;
    user_id?: number;
    vcard?: string;
  };
  location?: {
    latitude: number;
    longitude: number;
    live_period?: number;
    heading?: number;
    horizontal_accuracy?: number;
    [field: string]: unknown;
  };
  pinned_message?: TgMessage;
  invoice?: {
    title: string;
    description: string;
    start_parameter: string;
    currency: string;
    total_amount: number;
  };
  successful_payment?: Record<string, unknown>;
  refunded_payment?: Record<string, unknown>;
  forum_topic_created?: { name: string; icon_color: number; icon_custom_emoji_id?: string };
  forum_topic_edited?: { name?: string; icon_custom_emoji_id?: string };
  forum_topic_closed?: Record<string, never>;
  forum_topic_reopened?: Record<string, never>;
  reply_markup?: TgInlineKeyboardMarkup;
}

export type ChatMemberStatus =
  'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';

/** Administrator rights, as in ChatAdministratorRights (all optional here; filled on output). */
export interface AdminRights {
  is_anonymous?: boolean;
  can_manage_chat?: boolean;
  can_delete_messages?: boolean;
  can_manage_video_chats?: boolean;
  can_restrict_members?: boolean;
  can_promote_members?: boolean;
  can_change_info?: boolean;
  can_invite_users?: boolean;
  can_post_stories?: boolean;
  can_edit_stories?: boolean;
  can_delete_stories?: boolean;
  can_pin_messages?: boolean;
  can_manage_topics?: boolean;
  /** Edit regular members' tags (Bot API 9.5); when omitted, the value of can_pin_messages. */
  can_manage_tags?: boolean;
}

export interface TgForumTopic {
  message_thread_id: number;
  name: string;
  icon_color: number;
  icon_custom_emoji_id?: string;
}

/** An Update as sent to the bot: exactly one payload field besides update_id. */
export interface TgUpdate {
  update_id: number;
  [kind: string]: unknown;
}

/** The update kinds the simulator can emit (a subset of Update's fields). */
export type UpdateKind =
  | 'message'
  | 'edited_message'
  | 'callback_query'
  | 'my_chat_member'
  | 'chat_member'
  | 'message_reaction'
  | 'pre_checkout_query'
  | 'purchased_paid_media';

/** Every update kind Telegram knows (for allowed_updates validation). */
export const ALL_UPDATE_KINDS = [
  'message',
  'edited_message',
  'channel_post',
  'edited_channel_post',
  'business_connection',
  'business_message',
  'edited_business_message',
  'deleted_business_messages',
  'guest_message',
  'message_reaction',
  'message_reaction_count',
  'inline_query',
  'chosen_inline_result',
  'callback_query',
  'shipping_query',
  'pre_checkout_query',
  'purchased_paid_media',
  'poll',
  'poll_answer',
  'my_chat_member',
  'chat_member',
  'chat_join_request',
  'chat_boost',
  'removed_chat_boost',
  'managed_bot',
] as const;

/** What an empty allowed_updates list means: everything except these three. */
export const DEFAULT_EXCLUDED_UPDATES = [
  'chat_member',
  'message_reaction',
  'message_reaction_count',
];
