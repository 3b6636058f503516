/**
 * The Bot API methods the simulator implements. Each receives parameters already validated and
 * coerced against its declaration (methods.ts) and either returns the result or throws an
 * ApiError with Telegram's envelope. Checks follow Telegram's order where it matters: target
 * chat, topic, content, reply, flood limits, then state changes.
 */
import { badRequest, forbidden, invalid, tooManyRequests } from './api-error.js';
import {
  EntityParseError,
  parseMarkup,
  textLength,
  toParseMode,
  withAutoEntities,
} from './markup.js';
import type { RateLimiter } from './rate-limit.js';
import type {
  TgInlineKeyboardMarkup,
  TgMessage,
  TgMessageEntity,
  TgReactionType,
  TgUpdate,
  TgUser,
  UpdateKind,
} from './types.js';
import type { UpdateHub } from './updates.js';
import { isUpload, type UploadedFile } from './validate.js';
import {
  FULL_ADMIN_RIGHTS,
  TOPIC_COLORS,
  World,
  mediaKindOf,
  type ChatRecord,
  type FileRecord,
  type MediaKind,
  type MemberRecord,
  type MessageRecord,
} from './world.js';

export interface CallInput {
  params: Record<string, unknown>;
  /** Multipart file parts by field name (for `attach://<name>`). */
  uploads: ReadonlyMap<string, UploadedFile>;
  /** Aborted when the client goes away (long polls stop waiting). */
  signal: AbortSignal;
}

export type MethodImpl = (input: CallInput) => unknown;

export interface ApiDeps {
  world: World;
  hub: UpdateHub;
  limiter: RateLimiter;
  /** Real epoch ms (callback query expiry is not time-scaled). */
  now: () => number;
  /** Webhook URLs must be https (real Telegram); off by default for local tests. */
  requireHttpsWebhook: boolean;
  /** Seconds a callback query stays answerable (simulated; Telegram: about 15 s; 0 = forever). */
  callbackQueryTtlSeconds: number;
}

/** Emoji a bot may react with (ReactionTypeEmoji in the Bot API docs). */
export const REACTION_EMOJI = new Set(
  (
    '❤ 👍 👎 🔥 🥰 👏 😁 🤔 🤯 😱 🤬 😢 🎉 🤩 🤮 💩 🙏 👌 🕊 🤡 🥱 🥴 😍 🐳 ❤‍🔥 🌚 🌭 💯 🤣 ⚡ 🍌 🏆 💔 🤨 😐 🍓 🍾 💋 🖕 😈 😴 😭 🤓 👻 ' +
    '👨‍💻 👀 🎃 🙈 😇 😨 🤝 ✍ 🤗 🫡 🎅 🎄 ☃ 💅 🤪 🗿 🆒 💘 🙉 🦄 😘 💊 🙊 😎 👾 🤷‍♂ 🤷 🤷‍♀ 😡'
  ).split(' '),
);

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

const MEDIA_TYPE_NAMES: Record<MediaKind, string> = {
  photo: 'Photo',
  audio: 'Audio',
  document: 'Document',
  video: 'Video',
  animation: 'Animation',
  voice: 'Voice',
  video_note: 'VideoNote',
  sticker: 'Sticker',
};

const SERVICE_FIELDS: (keyof TgMessage)[] = [
  'pinned_message',
  'forum_topic_created',
  'forum_topic_edited',
  'forum_topic_closed',
  'forum_topic_reopened',
  'successful_payment',
  'refunded_payment',
];

const CONTENT_FIELDS: (keyof TgMessage)[] = [
  'text',
  'entities',
  'link_preview_options',
  'animation',
  'audio',
  'document',
  'photo',
  'sticker',
  'video',
  'video_note',
  'voice',
  'caption',
  'caption_entities',
  'show_caption_above_media',
  'has_media_spoiler',
  'contact',
  'location',
];

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

/** The Message object shown inside another (reply_to_message, pinned_message): one level only. */
export function shallowMessage(message: TgMessage): TgMessage {
  const copy: TgMessage = { ...message };
  delete copy.reply_to_message;
  delete copy.pinned_message;
  return copy;
}

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
    case 'left':
      return { status: 'left', user };
    default:
      return { status: 'member', user };
  }
}

export class BotApi {
  readonly methods: Record<string, MethodImpl>;
  private readonly world: World;

  constructor(private readonly deps: ApiDeps) {
    this.world = deps.world;
    this.methods = this.build();
  }

  // ---- helpers: chats, topics, replies ------------------------------------------------------

  private chatRef(value: unknown): number | string {
    return typeof value === 'number' ? value : String(value);
  }

  /** A chat the bot can see, or 400 chat not found / 403 for users who never started it. */
  private knownChat(ref: unknown): ChatRecord {
    const key = this.chatRef(ref);
    const chat = this.world.findChat(key);
    if (chat) return chat;
    if (typeof key === 'number' && this.world.users.has(key) && key !== this.world.bot.id) {
      throw forbidden("bot can't initiate conversation with a user");
    }
    throw badRequest('chat not found');
  }

  /** A chat the bot may post into. */
  private writableChat(ref: unknown): ChatRecord {
    const chat = this.knownChat(ref);
    if (chat.chat.type === 'private') {
      if (chat.blocked) throw forbidden('bot was blocked by the user');
      if (!chat.started) throw forbidden("bot can't initiate conversation with a user");
      return chat;
    }
    this.requireMembership(chat);
    return chat;
  }

  private requireMembership(chat: ChatRecord): void {
    if (chat.chat.type === 'private') return;
    const status = this.world.botMember(chat).status;
    if (status === 'kicked') throw forbidden('bot was kicked from the supergroup chat');
    if (status === 'left') throw forbidden('bot is not a member of the supergroup chat');
  }

