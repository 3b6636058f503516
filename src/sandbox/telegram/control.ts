/**
 * The control API: what a test (or the sandbox web page, over HTTP) uses to play the other
 * side of Telegram — create fans and admin groups, act as a fan or an admin, inject faults —
 * and to read what every chat shows. Every act builds a spec-valid Update and delivers it.
 */
import {
  chatInstance,
  chatMemberJson,
  deleteTopic,
  shallowMessage,
  type BotApi,
} from './api/index.js';
import type { CallRecord, Engine, Violation } from './engine.js';
import type { Faults, FaultRuleInput, RandomFaultsInput } from './faults.js';
import { withAutoEntities } from './markup/index.js';
import type { RateLimiter } from './rate-limit.js';
import type {
  AdminRights,
  ChatMemberStatus,
  TgChat,
  TgMessage,
  TgMessageOrigin,
  TgMessageEntity,
  TgReactionType,
  TgUser,
} from './types.js';
import type { UpdateHub, UpdateLogEntry, WebhookDelivery } from './updates.js';
import {
  FULL_ADMIN_RIGHTS,
  TOPIC_COLORS,
  MEDIA_KINDS,
  World,
  mediaKindOf,
  type CallbackQueryRecord,
  type ChatRecord,
  type MediaKind,
  type MemberRecord,
  type MessageRecord,
  type PaymentRecord,
  type PreCheckoutRecord,
} from './world.js';

/** What a fan or an admin posts. A plain string is a text message. */
export type ContentInput =
  | string
  | { kind: 'text'; text: string; entities?: TgMessageEntity[] }
  | {
      kind: MediaKind;
      caption?: string;
      /** Reuse a file the simulator already knows instead of generating one. */
      fileId?: string;
      data?: Buffer;
      fileName?: string;
      mimeType?: string;
      width?: number;
      height?: number;
      duration?: number;
      emoji?: string;
      performer?: string;
      title?: string;
    }
  | { kind: 'location'; latitude: number; longitude: number }
  | { kind: 'contact'; phone_number: string; first_name: string; last_name?: string };

export interface SendOptions {
  /** Reply to this message of the same chat. */
  replyTo?: number;
  /**
   * The message is a forward: from a user (whose privacy allows a link), a user who hides
   * their account (only a name), or a chat; becomes `forward_origin`.
   */
  forwardFrom?: { userId: number } | { hiddenName: string } | { chatId: number };
}

/** The id of GroupAnonymousBot, the `from` of messages an anonymous admin posts. */
export const GROUP_ANONYMOUS_BOT_ID = 1087968824;

const MEDIA_FIELDS: readonly string[] = MEDIA_KINDS;

/** A live location lasts at most this long (seconds) unless shared "until I stop" (0x7FFFFFFF). */
const DEFAULT_LIVE_PERIOD = 900;

export interface CreateUserInput {
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  is_premium?: boolean;
  id?: number;
}

export interface CreateGroupInput {
  title: string;
  username?: string;
  id?: number;
  /** Forum supergroup (default true). */
  isForum?: boolean;
  /** The owner (created as "Owner" when omitted). */
  ownerId?: number;
  /** Further administrators: user ids (full rights) or ids with rights. */
  admins?: (number | { userId: number; rights?: AdminRights; customTitle?: string })[];
  /** The bot's membership (default administrator with full rights). */
  bot?: { status?: 'administrator' | 'member' | 'left'; rights?: AdminRights };
  /** Plain members (not administrators). */
  members?: number[];
}

export interface MessageView {
  chatId: number;
  messageId: number;
  /** Topic id; absent for private chats and the General topic. */
  threadId?: number;
  fromId?: number;
  fromBot: boolean;
  date: number;
  kind:
    | 'text'
    | MediaKind
    | 'location'
    | 'venue'
    | 'contact'
    | 'poll'
    | 'dice'
    | 'invoice'
    | 'paid_media'
    | 'service';
  /** For service messages: which one (forum_topic_created, pinned_message…). */
  service?: string;
  text?: string;
  caption?: string;
  entities: TgMessageEntity[];
  media?: { kind: MediaKind; fileId: string; fileUniqueId: string };
  buttons: { text: string; callbackData?: string; url?: string }[][];
  replyKeyboard?: Record<string, unknown>;
  /** An explicit reply (not the implicit reply to a topic's first message). */
  replyToMessageId?: number;
  mediaGroupId?: string;
  forwardedFromUserId?: number;
  pinned: boolean;
  reactions: { userId: number; reaction: TgReactionType }[];
  edited: boolean;
  deleted: boolean;
  /** Paid media the fan has bought (before: Telegram shows them a blurred preview). */
  paidMediaPurchased?: boolean;
  raw: TgMessage;
}

export interface TopicView {
  threadId: number;
  name: string;
  iconColor: number;
  /** The custom emoji set as the topic's icon (createForumTopic/editForumTopic), if any. */
  iconCustomEmojiId?: string;
  closed: boolean;
  deleted: boolean;
}

export interface ChatView {
  chat: ChatRecord['chat'];
  started: boolean;
  blocked: boolean;
  botStatus: ChatMemberStatus;
  botRights: AdminRights;
  members: { userId: number; status: ChatMemberStatus }[];
  lastAction?: ChatRecord['lastAction'];
  topics: TopicView[];
}

export interface ControlDeps {
  world: World;
  api: BotApi;
  hub: UpdateHub;
  engine: Engine;
  faults: Faults;
  limiter: RateLimiter;
  /** Real epoch ms. */
  now: () => number;
  subscribe: (listener: () => void) => () => void;
  resetAll: () => void;
}

const SERVICE_KEYS = [
  'forum_topic_created',
  'forum_topic_edited',
  'forum_topic_closed',
  'forum_topic_reopened',
  'pinned_message',
  'successful_payment',
  'refunded_payment',
] as const;

/** The in-process control API of the Telegram simulator. */
export class TelegramControl {
  constructor(private readonly deps: ControlDeps) {}

