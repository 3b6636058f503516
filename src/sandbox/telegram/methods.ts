/**
 * The Bot API methods the simulator implements and the parameters it accepts, declared by hand.
 * Types are written as in the official spec ("Integer or String", "Array of MessageEntity", …).
 * test/sandbox/telegram/spec-crosscheck.test.ts proves every declaration against Bot API 10.1.
 *
 * Notation: `name:Type` optional, `name!:Type` required, `~name:Type` a legacy parameter the
 * real server still accepts although the current spec no longer lists it (the cross-check
 * asserts such names are indeed absent from the spec).
 */

export interface ParamDecl {
  name: string;
  /** Telegram type string, alternatives joined by " or ". */
  type: string;
  required: boolean;
  /** Accepted for compatibility, not part of the current spec. */
  legacy: boolean;
}

export interface MethodDecl {
  name: string;
  /** Return type as in the spec ("Message", "Array of MessageId", "Message or Boolean"…). */
  returns: string;
  params: readonly ParamDecl[];
}

function param(spec: string): ParamDecl {
  const match = /^(~?)([a-z_]+)(!?):(.+)$/.exec(spec);
  if (!match) throw new Error(`bad parameter declaration: ${spec}`);
  return {
    name: match[2] as string,
    type: (match[4] as string).trim(),
    required: match[3] === '!',
    legacy: match[1] === '~',
  };
}

const ANY_MARKUP =
  'InlineKeyboardMarkup or ReplyKeyboardMarkup or ReplyKeyboardRemove or ForceReply';
const FILE = 'InputFile or String';

const CHAT = 'chat_id!:Integer or String';
/** Where a new message goes: business connection, chat, topic. */
const TARGET = [
  'business_connection_id:String',
  CHAT,
  'message_thread_id:Integer',
  'direct_messages_topic_id:Integer',
];
const CAPTION = ['caption:String', 'parse_mode:String', 'caption_entities:Array of MessageEntity'];
const SEND_OPTIONS = [
  'disable_notification:Boolean',
  'protect_content:Boolean',
  'allow_paid_broadcast:Boolean',
  'message_effect_id:String',
  'suggested_post_parameters:SuggestedPostParameters',
  'reply_parameters:ReplyParameters',
  `reply_markup:${ANY_MARKUP}`,
  '~reply_to_message_id:Integer',
  '~allow_sending_without_reply:Boolean',
];
const EDIT_TARGET = [
  'business_connection_id:String',
  'chat_id:Integer or String',
  'message_id:Integer',
  'inline_message_id:String',
];
const THREAD_TARGET = [CHAT, 'message_thread_id!:Integer'];