  private requireForum(chat: ChatRecord): void {
    if (chat.chat.type === 'private') throw badRequest('chat is not a forum');
    if (!chat.chat.is_forum) throw badRequest('the chat is not a forum');
  }

  /** The topic a message goes to (undefined: the chat itself / General topic). */
  private targetThread(chat: ChatRecord, threadId: number | undefined): number | undefined {
    if (threadId === undefined) return undefined;
    const topic = chat.topics.get(threadId);
    // The General topic can't be addressed by id 1: omit message_thread_id instead.
    if (!chat.chat.is_forum || !topic || topic.deleted || threadId === 1) {
      throw badRequest('message thread not found');
    }
    if (topic.closed && !this.world.botHasRight(chat, 'can_manage_topics'))
      throw badRequest('TOPIC_CLOSED');
    return threadId;
  }

  private replyTarget(
    chat: ChatRecord,
    params: Record<string, unknown>,
  ): MessageRecord | undefined {
    const replyParameters = params.reply_parameters as Record<string, unknown> | undefined;
    const messageId = (replyParameters?.message_id ?? params.reply_to_message_id) as
      number | undefined;
    if (messageId === undefined) return undefined;
    const allowWithout = Boolean(
      replyParameters?.allow_sending_without_reply ?? params.allow_sending_without_reply,
    );
    let source = chat;
    if (replyParameters?.chat_id !== undefined) {
      const other = this.world.findChat(this.chatRef(replyParameters.chat_id));
      if (!other) throw badRequest('chat not found');
      source = other;
    }
    const record = source === chat ? this.world.message(chat, messageId) : undefined;
    if (!record) {
      if (allowWithout) return undefined;
      throw badRequest('message to be replied not found');
    }
    return record;
  }

  private takeRate(chat: ChatRecord, count: number, groupOnly = false): void {
    const retryAfter = this.deps.limiter.take(
      { chatId: chat.chat.id, isPrivate: chat.chat.type === 'private' },
      count,
      groupOnly,
    );
    if (retryAfter > 0) throw tooManyRequests(retryAfter);
  }

  // ---- helpers: text and files ------------------------------------------------------------

  /** Applies parse_mode / entities and Telegram's length rules. */
  private formatText(
    raw: string,
    parseMode: unknown,
    explicit: unknown,
    kind: 'text' | 'caption',
  ): { text: string; entities: TgMessageEntity[] } {
    let text = raw;
    let entities: TgMessageEntity[] = [];
    if (Array.isArray(explicit)) {
      entities = (explicit as TgMessageEntity[])
        .filter((e) => e.offset < text.length)
        .map((e) => ({ ...e, length: Math.min(e.length, text.length - e.offset) }));
    } else if (typeof parseMode === 'string' && parseMode !== '') {
      const mode = toParseMode(parseMode);
      if (!mode) throw invalid(`unsupported parse_mode`);
      try {
        const parsed = parseMarkup(raw, mode, (id) => this.world.users.get(id));
        text = parsed.text;
        entities = parsed.entities;
      } catch (error) {
        if (error instanceof EntityParseError)
          throw invalid(`can't parse entities: ${error.message}`);
        throw error;
      }
    }
    if (kind === 'text') {
      if (text.trim() === '') throw invalid('message text is empty');
      if (textLength(text) > 4096) throw invalid('message is too long');
    } else if (textLength(text) > 1024) {
      throw invalid('message caption is too long');
    }
    return { text, entities: withAutoEntities(text, entities) };
  }

  private captionFields(params: Record<string, unknown>): Partial<TgMessage> {
    const caption = params.caption as string | undefined;
    if (caption === undefined || caption === '') return {};
    const formatted = this.formatText(
      caption,
      params.parse_mode,
      params.caption_entities,
      'caption',
    );
    if (formatted.text.trim() === '') return {};
    const out: Partial<TgMessage> = { caption: formatted.text };
    if (formatted.entities.length > 0) out.caption_entities = formatted.entities;
    if (params.show_caption_above_media === true) out.show_caption_above_media = true;
    return out;
  }

  /** Resolves an InputFile or String (file_id, URL or attach://name) to a stored file. */
  private resolveFile(
    kind: MediaKind,
    value: unknown,
    uploads: ReadonlyMap<string, UploadedFile>,
  ): FileRecord {
    let upload: UploadedFile | undefined;
    if (isUpload(value)) upload = value;
    else if (typeof value === 'string' && value.startsWith('attach://')) {
      upload = uploads.get(value.slice('attach://'.length));
      if (!upload) throw invalid(`wrong file identifier/HTTP URL specified`);
    }
    if (upload) {
      if (upload.data.length === 0) throw invalid('file must be non-empty');
      return this.world.addFile(kind, {
        data: upload.data,
        fileName: upload.filename,
        mimeType: upload.contentType,
      });
    }
    const text = String(value);
    if (/^https?:\/\//i.test(text)) {
      const name = text.split('/').pop()?.split('?')[0] || undefined;
      return this.world.addFile(kind, { fileName: name });
    }
    const file = this.world.files.get(text.trim());
    if (!file) throw invalid('wrong file identifier/HTTP URL specified');
    const compatible =
      file.kind === kind ||
      (kind === 'document' && file.kind !== 'photo' && file.kind !== 'sticker') ||
      (kind === 'video' && file.kind === 'animation') ||
      (kind === 'animation' && file.kind === 'video');
    if (!compatible) {
      throw badRequest(
        `can't use file of type ${MEDIA_TYPE_NAMES[file.kind]} as ${MEDIA_TYPE_NAMES[kind]}`,
      );
    }
    return file;
  }