  private get world(): World {
    return this.deps.world;
  }

  // ---- people and chats -------------------------------------------------------------------

  /** Creates a Telegram user (a fan or an admin). */
  createUser(input: CreateUserInput): TgUser {
    return this.world.createUser(input);
  }

  /** Creates a (forum) supergroup with its owner, admins and the bot; announces the bot's membership. */
  createForumGroup(input: CreateGroupInput): { chatId: number; ownerId: number } {
    const chat = this.world.createSupergroup({
      title: input.title,
      isForum: input.isForum ?? true,
      ...(input.username !== undefined ? { username: input.username } : {}),
      ...(input.id !== undefined ? { id: input.id } : {}),
    });
    const ownerId = input.ownerId ?? this.world.createUser({ first_name: 'Owner' }).id;
    chat.members.set(ownerId, { userId: ownerId, status: 'creator', rights: {} });
    for (const admin of input.admins ?? []) {
      const entry = typeof admin === 'number' ? { userId: admin } : admin;
      this.world.user(entry.userId);
      const member: MemberRecord = {
        userId: entry.userId,
        status: 'administrator',
        rights: { ...FULL_ADMIN_RIGHTS, ...(typeof admin === 'number' ? {} : admin.rights) },
      };
      if (typeof admin !== 'number' && admin.customTitle) member.customTitle = admin.customTitle;
      chat.members.set(entry.userId, member);
    }
    for (const userId of input.members ?? []) {
      this.world.user(userId);
      if (!chat.members.has(userId))
        chat.members.set(userId, { userId, status: 'member', rights: {} });
    }
    const status = input.bot?.status ?? 'administrator';
    if (status !== 'left') {
      this.setBotMembership(chat.chat.id, { status, rights: input.bot?.rights }, ownerId);
    }
    return { chatId: chat.chat.id, ownerId };
  }

  /**
   * Changes the bot's status/rights in a group (promote, demote, restrict from sending, remove)
   * → my_chat_member. `restricted` = a member who may not send anything.
   */
  setBotMembership(
    chatId: number,
    input: {
      status: 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';
      rights?: AdminRights;
    },
    byUserId?: number,
  ): void {
    const chat = this.world.chat(chatId);
    const old = this.world.botMember(chat);
    const next: MemberRecord = {
      userId: this.world.bot.id,
      status: input.status,
      rights: input.status === 'administrator' ? { ...FULL_ADMIN_RIGHTS, ...input.rights } : {},
    };
    chat.members.set(this.world.bot.id, next);
    const actor = byUserId ?? this.ownerOf(chat);
    this.deps.hub.emit(
      'my_chat_member',
      {
        chat: chat.chat,
        from: this.world.user(actor),
        date: this.world.unixNow(),
        old_chat_member: chatMemberJson(this.world.bot, old),
        new_chat_member: chatMemberJson(this.world.bot, next),
      },
      `chat:${chatId}`,
    );
  }

  private ownerOf(chat: ChatRecord): number {
    for (const member of chat.members.values())
      if (member.status === 'creator') return member.userId;
    throw new Error(`chat ${chat.chat.id} has no owner`);
  }

  /** An admin creates a topic in the Telegram app (emits the forum_topic_created message). */
  createTopic(
    chatId: number,
    name: string,
    options: { byUserId?: number; iconColor?: number } = {},
  ): number {
    const chat = this.world.chat(chatId);
    if (!chat.chat.is_forum) throw new Error(`chat ${chatId} is not a forum`);
    const by = this.world.user(options.byUserId ?? this.ownerOf(chat));
    const threadId = chat.nextMessageId;
    const iconColor = options.iconColor ?? (TOPIC_COLORS[1] as number);
    chat.topics.set(threadId, {
      threadId,
      name,
      iconColor,
      closed: false,
      deleted: false,
      creatorId: by.id,
    });
    const record = this.world.addMessage(chat, {
      message_thread_id: threadId,
      from: by,
      is_topic_message: true,
      forum_topic_created: { name, icon_color: iconColor },
    });
    this.deps.api.deliverIncoming(chat, record);
    return threadId;
  }

  /** Deletes a topic out-of-band (an admin deleted it in the app): sends into it now fail. */
  deleteTopic(chatId: number, threadId: number): void {
    const chat = this.world.chat(chatId);
    if (!chat.topics.has(threadId) || threadId === 1)
      throw new Error(`no topic ${threadId} in chat ${chatId}`);
    // Telegram sends no update when a topic is deleted.
    deleteTopic(chat, threadId);
  }

  /**
   * A fan who pressed Start before the scenario began (the bot's database already knows
   * them): the bot may write to them. No update is sent — it happened in the past.
   */
  startedEarlier(userId: number): void {
    this.world.privateChat(userId).started = true;
  }

  /** The fan blocks the bot: sends fail with 403 and the bot gets my_chat_member (kicked). */
  blockBot(userId: number): void {
    this.setBlocked(userId, true);
  }

  /** The fan unblocks (restarts) the bot: my_chat_member (member). */
  unblockBot(userId: number): void {
    this.setBlocked(userId, false);
  }

  private setBlocked(userId: number, blocked: boolean): void {
    const chat = this.world.privateChat(userId);
    if (chat.blocked === blocked) return;
    chat.blocked = blocked;
    if (!blocked) chat.started = true;
    const bot = this.world.bot;
    const member = { status: 'member', user: bot };
    const kicked = { status: 'kicked', user: bot, until_date: 0 };
    this.deps.hub.emit(
      'my_chat_member',
      {
        chat: chat.chat,
        from: this.world.user(userId),
        date: this.world.unixNow(),
        old_chat_member: blocked ? member : kicked,
        new_chat_member: blocked ? kicked : member,
      },
      `chat:${userId}`,
    );
  }

  // ---- acting as a fan --------------------------------------------------------------------