const table: Record<string, [returns: string, params: string[]]> = {
  getMe: ['User', []],
  logOut: ['Boolean', []],
  close: ['Boolean', []],
  setWebhook: [
    'Boolean',
    [
      'url!:String',
      'certificate:InputFile',
      'ip_address:String',
      'max_connections:Integer',
      'allowed_updates:Array of String',
      'drop_pending_updates:Boolean',
      'secret_token:String',
    ],
  ],
  deleteWebhook: ['Boolean', ['drop_pending_updates:Boolean']],
  getWebhookInfo: ['WebhookInfo', []],
  getUpdates: [
    'Array of Update',
    ['offset:Integer', 'limit:Integer', 'timeout:Integer', 'allowed_updates:Array of String'],
  ],
  setMyCommands: [
    'Boolean',
    ['commands!:Array of BotCommand', 'scope:BotCommandScope', 'language_code:String'],
  ],
  getMyCommands: ['Array of BotCommand', ['scope:BotCommandScope', 'language_code:String']],
  deleteMyCommands: ['Boolean', ['scope:BotCommandScope', 'language_code:String']],
  sendMessage: [
    'Message',
    [
      ...TARGET,
      'text!:String',
      'parse_mode:String',
      'entities:Array of MessageEntity',
      'link_preview_options:LinkPreviewOptions',
      '~disable_web_page_preview:Boolean',
      ...SEND_OPTIONS,
    ],
  ],
  forwardMessage: [
    'Message',
    [
      CHAT,
      'message_thread_id:Integer',
      'direct_messages_topic_id:Integer',
      'from_chat_id!:Integer or String',
      'video_start_timestamp:Integer',
      'disable_notification:Boolean',
      'protect_content:Boolean',
      'message_effect_id:String',
      'suggested_post_parameters:SuggestedPostParameters',
      'message_id!:Integer',
    ],
  ],
  forwardMessages: [
    'Array of MessageId',
    [
      CHAT,
      'message_thread_id:Integer',
      'direct_messages_topic_id:Integer',
      'from_chat_id!:Integer or String',
      'message_ids!:Array of Integer',
      'disable_notification:Boolean',
      'protect_content:Boolean',
    ],
  ],
  copyMessage: [
    'MessageId',
    [
      CHAT,
      'message_thread_id:Integer',
      'direct_messages_topic_id:Integer',
      'from_chat_id!:Integer or String',
      'message_id!:Integer',
      'video_start_timestamp:Integer',
      ...CAPTION,
      'show_caption_above_media:Boolean',
      ...SEND_OPTIONS,
    ],
  ],
  copyMessages: [
    'Array of MessageId',
    [
      CHAT,
      'message_thread_id:Integer',
      'direct_messages_topic_id:Integer',
      'from_chat_id!:Integer or String',
      'message_ids!:Array of Integer',
      'disable_notification:Boolean',
      'protect_content:Boolean',
      'remove_caption:Boolean',
    ],
  ],
  sendPhoto: [
    'Message',
    [
      ...TARGET,
      `photo!:${FILE}`,
      ...CAPTION,
      'show_caption_above_media:Boolean',
      'has_spoiler:Boolean',
      ...SEND_OPTIONS,
    ],
  ],
  sendAudio: [
    'Message',
    [
      ...TARGET,
      `audio!:${FILE}`,
      ...CAPTION,
      'duration:Integer',
      'performer:String',
      'title:String',
      `thumbnail:${FILE}`,
      ...SEND_OPTIONS,
    ],
  ],
  sendDocument: [
    'Message',
    [
      ...TARGET,
      `document!:${FILE}`,
      `thumbnail:${FILE}`,
      ...CAPTION,
      'disable_content_type_detection:Boolean',
      ...SEND_OPTIONS,
    ],
  ],
  sendVideo: [
    'Message',
    [
      ...TARGET,
      `video!:${FILE}`,
      'duration:Integer',
      'width:Integer',
      'height:Integer',
      `thumbnail:${FILE}`,
      `cover:${FILE}`,
      'start_timestamp:Integer',
      ...CAPTION,
      'show_caption_above_media:Boolean',
      'has_spoiler:Boolean',
      'supports_streaming:Boolean',
      ...SEND_OPTIONS,
    ],
  ],
  sendAnimation: [
    'Message',
    [
      ...TARGET,
      `animation!:${FILE}`,
      'duration:Integer',
      'width:Integer',
      'height:Integer',
      `thumbnail:${FILE}`,
      ...CAPTION,
      'show_caption_above_media:Boolean',
      'has_spoiler:Boolean',
      ...SEND_OPTIONS,
    ],
  ],
  sendVoice: [
    'Message',
    [...TARGET, `voice!:${FILE}`, ...CAPTION, 'duration:Integer', ...SEND_OPTIONS],
  ],
  sendVideoNote: [
    'Message',
    [
      ...TARGET,
      `video_note!:${FILE}`,
      'duration:Integer',
      'length:Integer',
      `thumbnail:${FILE}`,
      ...SEND_OPTIONS,
    ],
  ],
  sendSticker: ['Message', [...TARGET, `sticker!:${FILE}`, 'emoji:String', ...SEND_OPTIONS]],
  sendLocation: [
    'Message',
    [
      ...TARGET,
      'latitude!:Float',
      'longitude!:Float',
      'horizontal_accuracy:Float',
      'live_period:Integer',
      'heading:Integer',
      'proximity_alert_radius:Integer',
      ...SEND_OPTIONS,
    ],
  ],
  sendContact: [
    'Message',
    [
      ...TARGET,
      'phone_number!:String',
      'first_name!:String',
      'last_name:String',
      'vcard:String',
      ...SEND_OPTIONS,
    ],
  ],
  sendMediaGroup: [
    'Array of Message',
    [
      ...TARGET,
      'media!:Array of InputMediaAudio or Array of InputMediaDocument or Array of InputMediaLivePhoto or Array of InputMediaPhoto or Array of InputMediaVideo',
      'disable_notification:Boolean',
      'protect_content:Boolean',
      'allow_paid_broadcast:Boolean',
      'message_effect_id:String',
      'reply_parameters:ReplyParameters',
      '~reply_to_message_id:Integer',
      '~allow_sending_without_reply:Boolean',
    ],
  ],
  sendPaidMedia: [
    'Message',
    [
      ...TARGET,
      'star_count!:Integer',
      'media!:Array of InputPaidMedia',
      'payload:String',
      ...CAPTION,
      'show_caption_above_media:Boolean',
      'disable_notification:Boolean',
      'protect_content:Boolean',
      'allow_paid_broadcast:Boolean',
      'suggested_post_parameters:SuggestedPostParameters',
      'reply_parameters:ReplyParameters',
      `reply_markup:${ANY_MARKUP}`,
    ],
  ],
  sendChatAction: [
    'Boolean',
    ['business_connection_id:String', CHAT, 'message_thread_id:Integer', 'action!:String'],
  ],
  setMessageReaction: [
    'Boolean',
    [CHAT, 'message_id!:Integer', 'reaction:Array of ReactionType', 'is_big:Boolean'],
  ],
  editMessageText: [
    'Message or Boolean',
    [
      ...EDIT_TARGET,
      'text:String',
      'parse_mode:String',
      'entities:Array of MessageEntity',
      'link_preview_options:LinkPreviewOptions',
      'rich_message:InputRichMessage',
      'reply_markup:InlineKeyboardMarkup',
      '~disable_web_page_preview:Boolean',
    ],
  ],
  editMessageCaption: [
    'Message or Boolean',
    [
      ...EDIT_TARGET,
      ...CAPTION,
      'show_caption_above_media:Boolean',
      'reply_markup:InlineKeyboardMarkup',
    ],
  ],
  editMessageReplyMarkup: [
    'Message or Boolean',
    [...EDIT_TARGET, 'reply_markup:InlineKeyboardMarkup'],
  ],
  editMessageMedia: [
    'Message or Boolean',
    [...EDIT_TARGET, 'media!:InputMedia', 'reply_markup:InlineKeyboardMarkup'],
  ],
  deleteMessage: ['Boolean', [CHAT, 'message_id!:Integer']],
  deleteMessages: ['Boolean', [CHAT, 'message_ids!:Array of Integer']],
  answerCallbackQuery: [
    'Boolean',
    [
      'callback_query_id!:String',
      'text:String',
      'show_alert:Boolean',
      'url:String',
      'cache_time:Integer',
    ],
  ],
  pinChatMessage: [
    'Boolean',
    ['business_connection_id:String', CHAT, 'message_id!:Integer', 'disable_notification:Boolean'],
  ],
  unpinChatMessage: ['Boolean', ['business_connection_id:String', CHAT, 'message_id:Integer']],
  unpinAllChatMessages: ['Boolean', [CHAT]],
  getChat: ['ChatFullInfo', [CHAT]],
  getChatMember: ['ChatMember', [CHAT, 'user_id!:Integer']],
  getChatAdministrators: ['Array of ChatMember', [CHAT, 'return_bots:Boolean']],
  getChatMemberCount: ['Integer', [CHAT]],
  setChatMemberTag: ['Boolean', [CHAT, 'user_id!:Integer', 'tag:String']],
  leaveChat: ['Boolean', [CHAT]],
  getForumTopicIconStickers: ['Array of Sticker', []],
  createForumTopic: [
    'ForumTopic',
    [CHAT, 'name!:String', 'icon_color:Integer', 'icon_custom_emoji_id:String'],
  ],
  editForumTopic: ['Boolean', [...THREAD_TARGET, 'name:String', 'icon_custom_emoji_id:String']],
  closeForumTopic: ['Boolean', THREAD_TARGET],
  reopenForumTopic: ['Boolean', THREAD_TARGET],
  deleteForumTopic: ['Boolean', THREAD_TARGET],
  unpinAllForumTopicMessages: ['Boolean', THREAD_TARGET],
  sendInvoice: [
    'Message',
    [
      CHAT,
      'message_thread_id:Integer',
      'direct_messages_topic_id:Integer',
      'title!:String',
      'description!:String',
      'payload!:String',
      'provider_token:String',
      'currency!:String',
      'prices!:Array of LabeledPrice',
      'max_tip_amount:Integer',
      'suggested_tip_amounts:Array of Integer',
      'start_parameter:String',
      'provider_data:String',
      'photo_url:String',
      'photo_size:Integer',
      'photo_width:Integer',
      'photo_height:Integer',
      'need_name:Boolean',
      'need_phone_number:Boolean',
      'need_email:Boolean',
      'need_shipping_address:Boolean',
      'send_phone_number_to_provider:Boolean',
      'send_email_to_provider:Boolean',
      'is_flexible:Boolean',
      'disable_notification:Boolean',
      'protect_content:Boolean',
      'allow_paid_broadcast:Boolean',
      'message_effect_id:String',
      'suggested_post_parameters:SuggestedPostParameters',
      'reply_parameters:ReplyParameters',
      'reply_markup:InlineKeyboardMarkup',
      '~reply_to_message_id:Integer',
      '~allow_sending_without_reply:Boolean',
    ],
  ],
  answerPreCheckoutQuery: [
    'Boolean',
    ['pre_checkout_query_id!:String', 'ok!:Boolean', 'error_message:String'],
  ],
  refundStarPayment: ['Boolean', ['user_id!:Integer', 'telegram_payment_charge_id!:String']],
  createInvoiceLink: [
    'String',
    [
      'business_connection_id:String',
      'title!:String',
      'description!:String',
      'payload!:String',
      'provider_token:String',
      'currency!:String',
      'prices!:Array of LabeledPrice',
      'subscription_period:Integer',
      'max_tip_amount:Integer',
      'suggested_tip_amounts:Array of Integer',
      'provider_data:String',
      'photo_url:String',
      'photo_size:Integer',
      'photo_width:Integer',
      'photo_height:Integer',
      'need_name:Boolean',
      'need_phone_number:Boolean',
      'need_email:Boolean',
      'need_shipping_address:Boolean',
      'send_phone_number_to_provider:Boolean',
      'send_email_to_provider:Boolean',
      'is_flexible:Boolean',
    ],
  ],
  getStarTransactions: ['StarTransactions', ['offset:Integer', 'limit:Integer']],
  getMyStarBalance: ['StarAmount', []],
  editUserStarSubscription: [
    'Boolean',
    ['user_id!:Integer', 'telegram_payment_charge_id!:String', 'is_canceled!:Boolean'],
  ],
  getFile: ['File', ['file_id!:String']],
};