  private mediaContent(
    kind: MediaKind,
    params: Record<string, unknown>,
    uploads: ReadonlyMap<string, UploadedFile>,
  ) {
    const file = this.resolveFile(kind, params[kind], uploads);
    const fields = this.world.mediaFields(file);
    const object = fields[kind === 'animation' ? 'animation' : kind];
    if (object && !Array.isArray(object)) {
      for (const key of ['duration', 'width', 'height', 'performer', 'title']) {
        if (params[key] !== undefined) object[key] = params[key];
      }
      if (kind === 'video_note' && params.length !== undefined) object.length = params.length;
      if (kind === 'sticker' && params.emoji !== undefined) object.emoji = params.emoji;
    }
    const content: Partial<TgMessage> = { ...fields };
    if (kind !== 'sticker' && kind !== 'video_note')
      Object.assign(content, this.captionFields(params));
    if (params.has_spoiler === true) content.has_media_spoiler = true;
    return content;
  }

  // ---- helpers: storing messages ----------------------------------------------------------

  /** Builds and stores an outgoing bot message into a checked chat/thread. */
  private store(
    chat: ChatRecord,
    threadId: number | undefined,
    reply: MessageRecord | undefined,
    content: Partial<TgMessage>,
    params: Record<string, unknown>,
    from: TgUser = this.world.bot,
  ): MessageRecord {
    const fields: Omit<TgMessage, 'message_id' | 'date' | 'chat'> = { from };
    if (threadId !== undefined) {
      fields.message_thread_id = threadId;
      fields.is_topic_message = true;
    }
    const replyTo =
      reply?.message ?? (threadId !== undefined ? this.world.topicRoot(chat, threadId) : undefined);
    if (replyTo) fields.reply_to_message = shallowMessage(replyTo);
    if (params.protect_content === true) fields.has_protected_content = true;
    Object.assign(fields, content);
    const markup = params.reply_markup as Record<string, unknown> | undefined;
    if (markup && 'inline_keyboard' in markup)
      fields.reply_markup = markup as unknown as TgInlineKeyboardMarkup;
    const record = this.world.addMessage(chat, fields);
    if (markup && !('inline_keyboard' in markup)) record.replyKeyboard = markup;
    return record;
  }

  /** The common path of every send method. */
  private send(
    params: Record<string, unknown>,
    buildContent: (chat: ChatRecord) => Partial<TgMessage>,
  ): TgMessage {
    const chat = this.writableChat(params.chat_id);
    let threadId = this.targetThread(chat, params.message_thread_id as number | undefined);
    const content = buildContent(chat);
    const reply = this.replyTarget(chat, params);
    if (reply) {
      const replyThread = reply.message.message_thread_id;
      if (threadId !== undefined && replyThread !== threadId)
        throw badRequest('message to be replied not found');
      threadId = reply.message.is_topic_message ? replyThread : undefined;
    }
    this.takeRate(chat, 1);
    return this.store(chat, threadId, reply, content, params).message;
  }

  /** Emits an update for a message a user posted, if the bot can see it (privacy mode). */
  deliverIncoming(
    chat: ChatRecord,
    record: MessageRecord,
    kind: UpdateKind = 'message',
  ): TgUpdate | undefined {
    const message = record.message;
    if (chat.chat.type !== 'private' && !this.botSeesGroupMessage(chat, message)) return undefined;
    return this.deps.hub.emit(kind, message, `chat:${chat.chat.id}`);
  }

  /** Bots in privacy mode only see commands, replies to them and service messages, unless admin. */
  private botSeesGroupMessage(chat: ChatRecord, message: TgMessage): boolean {
    const member = this.world.botMember(chat);
    if (member.status === 'left' || member.status === 'kicked') return false;
    if (member.status === 'administrator' || member.status === 'creator') return true;
    if (this.world.bot.can_read_all_group_messages) return true;
    if (SERVICE_FIELDS.some((field) => message[field] !== undefined)) return true;
    if (message.text?.startsWith('/')) return true;
    const reply = message.reply_to_message;
    return reply?.from?.id === this.world.bot.id && reply.message_id !== message.message_thread_id;
  }

  private copyableContent(message: TgMessage, action: 'copied' | 'forwarded'): Partial<TgMessage> {
    if (
      SERVICE_FIELDS.some((field) => message[field] !== undefined) ||
      message.invoice ||
      message.paid_media
    ) {
      throw badRequest(`message can't be ${action}`);
    }
    const content: Partial<TgMessage> = {};
    for (const field of CONTENT_FIELDS) {
      if (message[field] !== undefined)
        (content as Record<string, unknown>)[field] = message[field];
    }
    return content;
  }

  private editTarget(params: Record<string, unknown>): { chat: ChatRecord; record: MessageRecord } {
    if (params.inline_message_id !== undefined) throw badRequest('MESSAGE_ID_INVALID');
    if (params.chat_id === undefined) throw invalid('chat_id is empty');
    if (params.message_id === undefined) throw invalid('message identifier is not specified');
    const chat = this.knownChat(params.chat_id);
    this.requireMembership(chat);
    const record = this.world.message(chat, params.message_id as number);
    if (!record) throw badRequest('message to edit not found');
    if (record.message.from?.id !== this.world.bot.id) throw badRequest("message can't be edited");
    return { chat, record };
  }

  private applyEdit(
    chat: ChatRecord,
    record: MessageRecord,
    changes: Partial<TgMessage>,
    markup: unknown,
  ): TgMessage {
    const message = record.message;
    const next: Record<string, unknown> = { ...message, ...changes };
    for (const [key, value] of Object.entries(changes)) if (value === undefined) delete next[key];
    if (markup && typeof markup === 'object' && 'inline_keyboard' in markup)
      next.reply_markup = markup;
    else delete next.reply_markup;
    const same = (key: string) =>
      JSON.stringify(next[key]) ===
      JSON.stringify((message as unknown as Record<string, unknown>)[key]);
    if (
      [
        'text',
        'entities',
        'caption',
        'caption_entities',
        'reply_markup',
        'show_caption_above_media',
      ].every(same)
    ) {
      throw badRequest(NOT_MODIFIED);
    }
    this.takeRate(chat, 1, true);
    next.edit_date = this.world.unixNow();
    record.message = next as unknown as TgMessage;
    record.edited = true;
    return record.message;
  }