  /** The fan sends anything to the bot in their private chat. */
  fanSends(userId: number, content: ContentInput, options: SendOptions = {}): TgMessage {
    const chat = this.world.privateChat(userId);
    if (chat.blocked) throw new Error(`user ${userId} has blocked the bot; call unblockBot first`);
    chat.started = true;
    return this.post(chat, this.world.user(userId), undefined, content, options);
  }

  fanSendsText(userId: number, text: string, options: SendOptions = {}): TgMessage {
    return this.fanSends(userId, text, options);
  }

  fanSendsPhoto(
    userId: number,
    options: { caption?: string; fileId?: string; data?: Buffer } = {},
  ): TgMessage {
    return this.fanSends(userId, { kind: 'photo', ...options });
  }

  fanSendsVoice(userId: number, options: { duration?: number; caption?: string } = {}): TgMessage {
    return this.fanSends(userId, { kind: 'voice', ...options });
  }

  fanSendsVideo(userId: number, options: { caption?: string; duration?: number } = {}): TgMessage {
    return this.fanSends(userId, { kind: 'video', ...options });
  }

  fanSendsDocument(
    userId: number,
    options: { fileName?: string; caption?: string; data?: Buffer } = {},
  ): TgMessage {
    return this.fanSends(userId, { kind: 'document', fileName: 'document.pdf', ...options });
  }

  fanSendsSticker(userId: number, options: { emoji?: string } = {}): TgMessage {
    return this.fanSends(userId, { kind: 'sticker', emoji: options.emoji ?? '😀' });
  }

  fanSendsAudio(
    userId: number,
    options: { caption?: string; performer?: string; title?: string } = {},
  ): TgMessage {
    return this.fanSends(userId, { kind: 'audio', ...options });
  }

  fanSendsAnimation(userId: number, options: { caption?: string } = {}): TgMessage {
    return this.fanSends(userId, { kind: 'animation', fileName: 'animation.mp4', ...options });
  }

  fanSendsVideoNote(userId: number, options: { duration?: number } = {}): TgMessage {
    return this.fanSends(userId, { kind: 'video_note', ...options });
  }

  fanSendsLocation(userId: number, latitude: number, longitude: number): TgMessage {
    return this.fanSends(userId, { kind: 'location', latitude, longitude });
  }

  fanSendsContact(
    userId: number,
    contact: { phone_number: string; first_name: string; last_name?: string },
  ): TgMessage {
    return this.fanSends(userId, { kind: 'contact', ...contact });
  }

  /** The fan sends an album: one message (and one update) per item, sharing a media_group_id. */
  fanSendsAlbum(
    userId: number,
    items: {
      kind: 'photo' | 'video' | 'document' | 'audio';
      caption?: string;
      data?: Buffer;
      width?: number;
      height?: number;
    }[],
  ): TgMessage[] {
    if (items.length < 2 || items.length > 10) throw new Error('an album has 2-10 items');
    const chat = this.world.privateChat(userId);
    if (chat.blocked) throw new Error(`user ${userId} has blocked the bot; call unblockBot first`);
    chat.started = true;
    const group = this.world.newMediaGroupId();
    const user = this.world.user(userId);
    return items.map((item) => this.post(chat, user, undefined, item, {}, group));
  }

  /** The fan edits one of their messages → edited_message. */
  fanEdits(userId: number, messageId: number, text: string): TgMessage {
    const chat = this.world.privateChat(userId);
    const record = this.world.message(chat, messageId);
    if (!record || record.message.from?.id !== userId)
      throw new Error(`no message ${messageId} of user ${userId}`);
    const message: TgMessage = { ...record.message, edit_date: this.world.unixNow() };
    if (message.text !== undefined) {
      message.text = text;
      const entities = withAutoEntities(text, []);
      if (entities.length > 0) message.entities = entities;
      else delete message.entities;
    } else {
      message.caption = text;
      const entities = withAutoEntities(text, []);
      if (entities.length > 0) message.caption_entities = entities;
      else delete message.caption_entities;
    }
    record.message = message;
    record.edited = true;
    this.deps.api.deliverIncoming(chat, record, 'edited_message');
    return message;
  }

  /**
   * The fan deletes one of their messages. Telegram sends bots no update for it; later
   * copies of it fail with 400 "message to copy not found".
   */
  fanDeletes(userId: number, messageId: number): void {
    const chat = this.world.privateChat(userId);
    const record = this.world.message(chat, messageId);
    if (!record || record.message.from?.id !== userId)
      throw new Error(`no message ${messageId} of user ${userId}`);
    record.deleted = true;
  }

  /** The fan reacts in their private chat (empty list / null removes) → message_reaction. */
  fanReacts(userId: number, messageId: number, emoji: string | string[] | null): void {
    this.reacts(userId, userId, messageId, emoji);
  }

  /** A user sets reactions on a message of any chat → message_reaction (if allowed_updates has it). */
  reacts(userId: number, chatId: number, messageId: number, emoji: string | string[] | null): void {
    const chat = this.world.chat(chatId);
    const record = this.world.message(chat, messageId);
    if (!record) throw new Error(`no message ${messageId} in chat ${chatId}`);
    const list = emoji === null ? [] : Array.isArray(emoji) ? emoji : [emoji];
    const next: TgReactionType[] = list.map((e) => ({ type: 'emoji', emoji: e }));
    const old = record.reactions.get(userId) ?? [];
    if (next.length === 0) record.reactions.delete(userId);
    else record.reactions.set(userId, next);
    this.deps.hub.emit(
      'message_reaction',
      {
        chat: chat.chat,
        message_id: messageId,
        user: this.world.user(userId),
        date: this.world.unixNow(),
        old_reaction: old,
        new_reaction: next,
      },
      `chat:${chatId}`,
    );
  }