/** Every implemented method, keyed by its canonical (spec) name. */
export const METHODS: ReadonlyMap<string, MethodDecl> = new Map(
  Object.entries(table).map(([name, [returns, params]]) => [
    name,
    { name, returns, params: params.map(param) },
  ]),
);

const byLowerName = new Map([...METHODS.values()].map((decl) => [decl.name.toLowerCase(), decl]));

/** Looks a method up the way Telegram does: case-insensitively. */
export function findMethod(name: string): MethodDecl | undefined {
  return byLowerName.get(name.toLowerCase());
}

/**
 * Methods that put messages into a chat and so count against the flood limits, with how many
 * messages each call sends (a media group or a batch copy counts each message).
 */
export const SEND_LIKE = new Set([
  'sendMessage',
  'forwardMessage',
  'forwardMessages',
  'copyMessage',
  'copyMessages',
  'sendPhoto',
  'sendAudio',
  'sendDocument',
  'sendVideo',
  'sendAnimation',
  'sendVoice',
  'sendVideoNote',
  'sendSticker',
  'sendLocation',
  'sendContact',
  'sendMediaGroup',
  'sendPaidMedia',
  'sendInvoice',
  'createForumTopic',
]);

/** Edits count against the group limit only (Telegram throttles edits in groups, not in private). */
export const EDIT_LIKE = new Set([
  'editMessageText',
  'editMessageCaption',
  'editMessageReplyMarkup',
  'editMessageMedia',
]);