  private topic(chat: ChatRecord, threadId: number) {
    const topic = chat.topics.get(threadId);
    if (!topic || topic.deleted) throw badRequest('message thread not found');
    if (threadId === 1) throw badRequest('TOPIC_ID_INVALID');
    return topic;
  }

  private requireTopicRights(chat: ChatRecord, creatorId: number): void {
    if (creatorId === this.world.bot.id) return;
    if (!this.world.botHasRight(chat, 'can_manage_topics')) {
      throw badRequest('not enough rights to manage topics in the chat');
    }
  }

  private serviceMessage(
    chat: ChatRecord,
    threadId: number | undefined,
    content: Partial<TgMessage>,
  ): MessageRecord {
    const fields: Omit<TgMessage, 'message_id' | 'date' | 'chat'> = {
      from: this.world.bot,
      ...content,
    };
    if (threadId !== undefined) {
      fields.message_thread_id = threadId;
      fields.is_topic_message = true;
      const root = this.world.topicRoot(chat, threadId);
      if (root) fields.reply_to_message = shallowMessage(root);
    }
    return this.world.addMessage(chat, fields);
  }

  private chatFullInfo(chat: ChatRecord): Record<string, unknown> {
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
      info.permissions = {
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
      if (chat.description) info.description = chat.description;
    }
    const pinned = [...chat.messages.values()].filter((m) => m.pinned && !m.deleted).pop();
    if (pinned) info.pinned_message = shallowMessage(pinned.message);
    return info;
  }

  private batchIds(params: Record<string, unknown>): number[] {
    const ids = params.message_ids as number[];
    if (ids.length < 1 || ids.length > 100)
      throw invalid('message_ids must contain 1-100 identifiers');
    for (let i = 1; i < ids.length; i++) {
      if ((ids[i] as number) <= (ids[i - 1] as number)) {
        throw invalid('message identifiers must be specified in a strictly increasing order');
      }
    }
    return ids;
  }

  /** Copies or forwards several messages, keeping order and album grouping. */
  private batch(
    params: Record<string, unknown>,
    mode: 'copy' | 'forward',
  ): { message_id: number }[] {
    const target = this.writableChat(params.chat_id);
    const threadId = this.targetThread(target, params.message_thread_id as number | undefined);
    const source = this.knownChat(params.from_chat_id);
    const ids = this.batchIds(params);
    const plan: { content: Partial<TgMessage>; group?: string; source: TgMessage }[] = [];
    for (const id of ids) {
      const record = this.world.message(source, id);
      if (!record) continue;
      let content: Partial<TgMessage>;
      try {
        content = this.copyableContent(record.message, mode === 'copy' ? 'copied' : 'forwarded');
      } catch {
        continue; // "If some of the specified messages can't be found or copied, they are skipped."
      }
      if (mode === 'copy' && params.remove_caption === true) {
        delete content.caption;
        delete content.caption_entities;
      }
      plan.push({ content, group: record.message.media_group_id, source: record.message });
    }
    if (plan.length === 0) throw badRequest(`there are no messages to ${mode}`);
    this.takeRate(target, plan.length);
    const groups = new Map<string, string>();
    return plan.map(({ content, group, source: original }) => {
      if (group !== undefined) {
        if (!groups.has(group)) groups.set(group, this.world.newMediaGroupId());
        content.media_group_id = groups.get(group) as string;
      }
      if (mode === 'forward')
        content.forward_origin = original.forward_origin ?? this.originOf(original);
      const record = this.store(target, threadId, undefined, content, params);
      return { message_id: record.message.message_id };
    });
  }

  private originOf(message: TgMessage): TgMessage['forward_origin'] {
    return { type: 'user', date: message.date, sender_user: message.from ?? this.world.bot };
  }

  private answerQueryExpired(createdAt: number): boolean {
    const ttl = this.deps.callbackQueryTtlSeconds;
    return ttl > 0 && this.deps.now() - createdAt > ttl * 1000;
  }

  // ---- the methods ------------------------------------------------------------------------