  /** A user presses an inline button → callback_query; returns the query id. */
  pressButton(userId: number, chatId: number, messageId: number, callbackData: string): string {
    const chat = this.world.chat(chatId);
    const record = this.world.message(chat, messageId);
    if (!record) throw new Error(`no message ${messageId} in chat ${chatId}`);
    const buttons = record.message.reply_markup?.inline_keyboard.flat() ?? [];
    if (!buttons.some((button) => button.callback_data === callbackData)) {
      throw new Error(
        `message ${messageId} has no button with callback_data ${JSON.stringify(callbackData)}`,
      );
    }
    const id = this.world.newQueryId();
    const query: CallbackQueryRecord = {
      id,
      fromId: userId,
      chatId,
      messageId,
      data: callbackData,
      createdAt: this.deps.now(),
    };
    this.world.callbackQueries.set(id, query);
    this.deps.hub.emit(
      'callback_query',
      {
        id,
        from: this.world.user(userId),
        message: record.message,
        chat_instance: chatInstance(chatId, this.world.bot.id),
        data: callbackData,
      },
      `chat:${chatId}`,
    );
    return id;
  }

  /**
   * The fan taps Pay on an invoice → pre_checkout_query. Pass the invoice message id, or the
   * amounts directly. Answering it with ok=true produces the successful_payment message.
   */
  startPreCheckout(
    userId: number,
    input:
      { invoiceMessageId: number } | { currency: string; totalAmount: number; payload: string },
  ): string {
    let currency: string;
    let totalAmount: number;
    let payload: string;
    if ('invoiceMessageId' in input) {
      const chat = this.world.privateChat(userId);
      const record = this.world.message(chat, input.invoiceMessageId);
      const invoice = record?.message.invoice;
      if (!record || !invoice)
        throw new Error(`no invoice ${input.invoiceMessageId} in the chat of ${userId}`);
      currency = invoice.currency;
      totalAmount = invoice.total_amount;
      payload = record.invoicePayload ?? '';
    } else {
      ({ currency, totalAmount, payload } = input);
    }
    const id = this.world.newQueryId();
    const query: PreCheckoutRecord = {
      id,
      fromId: userId,
      currency,
      totalAmount,
      payload,
      createdAt: this.deps.now(),
    };
    this.world.preCheckoutQueries.set(id, query);
    this.deps.hub.emit(
      'pre_checkout_query',
      {
        id,
        from: this.world.user(userId),
        currency,
        total_amount: totalAmount,
        invoice_payload: payload,
      },
      `user:${userId}`,
    );
    return id;
  }

  /**
   * The fan opens an invoice link (createInvoiceLink) and taps Pay → pre_checkout_query;
   * returns the query id. Answering it ok produces the successful_payment (for a Star
   * subscription, the first of its payments).
   */
  fanOpensInvoiceLink(userId: number, url: string): string {
    const slug = /\/\$([^/?#]+)$/.exec(url)?.[1];
    const link = slug === undefined ? undefined : this.world.invoiceLinks.get(slug);
    if (!link) throw new Error(`no invoice link ${url}`);
    const id = this.startPreCheckout(userId, {
      currency: link.currency,
      totalAmount: link.totalAmount,
      payload: link.payload,
    });
    if (link.subscriptionPeriod !== undefined) {
      this.world.preCheckoutQueries.get(id)!.subscriptionPeriod = link.subscriptionPeriod;
    }
    return id;
  }

  /**
   * A Star subscription's period ends: Telegram charges the fan again and the bot gets a
   * successful_payment (is_recurring, not first) with a new charge id — unless the fan or the
   * bot cancelled it, or it was refunded, or `fail` (not enough Stars): then nothing at all
   * reaches the bot, as on Telegram. Returns the new charge id, or null.
   */
  renewSubscription(
    userId: number,
    telegramChargeId: string,
    options: { fail?: boolean } = {},
  ): string | null {
    const chain = this.world.payments.filter((p) => p.userId === userId && p.subscription);
    const first = chain.find((p) => p.telegramChargeId === telegramChargeId);
    if (!first?.subscription) throw new Error(`no Star subscription ${telegramChargeId}`);
    const latest = chain.filter((p) => p.payload === first.payload).at(-1)!;
    const sub = latest.subscription!;
    if (sub.canceled || first.subscription.canceled || latest.refunded || options.fail) {
      return null;
    }
    const next = this.world.recordPayment({
      userId,
      currency: latest.currency,
      totalAmount: latest.totalAmount,
      payload: latest.payload,
      subscription: {
        period: sub.period,
        expiresAt: sub.expiresAt + sub.period,
        canceled: false,
        first: false,
      },
    });
    this.deps.api.paymentReceived(next);
    return next.telegramChargeId;
  }

  /** The fan cancels a Star subscription in Telegram's settings: no update reaches the bot. */
  fanCancelsSubscription(userId: number, telegramChargeId: string): void {
    const payment = this.world.payments.find(
      (p) => p.userId === userId && p.telegramChargeId === telegramChargeId && p.subscription,
    );
    if (!payment?.subscription) throw new Error(`no Star subscription ${telegramChargeId}`);
    payment.subscription.canceled = true;
  }

  /** The fan buys a paid-media message → purchased_paid_media (when it has a payload). */
  buyPaidMedia(userId: number, messageId: number): void {
    const chat = this.world.privateChat(userId);
    const record = this.world.message(chat, messageId);
    if (!record?.message.paid_media)
      throw new Error(`no paid media ${messageId} in the chat of ${userId}`);
    record.paidMediaPurchased = true;
    this.world.recordPayment({
      userId,
      currency: 'XTR',
      totalAmount: record.message.paid_media.star_count,
      payload: record.paidMediaPayload ?? '',
      kind: 'paid_media_payment',
    });
    this.deps.hub.emit(
      'purchased_paid_media',
      { from: this.world.user(userId), paid_media_payload: record.paidMediaPayload ?? '' },
      `user:${userId}`,
    );
  }

  // ---- acting as an admin -----------------------------------------------------------------

  /** An admin posts in a topic of the admin group (threadId 1 = General). */
  adminSendsInTopic(
    adminId: number,
    chatId: number,
    threadId: number,
    content: ContentInput,
    options: SendOptions = {},
  ): TgMessage {
    const chat = this.world.chat(chatId);
    const topic = chat.topics.get(threadId);
    if (!topic || topic.deleted) throw new Error(`no topic ${threadId} in chat ${chatId}`);
    const member = this.world.member(chat, adminId);
    if (member.status === 'left' || member.status === 'kicked')
      throw new Error(`user ${adminId} is not in chat ${chatId}`);
    return this.post(
      chat,
      this.world.user(adminId),
      threadId === 1 ? undefined : threadId,
      content,
      options,
    );
  }

  /** Any member posts in a group outside topics (or a non-forum group). */
  adminSends(
    adminId: number,
    chatId: number,
    content: ContentInput,
    options: SendOptions = {},
  ): TgMessage {
    const chat = this.world.chat(chatId);
    return this.post(chat, this.world.user(adminId), undefined, content, options);
  }

  private post(
    chat: ChatRecord,
    from: TgUser,
    threadId: number | undefined,
    content: ContentInput,
    options: SendOptions,
    mediaGroupId?: string,
    senderChat?: TgChat,
  ): TgMessage {
    const fields: Omit<TgMessage, 'message_id' | 'date' | 'chat'> = { from };
    if (senderChat) fields.sender_chat = senderChat;
    const tag = chat.chat.type === 'supergroup' ? chat.members.get(from.id)?.tag : undefined;
    if (tag) fields.sender_tag = tag;
    let reply: TgMessage | undefined;
    if (options.replyTo !== undefined) {
      const target = this.world.message(chat, options.replyTo);
      if (!target) throw new Error(`no message ${options.replyTo} in chat ${chat.chat.id}`);
      reply = target.message;
      if (threadId === undefined && target.message.is_topic_message)
        threadId = target.message.message_thread_id;
    }
    if (threadId !== undefined) {
      fields.message_thread_id = threadId;
      fields.is_topic_message = true;
      reply ??= this.world.topicRoot(chat, threadId);
    }
    if (reply) fields.reply_to_message = shallowMessage(reply);
    if (options.forwardFrom) fields.forward_origin = this.originOf(options.forwardFrom);
    if (mediaGroupId !== undefined) fields.media_group_id = mediaGroupId;
    Object.assign(fields, this.content(content));
    const record = this.world.addMessage(chat, fields);
    this.deps.api.deliverIncoming(chat, record);
    return record.message;
  }

  private content(input: ContentInput): Partial<TgMessage> {
    if (typeof input === 'string') input = { kind: 'text', text: input };
    switch (input.kind) {
      case 'text': {
        const entities = withAutoEntities(input.text, input.entities ?? []);
        return entities.length > 0 ? { text: input.text, entities } : { text: input.text };
      }
      case 'location':
        return { location: { latitude: input.latitude, longitude: input.longitude } };
      case 'contact': {
        const contact: NonNullable<TgMessage['contact']> = {
          phone_number: input.phone_number,
          first_name: input.first_name,
        };
        if (input.last_name !== undefined) contact.last_name = input.last_name;
        return { contact };
      }
      default: {
        const file = input.fileId
          ? this.world.files.get(input.fileId)
          : this.world.addFile(input.kind, {
              data: input.data,
              fileName: input.fileName,
              mimeType: input.mimeType,
              width: input.width,
              height: input.height,
              duration: input.duration,
              extra: {
                ...(input.emoji !== undefined ? { emoji: input.emoji } : {}),
                ...(input.performer !== undefined ? { performer: input.performer } : {}),
                ...(input.title !== undefined ? { title: input.title } : {}),
              },
            });
        if (!file) throw new Error(`unknown file ${String(input.fileId)}`);
        const out: Partial<TgMessage> = this.world.mediaFields(file);
        if (input.caption) {
          out.caption = input.caption;
          const entities = withAutoEntities(input.caption, []);
          if (entities.length > 0) out.caption_entities = entities;
        }
        return out;
      }
    }
  }

  private originOf(from: NonNullable<SendOptions['forwardFrom']>): TgMessageOrigin {
    // Forwards carry the original's date: an hour earlier reads naturally.
    const date = this.world.unixNow() - 3600;
    if ('userId' in from) return { type: 'user', date, sender_user: this.world.user(from.userId) };
    if ('hiddenName' in from)
      return { type: 'hidden_user', date, sender_user_name: from.hiddenName };
    const chat = this.world.chat(from.chatId).chat;
    if (chat.type === 'channel') return { type: 'channel', date, chat, message_id: 1 };
    return { type: 'chat', date, sender_chat: chat };
  }

  // ---- more of what fans send -------------------------------------------------------------

  /**
   * The fan's private chat gets a message carrying exactly `fields` (a service message such as
   * `message_auto_delete_timer_changed`, or content the simulator has no helper for: poll,
   * dice, game, story, checklist, paid_media, venue…). The caller supplies spec-shaped values;
   * the spec cross-check test validates what comes out.
   */
  fanSendsFields(
    userId: number,
    fields: Record<string, unknown>,
    options: SendOptions = {},
  ): TgMessage {
    const chat = this.world.privateChat(userId);
    if (chat.blocked) throw new Error(`user ${userId} has blocked the bot; call unblockBot first`);
    chat.started = true;
    const from = this.world.user(userId);
    const base: Omit<TgMessage, 'message_id' | 'date' | 'chat'> = { from };
    if (options.forwardFrom) base.forward_origin = this.originOf(options.forwardFrom);
    if (options.replyTo !== undefined) {
      const target = this.world.message(chat, options.replyTo);
      if (!target) throw new Error(`no message ${options.replyTo} in chat ${chat.chat.id}`);
      base.reply_to_message = shallowMessage(target.message);
    }
    const record = this.world.addMessage(chat, { ...base, ...fields });
    this.deps.api.deliverIncoming(chat, record);
    return record.message;
  }

  /** The fan throws a dice (🎲 🎯 🏀 ⚽ 🎳 🎰). */
  fanSendsDice(userId: number, emoji = '🎲'): TgMessage {
    const max = emoji === '🎰' ? 64 : emoji === '🏀' || emoji === '⚽' ? 5 : 6;
    const value = 1 + (this.world.nextSeq() % max);
    return this.fanSendsFields(userId, { dice: { emoji, value } });
  }

  /** The fan sends a native poll. */
  fanSendsPoll(userId: number, question: string, options: string[]): TgMessage {
    if (options.length < 2 || options.length > 12) throw new Error('a poll has 2-12 options');
    const id = String(this.world.nextSeq() + 5_000_000_000);
    return this.fanSendsFields(userId, {
      poll: {
        id,
        question,
        options: options.map((text, index) => ({
          persistent_id: String(index),
          text,
          voter_count: 0,
        })),
        total_voter_count: 0,
        is_closed: false,
        is_anonymous: true,
        type: 'regular',
        allows_multiple_answers: false,
        allows_revoting: true,
        members_only: false,
      },
    });
  }

  /** The fan starts sharing a live location (Telegram then edits it as they move). */
  fanSendsLiveLocation(
    userId: number,
    latitude: number,
    longitude: number,
    options: { livePeriod?: number } = {},
  ): TgMessage {
    const livePeriod = options.livePeriod ?? DEFAULT_LIVE_PERIOD;
    return this.fanSendsFields(userId, {
      location: { latitude, longitude, live_period: livePeriod, horizontal_accuracy: 15 },
    });
  }

  /** The fan's live location moves → edited_message (the location keeps its live_period). */
  fanMovesLiveLocation(
    userId: number,
    messageId: number,
    latitude: number,
    longitude: number,
  ): TgMessage {
    const { chat, record } = this.liveLocation(userId, messageId);
    const location = { ...record.message.location!, latitude, longitude, heading: 90 };
    return this.editIncoming(chat, record, { location });
  }

  /** The fan stops sharing (or the period ends) → a last edited_message without live_period. */
  fanStopsLiveLocation(userId: number, messageId: number): TgMessage {
    const { chat, record } = this.liveLocation(userId, messageId);
    const { latitude, longitude } = record.message.location!;
    return this.editIncoming(chat, record, { location: { latitude, longitude } });
  }

  private liveLocation(userId: number, messageId: number) {
    const chat = this.world.privateChat(userId);
    const record = this.world.message(chat, messageId);
    if (!record || record.message.from?.id !== userId)
      throw new Error(`no message ${messageId} of user ${userId}`);
    if (record.message.location?.live_period === undefined)
      throw new Error(`message ${messageId} is not a live location being shared`);
    return { chat, record };
  }

  /** The user changes their name or username. Telegram sends no update; later ones carry it. */
  renameUser(
    userId: number,
    input: { first_name?: string; last_name?: string | null; username?: string | null },
  ): TgUser {
    const user = this.world.user(userId);
    if (input.first_name !== undefined) user.first_name = input.first_name;
    if (input.last_name === null) delete user.last_name;
    else if (input.last_name !== undefined) user.last_name = input.last_name;
    if (input.username === null) delete user.username;
    else if (input.username !== undefined) user.username = input.username;
    const chat = this.world.findChat(userId);
    if (chat && chat.chat.type === 'private') {
      chat.chat.first_name = user.first_name;
      if (user.last_name === undefined) delete chat.chat.last_name;
      else chat.chat.last_name = user.last_name;
      if (user.username === undefined) delete chat.chat.username;
      else chat.chat.username = user.username;
    }
    return user;
  }

  /**
   * A member of a group leaves it (or, with `byUserId`, is removed by that admin: `kicked`)
   * → chat_member, which Telegram sends only to a bot that administers the group and asked
   * for it in allowed_updates. Their messages stay; sends on their behalf are refused.
   */
  memberLeaves(chatId: number, userId: number, options: { byUserId?: number } = {}): void {
    const chat = this.world.chat(chatId);
    const user = this.world.user(userId);
    const old = chat.members.get(userId) ?? { userId, status: 'member' as const, rights: {} };
    const next: MemberRecord = {
      userId,
      status: options.byUserId === undefined ? 'left' : 'kicked',
      rights: {},
    };
    chat.members.set(userId, next);
    if (this.world.botMember(chat).status !== 'administrator') return;
    this.deps.hub.emit(
      'chat_member',
      {
        chat: chat.chat,
        from: this.world.user(options.byUserId ?? userId),
        date: this.world.unixNow(),
        old_chat_member: chatMemberJson(user, old),
        new_chat_member: chatMemberJson(user, next),
      },
      `chat:${chatId}`,
    );
  }

  // ---- more of what admins do -------------------------------------------------------------

  /** An admin posts an album in a topic: one update per item, sharing a media_group_id. */
  adminSendsAlbumInTopic(
    adminId: number,
    chatId: number,
    threadId: number,
    items: { kind: 'photo' | 'video' | 'document' | 'audio'; caption?: string }[],
  ): TgMessage[] {
    if (items.length < 2 || items.length > 10) throw new Error('an album has 2-10 items');
    const chat = this.world.chat(chatId);
    const topic = chat.topics.get(threadId);
    if (!topic || topic.deleted) throw new Error(`no topic ${threadId} in chat ${chatId}`);
    const group = this.world.newMediaGroupId();
    const user = this.world.user(adminId);
    const thread = threadId === 1 ? undefined : threadId;
    return items.map((item) => this.post(chat, user, thread, item, {}, group));
  }

  /** An admin edits the text (or caption) of their message in a group → edited_message. */
  adminEdits(adminId: number, chatId: number, messageId: number, text: string): TgMessage {
    const { chat, record } = this.ownGroupMessage(adminId, chatId, messageId);
    const entities = withAutoEntities(text, []);
    if (record.message.text !== undefined) {
      return this.editIncoming(chat, record, entities.length > 0 ? { text, entities } : { text }, [
        'entities',
      ]);
    }
    return this.editIncoming(
      chat,
      record,
      entities.length > 0 ? { caption: text, caption_entities: entities } : { caption: text },
      ['caption_entities'],
    );
  }

  /** An admin replaces the media of their message (photo → another photo, video…) → edited_message. */
  adminEditsMedia(
    adminId: number,
    chatId: number,
    messageId: number,
    content: { kind: 'photo' | 'video' | 'document' | 'audio' | 'animation'; caption?: string },
  ): TgMessage {
    const { chat, record } = this.ownGroupMessage(adminId, chatId, messageId);
    if (!mediaKindOf(record.message)) throw new Error(`message ${messageId} has no media`);
    const drop = [...MEDIA_FIELDS, 'caption', 'caption_entities'];
    return this.editIncoming(chat, record, this.content(content), drop);
  }

  private ownGroupMessage(adminId: number, chatId: number, messageId: number) {
    const chat = this.world.chat(chatId);
    const record = this.world.message(chat, messageId);
    if (!record || record.message.from?.id !== adminId)
      throw new Error(`no message ${messageId} of user ${adminId} in chat ${chatId}`);
    return { chat, record };
  }

  /**
   * An admin who has "Remain anonymous" on posts in a topic: `from` is GroupAnonymousBot and
   * `sender_chat` the group itself.
   */
  anonymousAdminSendsInTopic(
    chatId: number,
    threadId: number,
    content: ContentInput,
    options: SendOptions = {},
  ): TgMessage {
    const chat = this.world.chat(chatId);
    const topic = chat.topics.get(threadId);
    if (!topic || topic.deleted) throw new Error(`no topic ${threadId} in chat ${chatId}`);
    const anonymous =
      this.world.users.get(GROUP_ANONYMOUS_BOT_ID) ??
      this.world.createUser({
        id: GROUP_ANONYMOUS_BOT_ID,
        first_name: 'Group',
        username: 'GroupAnonymousBot',
        is_bot: true,
      });
    const message = this.post(
      chat,
      anonymous,
      threadId === 1 ? undefined : threadId,
      content,
      options,
      undefined,
      chat.chat,
    );
    return message;
  }

  /** Applies an edit to a message someone else sent the bot sees, and delivers edited_message. */
  private editIncoming(
    chat: ChatRecord,
    record: MessageRecord,
    patch: Partial<TgMessage>,
    drop: readonly string[] = [],
  ): TgMessage {
    const message = { ...record.message } as Record<string, unknown>;
    for (const field of drop) delete message[field];
    Object.assign(message, patch, { edit_date: this.world.unixNow() });
    record.message = message as unknown as TgMessage;
    record.edited = true;
    this.deps.api.deliverIncoming(chat, record, 'edited_message');
    return record.message;
  }

  // ---- faults and limits ------------------------------------------------------------------

  /** The next N matching calls fail as described (429, 5xx, lost response, timeout, any error). */
  injectFault(input: FaultRuleInput): void {
    this.deps.faults.inject(input);
  }

  /** A seeded random fault rate (null turns it off). */
  setRandomFaults(input: RandomFaultsInput | null): void {
    this.deps.faults.setRandom(input);
  }

  clearFaults(): void {
    this.deps.faults.clear();
  }

  /** Every send into the chat gets 429 for `seconds` simulated seconds (a group-wide flood wait). */
  floodWait(chatId: number, seconds: number): void {
    this.deps.limiter.floodWait(chatId, seconds);
  }

  // ---- reading ----------------------------------------------------------------------------

  /** What a chat shows, oldest first; `threadId` filters a topic (1 = General). */
  messages(
    chatId: number,
    options: { threadId?: number; includeDeleted?: boolean } = {},
  ): MessageView[] {
    // A user who never talked to the bot has an empty private chat.
    if (!this.world.chats.has(chatId) && this.world.users.has(chatId)) return [];
    const chat = this.world.chat(chatId);
    const out: MessageView[] = [];
    for (const record of chat.messages.values()) {
      if (record.deleted && !options.includeDeleted) continue;
      const thread = record.message.is_topic_message ? record.message.message_thread_id : undefined;
      if (
        options.threadId !== undefined &&
        (options.threadId === 1 ? thread !== undefined : thread !== options.threadId)
      ) {
        continue;
      }
      out.push(view(record, this.world.bot.id));
    }
    return out;
  }

  /** One message as the chat shows it. */
  message(chatId: number, messageId: number): MessageView | undefined {
    const record = this.world.chat(chatId).messages.get(messageId);
    return record ? view(record, this.world.bot.id) : undefined;
  }

  chat(chatId: number): ChatView {
    const chat = this.world.chat(chatId);
    const bot = this.world.botMember(chat);
    const result: ChatView = {
      chat: chat.chat,
      started: chat.started,
      blocked: chat.blocked,
      botStatus: bot.status,
      botRights: bot.rights,
      members: [...chat.members.values()].map((m) => ({ userId: m.userId, status: m.status })),
      topics: this.topics(chatId),
    };
    if (chat.lastAction) result.lastAction = chat.lastAction;
    return result;
  }

  topics(chatId: number): TopicView[] {
    return [...this.world.chat(chatId).topics.values()].map((t) => ({
      threadId: t.threadId,
      name: t.name,
      iconColor: t.iconColor,
      ...(t.iconCustomEmojiId !== undefined ? { iconCustomEmojiId: t.iconCustomEmojiId } : {}),
      closed: t.closed,
      deleted: t.deleted,
    }));
  }

  /** A file's bytes and type by file_id (what a chat shows; `/_sim/file/<file_id>`). */
  file(fileId: string): { data: Buffer; mimeType: string } | undefined {
    const file = this.world.files.get(fileId);
    return file
      ? { data: file.data, mimeType: file.mime_type ?? 'application/octet-stream' }
      : undefined;
  }

  /** Calls `listener` after every change of the world; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    return this.deps.subscribe(listener);
  }

  users(): TgUser[] {
    return [...this.world.users.values()];
  }

  bot(): TgUser {
    return this.world.bot;
  }

  /** Every Bot API call received, oldest first (optionally one method). */
  calls(filter: { method?: string } = {}): CallRecord[] {
    const method = filter.method?.toLowerCase();
    return this.deps.engine.calls.filter((call) => !method || call.method.toLowerCase() === method);
  }

  /**
   * Calls Telegram would reject as malformed; a healthy bot keeps this empty. Reading them
   * marks them seen (see `unseenViolations`).
   */
  violations(): Violation[] {
    this.seenViolations = this.deps.engine.violations.length;
    return [...this.deps.engine.violations];
  }

  /**
   * Violations no one has read through `violations()` yet: the test suite fails any test that
   * leaves some behind, so a malformed call never passes unnoticed.
   */
  unseenViolations(): Violation[] {
    return this.deps.engine.violations.slice(this.seenViolations);
  }

  private seenViolations = 0;

  /** Telegram restarts its update ids: the next update is numbered `next` (ids may repeat). */
  restartUpdateIds(next: number): void {
    this.deps.hub.restartIds(next);
  }

  /** Every update created for the bot, with its delivery status. */
  updates(): UpdateLogEntry[] {
    return this.deps.hub.all();
  }

  webhookDeliveries(): WebhookDelivery[] {
    return this.deps.hub.webhookDeliveries();
  }

  callbackQuery(id: string): CallbackQueryRecord | undefined {
    return this.world.callbackQueries.get(id);
  }

  preCheckoutQuery(id: string): PreCheckoutRecord | undefined {
    return this.world.preCheckoutQueries.get(id);
  }

  payments(): PaymentRecord[] {
    return [...this.world.payments];
  }

  /** Forgets everything (users, chats, updates, calls, faults, limits, webhook); keeps the bot. */
  reset(): void {
    this.deps.resetAll();
    this.seenViolations = 0;
  }

  /**
   * Resolves with the first truthy value of `predicate`, re-checked after every change in the
   * simulator (and every 25 ms); rejects after `timeoutMs` real milliseconds. The predicate
   * must be synchronous (a Promise is refused: it would always look truthy).
   */
  waitFor<T>(
    predicate: () => T | undefined | null | false,
    timeoutMs = 5000,
    what = 'condition',
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const check = () => {
        if (done) return;
        let value: T | undefined | null | false;
        try {
          value = predicate();
        } catch (error) {
          finish();
          reject(error as Error);
          return;
        }
        if (value && typeof (value as { then?: unknown }).then === 'function') {
          // An async predicate is always truthy (a Promise): it would pass at once, whatever
          // it checks. Refuse it loudly instead.
          finish();
          reject(
            new Error(
              `waitFor: ${what}: the predicate returned a Promise; pass a synchronous check`,
            ),
          );
          return;
        }
        if (value) {
          finish();
          resolve(value);
        }
      };
      const unsubscribe = this.deps.subscribe(check);
      const interval = setInterval(check, 25);
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`waitFor: ${what} not met within ${timeoutMs} ms`));
      }, timeoutMs);
      const finish = () => {
        done = true;
        unsubscribe();
        clearInterval(interval);
        clearTimeout(timer);
      };
      check();
    });
  }
}