  private build(): Record<string, MethodImpl> {
    const world = this.world;
    const deps = this.deps;
    const sendMedia =
      (kind: MediaKind): MethodImpl =>
      ({ params, uploads }) =>
        this.send(params, () => this.mediaContent(kind, params, uploads));

    return {
      getMe: () => ({
        ...world.bot,
        can_join_groups: world.bot.can_join_groups ?? true,
        can_read_all_group_messages: world.bot.can_read_all_group_messages ?? false,
        supports_inline_queries: world.bot.supports_inline_queries ?? false,
        can_connect_to_business: false,
        has_main_web_app: false,
      }),
      logOut: () => true,
      close: () => true,

      setWebhook: ({ params }) => {
        const url = params.url as string;
        if (url !== '') {
          let parsed: URL;
          try {
            parsed = new URL(url);
          } catch {
            throw badRequest(
              'bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443',
            );
          }
          if (deps.requireHttpsWebhook && parsed.protocol !== 'https:') {
            throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
          }
          if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
            throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
          }
        }
        const secret = params.secret_token as string | undefined;
        if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
          throw invalid('secret token contains unallowed characters');
        }
        const maxConnections = params.max_connections as number | undefined;
        if (maxConnections !== undefined && (maxConnections < 1 || maxConnections > 100)) {
          throw invalid('max_connections must be between 1 and 100');
        }
        deps.hub.setWebhook({
          url,
          secretToken: secret,
          maxConnections,
          ipAddress: params.ip_address as string | undefined,
          allowedUpdates: params.allowed_updates as string[] | undefined,
          dropPendingUpdates: params.drop_pending_updates === true,
        });
        return true;
      },
      deleteWebhook: ({ params }) => {
        deps.hub.deleteWebhook(params.drop_pending_updates === true);
        return true;
      },
      getWebhookInfo: () => {
        const webhook = deps.hub.webhook;
        const info: Record<string, unknown> = {
          url: webhook?.url ?? '',
          has_custom_certificate: false,
          pending_update_count: deps.hub.pendingCount(),
        };
        if (webhook) {
          if (webhook.ipAddress) info.ip_address = webhook.ipAddress;
          if (webhook.lastErrorDate !== undefined) info.last_error_date = webhook.lastErrorDate;
          if (webhook.lastErrorMessage !== undefined)
            info.last_error_message = webhook.lastErrorMessage;
          info.max_connections = webhook.maxConnections;
          if (webhook.allowedUpdates) info.allowed_updates = webhook.allowedUpdates;
        }
        return info;
      },
      getUpdates: ({ params, signal }) =>
        deps.hub.getUpdates(
          {
            offset: params.offset as number | undefined,
            limit: params.limit as number | undefined,
            timeout: params.timeout as number | undefined,
            allowed_updates: params.allowed_updates as string[] | undefined,
          },
          signal,
        ),

      setMyCommands: ({ params }) => {
        const commands = params.commands as { command: string; description: string }[];
        if (commands.length > 100) throw invalid('too many commands');
        world.commands.set(
          commandsKey(params),
          commands.map(({ command, description }) => ({ command, description })),
        );
        return true;
      },
      getMyCommands: ({ params }) => world.commands.get(commandsKey(params)) ?? [],
      deleteMyCommands: ({ params }) => {
        world.commands.delete(commandsKey(params));
        return true;
      },