function view(record: MessageRecord, botId: number): MessageView {
  const message = record.message;
  const media = mediaKindOf(message);
  const service = SERVICE_KEYS.find((key) => message[key] !== undefined);
  let kind: MessageView['kind'] = 'text';
  if (service) kind = 'service';
  else if (media) kind = media;
  else if ('venue' in message) kind = 'venue';
  else if (message.location) kind = 'location';
  else if (message.contact) kind = 'contact';
  else if ('poll' in message) kind = 'poll';
  else if ('dice' in message) kind = 'dice';
  else if (message.invoice) kind = 'invoice';
  else if (message.paid_media) kind = 'paid_media';
  const out: MessageView = {
    chatId: message.chat.id,
    messageId: message.message_id,
    fromBot: message.from?.id === botId,
    date: message.date,
    kind,
    entities: message.entities ?? message.caption_entities ?? [],
    buttons: (message.reply_markup?.inline_keyboard ?? []).map((row) =>
      row.map((button) => ({
        text: button.text,
        ...(button.callback_data !== undefined ? { callbackData: button.callback_data } : {}),
        ...(button.url !== undefined ? { url: button.url } : {}),
      })),
    ),
    pinned: record.pinned,
    reactions: [...record.reactions.entries()].flatMap(([userId, list]) =>
      list.map((reaction) => ({ userId, reaction })),
    ),
    edited: record.edited,
    deleted: record.deleted,
    raw: message,
  };
  if (message.is_topic_message && message.message_thread_id !== undefined)
    out.threadId = message.message_thread_id;
  if (message.from) out.fromId = message.from.id;
  if (service) out.service = service;
  if (message.text !== undefined) out.text = message.text;
  if (message.caption !== undefined) out.caption = message.caption;
  if (media) {
    const object = media === 'photo' ? message.photo?.[message.photo.length - 1] : message[media];
    if (object && !Array.isArray(object)) {
      out.media = { kind: media, fileId: object.file_id, fileUniqueId: object.file_unique_id };
    }
  }
  if (record.replyKeyboard) out.replyKeyboard = record.replyKeyboard;
  if (record.paidMediaPurchased) out.paidMediaPurchased = true;
  const reply = message.reply_to_message;
  if (reply && !(message.is_topic_message && reply.message_id === message.message_thread_id)) {
    out.replyToMessageId = reply.message_id;
  }
  if (message.media_group_id !== undefined) out.mediaGroupId = message.media_group_id;
  if (message.forward_origin?.type === 'user')
    out.forwardedFromUserId = message.forward_origin.sender_user.id;
  return out;
}