      sendMessage: ({ params }) =>
        this.send(params, () => {
          const formatted = this.formatText(
            params.text as string,
            params.parse_mode,
            params.entities,
            'text',
          );
          const content: Partial<TgMessage> = { text: formatted.text };
          if (formatted.entities.length > 0) content.entities = formatted.entities;
          const preview = params.link_preview_options as Record<string, unknown> | undefined;
          if (preview) content.link_preview_options = preview;
          else if (params.disable_web_page_preview === true)
            content.link_preview_options = { is_disabled: true };
          return content;
        }),
      sendPhoto: sendMedia('photo'),
      sendAudio: sendMedia('audio'),
      sendDocument: sendMedia('document'),
      sendVideo: sendMedia('video'),
      sendAnimation: sendMedia('animation'),
      sendVoice: sendMedia('voice'),
      sendVideoNote: sendMedia('video_note'),
      sendSticker: sendMedia('sticker'),
      sendLocation: ({ params }) =>
        this.send(params, () => {
          const latitude = params.latitude as number;
          const longitude = params.longitude as number;
          if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180)
            throw invalid('wrong latitude or longitude');
          const location: NonNullable<TgMessage['location']> = { latitude, longitude };
          for (const key of [
            'horizontal_accuracy',
            'live_period',
            'heading',
            'proximity_alert_radius',
          ]) {
            if (params[key] !== undefined) location[key] = params[key];
          }
          return { location };
        }),
      sendContact: ({ params }) =>
        this.send(params, () => {
          const contact: NonNullable<TgMessage['contact']> = {
            phone_number: params.phone_number as string,
            first_name: params.first_name as string,
          };
          if (params.last_name !== undefined) contact.last_name = params.last_name as string;
          if (params.vcard !== undefined) contact.vcard = params.vcard as string;
          return { contact };
        }),

      sendMediaGroup: ({ params, uploads }) => {
        const chat = this.writableChat(params.chat_id);
        let threadId = this.targetThread(chat, params.message_thread_id as number | undefined);
        const media = params.media as Record<string, unknown>[];
        if (media.length < 2 || media.length > 10)
          throw invalid('media group must contain 2-10 items');
        const kinds = new Set(media.map((item) => String(item.type)));
        const only = (kind: string) => kinds.has(kind) && kinds.size > 1;
        if (only('document') || only('audio'))
          throw invalid("documents and audio can't be mixed with other media types");
        const contents = media.map((item) => {
          const kind = item.type === 'live_photo' ? 'photo' : (item.type as MediaKind);
          const content: Partial<TgMessage> = world.mediaFields(
            this.resolveFile(kind, item.media, uploads),
          );
          Object.assign(content, this.captionFields(item));
          if (item.has_spoiler === true) content.has_media_spoiler = true;
          return content;
        });
        const reply = this.replyTarget(chat, params);
        if (reply?.message.is_topic_message) threadId = reply.message.message_thread_id;
        this.takeRate(chat, contents.length);
        const group = world.newMediaGroupId();
        return contents.map(
          (content) =>
            this.store(chat, threadId, reply, { ...content, media_group_id: group }, params)
              .message,
        );
      },

      sendPaidMedia: ({ params, uploads }) => {
        let payload: string | undefined;
        const message = this.send(params, () => {
          const stars = params.star_count as number;
          if (stars < 1 || stars > 25000) throw invalid('STARS_AMOUNT_INVALID');
          const media = params.media as Record<string, unknown>[];
          if (media.length < 1 || media.length > 10)
            throw invalid('paid media must contain 1-10 items');
          const paid = media.map((item) => {
            const kind: MediaKind = item.type === 'video' ? 'video' : 'photo';
            const fields = world.mediaFields(this.resolveFile(kind, item.media, uploads));
            return kind === 'video'
              ? { type: 'video', video: fields.video }
              : { type: 'photo', photo: fields.photo };
          });
          payload = params.payload as string | undefined;
          return {
            paid_media: { star_count: stars, paid_media: paid },
            ...this.captionFields(params),
          };
        });
        const chat = world.findChat(message.chat.id) as ChatRecord;
        const record = world.message(chat, message.message_id) as MessageRecord;
        if (payload !== undefined) record.paidMediaPayload = payload;
        return message;
      },

      sendInvoice: ({ params }) => {
        let payload = '';
        const message = this.send(params, () => {
          const currency = params.currency as string;
          const prices = params.prices as { label: string; amount: number }[];
          if (prices.length === 0) throw invalid('prices must be non-empty');
          if (currency === 'XTR') {
            if (prices.length !== 1)
              throw invalid('exactly one price must be specified for payments in Telegram Stars');
            if (params.provider_token)
              throw invalid('provider_token must be empty for payments in Telegram Stars');
          } else if (!params.provider_token) {
            throw badRequest('PAYMENT_PROVIDER_INVALID');
          }
          const keyboard = (params.reply_markup as TgInlineKeyboardMarkup | undefined)
            ?.inline_keyboard;
          if (keyboard && keyboard[0]?.[0]?.pay !== true)
            throw invalid('first button must be a Pay button');
          payload = params.payload as string;
          if (Buffer.byteLength(payload) > 128) throw invalid('payload must be 1-128 bytes');
          return {
            invoice: {
              title: params.title as string,
              description: params.description as string,
              start_parameter: (params.start_parameter as string | undefined) ?? '',
              currency,
              total_amount: prices.reduce((sum, price) => sum + price.amount, 0),
            },
          };
        });
        const chat = world.findChat(message.chat.id) as ChatRecord;
        (world.message(chat, message.message_id) as MessageRecord).invoicePayload = payload;
        return message;
      },

      forwardMessage: ({ params }) => {
        const source = this.knownChat(params.from_chat_id);
        const original = world.message(source, params.message_id as number);
        if (!original) throw badRequest('message to forward not found');
        return this.send(params, () => ({
          ...this.copyableContent(original.message, 'forwarded'),
          forward_origin: original.message.forward_origin ?? this.originOf(original.message),
        }));
      },
      forwardMessages: ({ params }) => this.batch(params, 'forward'),
      copyMessage: ({ params }) => {
        const source = this.knownChat(params.from_chat_id);
        const original = world.message(source, params.message_id as number);
        if (!original) throw badRequest('message to copy not found');
        const message = this.send(params, () => {
          const content = this.copyableContent(original.message, 'copied');
          if (params.caption !== undefined && mediaKindOf(original.message)) {
            delete content.caption;
            delete content.caption_entities;
            Object.assign(content, this.captionFields(params));
          }
          return content;
        });
        return { message_id: message.message_id };
      },
      copyMessages: ({ params }) => this.batch(params, 'copy'),

      sendChatAction: ({ params }) => {
        const chat = this.writableChat(params.chat_id);
        const threadId = this.targetThread(chat, params.message_thread_id as number | undefined);
        const action = params.action as string;
        if (!CHAT_ACTIONS.has(action)) throw invalid('wrong parameter action in request');
        chat.lastAction = {
          action,
          at: deps.now(),
          ...(threadId !== undefined ? { threadId } : {}),
        };
        return true;
      },

      setMessageReaction: ({ params }) => {
        const chat = this.knownChat(params.chat_id);
        this.requireMembership(chat);
        if (chat.chat.type === 'private' && chat.blocked)
          throw forbidden('bot was blocked by the user');
        const record = world.message(chat, params.message_id as number);
        if (!record) throw badRequest('message to react not found');
        const reactions = (params.reaction as TgReactionType[] | undefined) ?? [];
        if (reactions.length > 1) throw badRequest('REACTIONS_TOO_MANY');
        for (const reaction of reactions) {
          if (reaction.type === 'paid') throw invalid('REACTION_INVALID');
          if (reaction.type === 'emoji' && !REACTION_EMOJI.has(reaction.emoji))
            throw invalid('REACTION_INVALID');
        }
        if (reactions.length === 0) record.reactions.delete(world.bot.id);
        else record.reactions.set(world.bot.id, reactions);
        return true;
      },

      editMessageText: ({ params }) => {
        const { chat, record } = this.editTarget(params);
        if (record.message.text === undefined)
          throw badRequest('there is no text in the message to edit');
        if (params.text === undefined) throw invalid('message text is empty');
        const formatted = this.formatText(
          params.text as string,
          params.parse_mode,
          params.entities,
          'text',
        );
        return this.applyEdit(
          chat,
          record,
          {
            text: formatted.text,
            entities: formatted.entities.length > 0 ? formatted.entities : undefined,
          },
          params.reply_markup,
        );
      },
      editMessageCaption: ({ params }) => {
        const { chat, record } = this.editTarget(params);
        if (!mediaKindOf(record.message))
          throw badRequest('there is no caption in the message to edit');
        const caption = this.captionFields(params);
        return this.applyEdit(
          chat,
          record,
          {
            caption: caption.caption,
            caption_entities: caption.caption_entities,
            show_caption_above_media: caption.show_caption_above_media,
          },
          params.reply_markup,
        );
      },
      editMessageReplyMarkup: ({ params }) => {
        const { chat, record } = this.editTarget(params);
        return this.applyEdit(chat, record, {}, params.reply_markup);
      },

      deleteMessage: ({ params }) => {
        const chat = this.knownChat(params.chat_id);
        this.requireMembership(chat);
        const record = world.message(chat, params.message_id as number);
        if (!record) throw badRequest('message to delete not found');
        this.assertDeletable(chat, record);
        record.deleted = true;
        return true;
      },
      deleteMessages: ({ params }) => {
        const chat = this.knownChat(params.chat_id);
        this.requireMembership(chat);
        const ids = params.message_ids as number[];
        if (ids.length < 1 || ids.length > 100)
          throw invalid('message_ids must contain 1-100 identifiers');
        const records = ids
          .map((id) => world.message(chat, id))
          .filter((r): r is MessageRecord => r !== undefined);
        for (const record of records) this.assertDeletable(chat, record);
        for (const record of records) record.deleted = true;
        return true;
      },

      answerCallbackQuery: ({ params }) => {
        const query = world.callbackQueries.get(params.callback_query_id as string);
        if (!query || query.answer || this.answerQueryExpired(query.createdAt)) {
          throw badRequest('query is too old and response timeout expired or query ID is invalid');
        }
        const text = params.text as string | undefined;
        if (text !== undefined && text.length > 200) throw invalid('MESSAGE_TOO_LONG');
        query.answer = { at: deps.now() };
        if (text !== undefined) query.answer.text = text;
        if (params.show_alert !== undefined) query.answer.show_alert = params.show_alert as boolean;
        if (params.url !== undefined) query.answer.url = params.url as string;
        return true;
      },

      pinChatMessage: ({ params }) => {
        const chat = this.knownChat(params.chat_id);
        this.requireMembership(chat);
        if (chat.chat.type === 'private' && chat.blocked)
          throw forbidden('bot was blocked by the user');
        if (chat.chat.type !== 'private' && !world.botHasRight(chat, 'can_pin_messages')) {
          throw badRequest('not enough rights to manage pinned messages in the chat');
        }
        const record = world.message(chat, params.message_id as number);
        if (!record) throw badRequest('message to pin not found');
        record.pinned = true;
        const threadId = record.message.is_topic_message
          ? record.message.message_thread_id
          : undefined;
        this.serviceMessage(chat, threadId, { pinned_message: shallowMessage(record.message) });
        return true;
      },
      unpinChatMessage: ({ params }) => {
        const chat = this.knownChat(params.chat_id);
        this.requireMembership(chat);
        if (chat.chat.type !== 'private' && !world.botHasRight(chat, 'can_pin_messages')) {
          throw badRequest('not enough rights to manage pinned messages in the chat');
        }
        const pinned = [...chat.messages.values()].filter((m) => m.pinned && !m.deleted);
        const record =
          params.message_id === undefined
            ? pinned[pinned.length - 1]
            : pinned.find((m) => m.message.message_id === params.message_id);
        if (!record) throw badRequest('message to unpin not found');
        record.pinned = false;
        return true;
      },
      unpinAllChatMessages: ({ params }) => {
        const chat = this.knownChat(params.chat_id);
        this.requireMembership(chat);
        if (chat.chat.type !== 'private' && !world.botHasRight(chat, 'can_pin_messages')) {
          throw badRequest('not enough rights to manage pinned messages in the chat');
        }
        for (const record of chat.messages.values()) record.pinned = false;
        return true;
      },
      unpinAllForumTopicMessages: ({ params }) => {
        const chat = this.knownChat(params.chat_id);
        this.requireMembership(chat);
        this.requireForum(chat);
        const topic = this.topic(chat, params.message_thread_id as number);
        if (!world.botHasRight(chat, 'can_pin_messages')) {
          throw badRequest('not enough rights to manage pinned messages in the chat');
        }
        for (const record of chat.messages.values()) {
          if (record.message.message_thread_id === topic.threadId) record.pinned = false;
        }
        return true;
      },

      getChat: ({ params }) => {
        const chat = this.knownChat(params.chat_id);
        this.requireMembership(chat);
        return this.chatFullInfo(chat);
      },
      getChatMember: ({ params }) => {
        const chat = this.knownChat(params.chat_id);
        this.requireMembership(chat);
        const userId = params.user_id as number;
        const user = world.users.get(userId);
        if (!user) throw badRequest('user not found');
        if (chat.chat.type === 'private' && userId !== chat.chat.id && userId !== world.bot.id) {
          throw badRequest('user not found');
        }
        return chatMemberJson(user, world.member(chat, userId));
      },
      getChatAdministrators: ({ params }) => {
        const chat = this.knownChat(params.chat_id);
        this.requireMembership(chat);
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
      getChatMemberCount: ({ params }) => {
        const chat = this.knownChat(params.chat_id);
        this.requireMembership(chat);
        if (chat.chat.type === 'private') return 2;
        return [...chat.members.values()].filter(
          (m) => m.status !== 'left' && m.status !== 'kicked',
        ).length;
      },
      leaveChat: ({ params }) => {
        const chat = this.knownChat(params.chat_id);
        if (chat.chat.type === 'private')
          throw badRequest("chat member status can't be changed in private chats");
        this.requireMembership(chat);
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
      },

      createForumTopic: ({ params }) => {
        const chat = this.knownChat(params.chat_id);
        this.requireMembership(chat);
        this.requireForum(chat);
        if (!world.botHasRight(chat, 'can_manage_topics')) {
          throw badRequest('not enough rights to create a topic in the chat');
        }
        const name = params.name as string;
        if (name.length > 128) throw invalid('TOPIC_TITLE_TOO_LONG');
        const color = (params.icon_color as number | undefined) ?? (TOPIC_COLORS[0] as number);
        if (!TOPIC_COLORS.includes(color)) throw invalid('TOPIC_ICON_COLOR_INVALID');
        this.takeRate(chat, 1);
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
        const topic: Record<string, unknown> = {
          message_thread_id: threadId,
          name,
          icon_color: color,
        };
        if (emoji) topic.icon_custom_emoji_id = emoji;
        return topic;
      },
      editForumTopic: ({ params }) => {
        const chat = this.knownChat(params.chat_id);
        this.requireMembership(chat);
        this.requireForum(chat);
        const topic = this.topic(chat, params.message_thread_id as number);
        this.requireTopicRights(chat, topic.creatorId);
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
        this.serviceMessage(chat, topic.threadId, { forum_topic_edited: changed });
        return true;
      },
      closeForumTopic: ({ params }) => {
        const chat = this.knownChat(params.chat_id);
        this.requireMembership(chat);
        this.requireForum(chat);
        const topic = this.topic(chat, params.message_thread_id as number);
        this.requireTopicRights(chat, topic.creatorId);
        if (topic.closed) throw badRequest('TOPIC_NOT_MODIFIED');
        topic.closed = true;
        this.serviceMessage(chat, topic.threadId, { forum_topic_closed: {} });
        return true;
      },
      reopenForumTopic: ({ params }) => {
        const chat = this.knownChat(params.chat_id);
        this.requireMembership(chat);
        this.requireForum(chat);
        const topic = this.topic(chat, params.message_thread_id as number);
        this.requireTopicRights(chat, topic.creatorId);
        if (!topic.closed) throw badRequest('TOPIC_NOT_MODIFIED');
        topic.closed = false;
        this.serviceMessage(chat, topic.threadId, { forum_topic_reopened: {} });
        return true;
      },
      deleteForumTopic: ({ params }) => {
        const chat = this.knownChat(params.chat_id);
        this.requireMembership(chat);
        this.requireForum(chat);
        const topic = this.topic(chat, params.message_thread_id as number);
        if (!world.botHasRight(chat, 'can_delete_messages')) {
          throw badRequest('not enough rights to delete topics in the chat');
        }
        deleteTopic(chat, topic.threadId);
        return true;
      },

      answerPreCheckoutQuery: ({ params }) => {
        const query = world.preCheckoutQueries.get(params.pre_checkout_query_id as string);
        if (!query || query.answer) {
          throw badRequest('query is too old and response timeout expired or query ID is invalid');
        }
        const ok = params.ok as boolean;
        const errorMessage = params.error_message as string | undefined;
        if (!ok && !errorMessage) throw invalid('error_message must be non-empty if ok is False');
        query.answer = {
          ok,
          at: deps.now(),
          ...(errorMessage !== undefined ? { error_message: errorMessage } : {}),
        };
        if (ok) {
          const payment = world.recordPayment({
            userId: query.fromId,
            currency: query.currency,
            totalAmount: query.totalAmount,
            payload: query.payload,
          });
          const chat = world.privateChat(query.fromId);
          const record = world.addMessage(chat, {
            from: world.user(query.fromId),
            successful_payment: {
              currency: payment.currency,
              total_amount: payment.totalAmount,
              invoice_payload: payment.payload,
              telegram_payment_charge_id: payment.telegramChargeId,
              provider_payment_charge_id: payment.providerChargeId,
            },
          });
          this.deliverIncoming(chat, record);
        }
        return true;
      },
      refundStarPayment: ({ params }) => {
        const userId = params.user_id as number;
        if (!world.users.has(userId)) throw badRequest('user not found');
        const chargeId = params.telegram_payment_charge_id as string;
        const payment = world.payments.find(
          (p) => p.userId === userId && p.telegramChargeId === chargeId,
        );
        if (!payment || payment.currency !== 'XTR') throw badRequest('CHARGE_NOT_FOUND');
        if (payment.refunded) throw badRequest('CHARGE_ALREADY_REFUNDED');
        payment.refunded = true;
        const chat = world.privateChat(userId);
        const record = world.addMessage(chat, {
          from: world.user(userId),
          refunded_payment: {
            currency: payment.currency,
            total_amount: payment.totalAmount,
            invoice_payload: payment.payload,
            telegram_payment_charge_id: payment.telegramChargeId,
          },
        });
        this.deliverIncoming(chat, record);
        return true;
      },

      getFile: ({ params }) => {
        const file = world.files.get((params.file_id as string).trim());
        if (!file) throw badRequest('invalid file_id');
        if (file.file_size > 20 * 1024 * 1024) throw badRequest('file is too big');
        return {
          file_id: file.file_id,
          file_unique_id: file.file_unique_id,
          file_size: file.file_size,
          file_path: file.file_path,
        };
      },
    };
  }

  private assertDeletable(chat: ChatRecord, record: MessageRecord): void {
    const message = record.message;
    if (message.forum_topic_created) throw badRequest("message can't be deleted");
    const own = message.from?.id === this.world.bot.id;
    if (own || chat.chat.type === 'private') return;
    if (!this.world.botHasRight(chat, 'can_delete_messages'))
      throw badRequest("message can't be deleted");
  }
}

/** Marks a topic and all of its messages deleted (deleteForumTopic, or out-of-band). */
export function deleteTopic(chat: ChatRecord, threadId: number): void {
  const topic = chat.topics.get(threadId);
  if (topic) topic.deleted = true;
  for (const record of chat.messages.values()) {
    if (record.message.message_thread_id === threadId) record.deleted = true;
  }
}

function commandsKey(params: Record<string, unknown>): string {
  const scope = (params.scope as Record<string, unknown> | undefined) ?? { type: 'default' };
  return JSON.stringify([
    scope.type,
    scope.chat_id ?? null,
    scope.user_id ?? null,
    params.language_code ?? '',
  ]);
}

/** A stable, random-looking id of the kind Telegram uses for chat_instance. */
export const chatInstance = (chatId: number, botId: number): string =>
  String((BigInt(Math.abs(chatId)) * 2654435761n + BigInt(botId)) % 9007199254740991n);
