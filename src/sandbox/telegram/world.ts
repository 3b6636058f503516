/**
 * The simulated Telegram world: users, chats (private chats and forum supergroups), topics,
 * messages, files, callback and pre-checkout queries, payments. Pure state with small helpers;
 * the Bot API methods (api.ts) and the control API (control.ts) act on it.
 */
import { randomBytes } from 'node:crypto';
import type {
  AdminRights,
  ChatMemberStatus,
  TgChat,
  TgFileObject,
  TgMessage,
  TgPhotoSize,
  TgReactionType,
  TgUser,
} from './types.js';

export type MediaKind =
  'photo' | 'audio' | 'document' | 'video' | 'animation' | 'voice' | 'video_note' | 'sticker';

export const MEDIA_KINDS: readonly MediaKind[] = [
  'photo',
  'audio',
  'document',
  'video',
  'animation',
  'voice',
  'video_note',
  'sticker',
];

export interface FileRecord {
  file_id: string;
  file_unique_id: string;
  kind: MediaKind;
  file_size: number;
  file_path: string;
  data: Buffer;
  width?: number;
  height?: number;
  duration?: number;
  mime_type?: string;
  file_name?: string;
  /** For photos: the file ids of every size of the same picture, smallest first. */
  sizes?: string[];
  /** Extra fields of the object (sticker type, emoji, performer…). */
  extra?: Record<string, unknown>;
}

export interface TopicRecord {
  threadId: number;
  name: string;
  iconColor: number;
  iconCustomEmojiId?: string;
  closed: boolean;
  deleted: boolean;
  creatorId: number;
}

export interface MemberRecord {
  userId: number;
  status: ChatMemberStatus;
  rights: AdminRights;
  customTitle?: string;
  /** A regular member's tag (setChatMemberTag). */
  tag?: string;
}

export interface MessageRecord {
  message: TgMessage;
  deleted: boolean;
  /** Reactions by user id (the bot included). */
  reactions: Map<number, TgReactionType[]>;
  pinned: boolean;
  edited: boolean;
  /** A reply keyboard (not part of the Message object, but shown to the user). */
  replyKeyboard?: Record<string, unknown>;
  /** Invoice payload, for invoices the bot sent. */
  invoicePayload?: string;
  /** Payload of a paid-media message. */
  paidMediaPayload?: string;
  /** The fan bought this paid-media message (buyPaidMedia): they see the media unlocked. */
  paidMediaPurchased?: boolean;
}

export interface ChatRecord {
  chat: TgChat;
  nextMessageId: number;
  messages: Map<number, MessageRecord>;
  topics: Map<number, TopicRecord>;
  members: Map<number, MemberRecord>;
  /** Private chats: the user pressed Start (a bot can't initiate a conversation). */
  started: boolean;
  /** Private chats: the user blocked the bot. */
  blocked: boolean;
  description?: string;
  lastAction?: { action: string; threadId?: number; at: number };
}

export interface CallbackQueryRecord {
  id: string;
  fromId: number;
  chatId: number;
  messageId: number;
  data: string;
  createdAt: number;
  answer?: { text?: string; show_alert?: boolean; url?: string; at: number };
}

export interface PreCheckoutRecord {
  id: string;
  fromId: number;
  currency: string;
  totalAmount: number;
  payload: string;
  createdAt: number;
  /** From an invoice link with a subscription period. */
  subscriptionPeriod?: number;
  answer?: { ok: boolean; error_message?: string; at: number };
}

export interface PaymentRecord {
  userId: number;
  currency: string;
  totalAmount: number;
  payload: string;
  telegramChargeId: string;
  providerChargeId: string;
  refunded: boolean;
  /** Unix time of the payment (and of the refund, once refunded). */
  date?: number;
  refundedAt?: number;
  /** What was bought: an invoice (default) or paid media. */
  kind?: 'invoice_payment' | 'paid_media_payment';
  /** A Star subscription: its period, when the paid period ends, whether it renews. */
  subscription?: { period: number; expiresAt: number; canceled: boolean; first: boolean };
}

/** An invoice link made by createInvoiceLink (`https://t.me/$<slug>`). */
export interface InvoiceLinkRecord {
  slug: string;
  title: string;
  currency: string;
  totalAmount: number;
  payload: string;
  subscriptionPeriod?: number;
}

/**
 * Full administrator rights, used when a test doesn't say otherwise (can_manage_tags is left
 * out: Telegram defaults it to can_pin_messages).
 */
export const FULL_ADMIN_RIGHTS: Required<Omit<AdminRights, 'can_manage_tags'>> = {
  is_anonymous: false,
  can_manage_chat: true,
  can_delete_messages: true,
  can_manage_video_chats: true,
  can_restrict_members: true,
  can_promote_members: false,
  can_change_info: true,
  can_invite_users: true,
  can_post_stories: true,
  can_edit_stories: true,
  can_delete_stories: true,
  can_pin_messages: true,
  can_manage_topics: true,
};

/** Telegram's default forum topic icon colour (the first of the six allowed). */
export const TOPIC_COLORS = [7322096, 16766590, 13338331, 9367192, 16749490, 16478047];

const FILE_PREFIX: Record<MediaKind, string> = {
  photo: 'AgACAgIAAxkBAAI',
  voice: 'AwACAgIAAxkBAAI',
  video: 'BAACAgIAAxkBAAI',
  document: 'BQACAgIAAxkBAAI',
  sticker: 'CAACAgIAAxkBAAI',
  audio: 'CQACAgIAAxkBAAI',
  animation: 'CgACAgIAAxkBAAI',
  video_note: 'DQACAgIAAxkBAAI',
};

const FILE_DIR: Record<MediaKind, [dir: string, ext: string, mime: string]> = {
  photo: ['photos', 'jpg', 'image/jpeg'],
  voice: ['voice', 'oga', 'audio/ogg'],
  video: ['videos', 'mp4', 'video/mp4'],
  document: ['documents', 'pdf', 'application/pdf'],
  sticker: ['stickers', 'webp', 'image/webp'],
  audio: ['music', 'mp3', 'audio/mpeg'],
  animation: ['animations', 'mp4', 'video/mp4'],
  video_note: ['video_notes', 'mp4', 'video/mp4'],
};

/** Generated users get ids from here up; supergroups from -1001000000001 down. */
const FIRST_USER_ID = 700_000_001;
const FIRST_SUPERGROUP_ID = -1_001_000_000_001;

export interface WorldOptions {
  bot: TgUser;
  now: () => number;
}

export class World {
  readonly bot: TgUser;
  readonly users = new Map<number, TgUser>();
  readonly chats = new Map<number, ChatRecord>();
  readonly files = new Map<string, FileRecord>();
  readonly callbackQueries = new Map<string, CallbackQueryRecord>();
  readonly preCheckoutQueries = new Map<string, PreCheckoutRecord>();
  readonly payments: PaymentRecord[] = [];
  readonly invoiceLinks = new Map<string, InvoiceLinkRecord>();
  readonly commands = new Map<string, { command: string; description: string }[]>();
  private nextUserId = FIRST_USER_ID;
  private nextSupergroupId = FIRST_SUPERGROUP_ID;
  private fileCounter = 0;
  private mediaGroupCounter = 13_000_000_000_000_000n;
  private queryCounter = 0;
  private seq = 0;
  private readonly now: () => number;

  constructor(options: WorldOptions) {
    this.bot = options.bot;
    this.now = options.now;
    this.users.set(this.bot.id, this.bot);
  }

  /** Unix time in seconds, as in every `date` field. */
  unixNow(): number {
    return Math.floor(this.now() / 1000);
  }

  createUser(
    input: Partial<Omit<TgUser, 'is_bot'>> & { first_name: string; is_bot?: boolean },
  ): TgUser {
    const id = input.id ?? this.nextUserId++;
    if (this.users.has(id)) throw new Error(`user ${id} already exists`);
    const user: TgUser = { id, is_bot: input.is_bot ?? false, first_name: input.first_name };
    if (input.last_name !== undefined) user.last_name = input.last_name;
    if (input.username !== undefined) user.username = input.username;
    if (input.language_code !== undefined) user.language_code = input.language_code;
    if (input.is_premium !== undefined) user.is_premium = input.is_premium;
    this.users.set(id, user);
    return user;
  }

  user(id: number): TgUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`unknown user ${id}; create it with control.createUser first`);
    return user;
  }

  /** The private chat between the bot and a user, created on first use. */
  privateChat(userId: number): ChatRecord {
    const existing = this.chats.get(userId);
    if (existing) return existing;
    const user = this.user(userId);
    const chat: TgChat = { id: user.id, type: 'private', first_name: user.first_name };
    if (user.last_name !== undefined) chat.last_name = user.last_name;
    if (user.username !== undefined) chat.username = user.username;
    const record = this.newChat(chat);
    this.chats.set(chat.id, record);
    return record;
  }

  createSupergroup(input: {
    title: string;
    username?: string;
    isForum: boolean;
    id?: number;
  }): ChatRecord {
    const id = input.id ?? this.nextSupergroupId--;
    if (this.chats.has(id)) throw new Error(`chat ${id} already exists`);
    const chat: TgChat = { id, type: 'supergroup', title: input.title };
    if (input.username !== undefined) chat.username = input.username;
    if (input.isForum) chat.is_forum = true;
    const record = this.newChat(chat);
    if (input.isForum) {
      record.topics.set(1, {
        threadId: 1,
        name: 'General',
        iconColor: TOPIC_COLORS[0] as number,
        closed: false,
        deleted: false,
        creatorId: 0,
      });
    }
    this.chats.set(id, record);
    return record;
  }

  private newChat(chat: TgChat): ChatRecord {
    return {
      chat,
      // Message ids start at 1 in private chats; a supergroup's first id goes to its creation.
      nextMessageId: chat.type === 'private' ? 1 : 2,
      messages: new Map(),
      topics: new Map(),
      members: new Map(),
      started: false,
      blocked: false,
    };
  }

  /** Finds a chat by numeric id or "@username" (supergroups and users). */
  findChat(ref: number | string): ChatRecord | undefined {
    if (typeof ref === 'number') return this.chats.get(ref);
    const name = ref.replace(/^@/, '').toLowerCase();
    for (const record of this.chats.values()) {
      if (record.chat.username?.toLowerCase() === name) return record;
    }
    return undefined;
  }

  chat(id: number): ChatRecord {
    const record = this.chats.get(id);
    if (!record) throw new Error(`unknown chat ${id}`);
    return record;
  }

  member(chat: ChatRecord, userId: number): MemberRecord {
    const existing = chat.members.get(userId);
    if (existing) return existing;
    if (chat.chat.type === 'private') {
      return { userId, status: 'member', rights: {} };
    }
    return { userId, status: 'left', rights: {} };
  }

  botMember(chat: ChatRecord): MemberRecord {
    return this.member(chat, this.bot.id);
  }

  /** True when the bot holds `right` (admins with the right, or the owner). */
  botHasRight(chat: ChatRecord, right: keyof AdminRights): boolean {
    const member = this.botMember(chat);
    if (member.status === 'creator') return true;
    return member.status === 'administrator' && member.rights[right] === true;
  }

  /** Stores a new message in `chat`, assigning its id and date. */
  addMessage(
    chat: ChatRecord,
    fields: Omit<TgMessage, 'message_id' | 'date' | 'chat'>,
  ): MessageRecord {
    const message: TgMessage = {
      message_id: chat.nextMessageId++,
      ...(fields.message_thread_id !== undefined
        ? { message_thread_id: fields.message_thread_id }
        : {}),
      ...(fields.from ? { from: fields.from } : {}),
      date: this.unixNow(),
      chat: chat.chat,
      ...fields,
    };
    const record: MessageRecord = {
      message,
      deleted: false,
      reactions: new Map(),
      pinned: false,
      edited: false,
    };
    chat.messages.set(message.message_id, record);
    return record;
  }

  /** A live (not deleted) message, or undefined. */
  message(chat: ChatRecord, messageId: number): MessageRecord | undefined {
    const record = chat.messages.get(messageId);
    return record && !record.deleted ? record : undefined;
  }

  /** The topic-creation message a topic message implicitly replies to. */
  topicRoot(chat: ChatRecord, threadId: number): TgMessage | undefined {
    return chat.messages.get(threadId)?.message;
  }

  newMediaGroupId(): string {
    this.mediaGroupCounter += 1n;
    return String(this.mediaGroupCounter);
  }

  /** A deterministic sequence number (dice values, poll ids…). */
  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  newQueryId(): string {
    this.queryCounter += 1;
    return `${BigInt(this.bot.id) * 1_000_000n + BigInt(this.queryCounter)}`;
  }

  /** Registers a file (uploaded or generated) and returns its record. */
  addFile(
    kind: MediaKind,
    input: {
      data?: Buffer;
      size?: number;
      fileName?: string;
      mimeType?: string;
      width?: number;
      height?: number;
      duration?: number;
      extra?: Record<string, unknown>;
    } = {},
  ): FileRecord {
    if (kind === 'photo') return this.addPhoto(input);
    return this.addSingleFile(kind, input);
  }

  private addSingleFile(
    kind: MediaKind,
    input: {
      data?: Buffer;
      size?: number;
      fileName?: string;
      mimeType?: string;
      width?: number;
      height?: number;
      duration?: number;
      extra?: Record<string, unknown>;
    },
  ): FileRecord {
    this.fileCounter += 1;
    const n = this.fileCounter;
    const unique = `AQAD${n.toString(36).padStart(4, '0')}${randomBytes(6).toString('base64url')}`;
    const fileId = `${FILE_PREFIX[kind]}${n.toString(36).padStart(3, '0')}${randomBytes(24).toString('base64url')}`;
    const [dir, ext, mime] = FILE_DIR[kind];
    const data = input.data ?? Buffer.from(`premiumbot-sim ${kind} file ${n}`);
    const record: FileRecord = {
      file_id: fileId,
      file_unique_id: unique,
      kind,
      file_size: input.size ?? data.length,
      file_path: `${dir}/file_${n}.${ext}`,
      data,
    };
    if (input.width !== undefined) record.width = input.width;
    if (input.height !== undefined) record.height = input.height;
    if (input.duration !== undefined) record.duration = input.duration;
    if (kind !== 'photo' && kind !== 'sticker' && kind !== 'video_note') {
      record.mime_type =
        input.mimeType && input.mimeType !== 'application/octet-stream' ? input.mimeType : mime;
    }
    if (
      input.fileName !== undefined &&
      (kind === 'document' || kind === 'audio' || kind === 'video' || kind === 'animation')
    ) {
      record.file_name = input.fileName;
    }
    if (input.extra) record.extra = input.extra;
    this.files.set(fileId, record);
    return record;
  }

  private addPhoto(input: {
    data?: Buffer;
    size?: number;
    width?: number;
    height?: number;
  }): FileRecord {
    const width = input.width ?? 1280;
    const height = input.height ?? 960;
    // Telegram never scales up: a small photo has fewer sizes, the last one its own.
    const scales = [90, 320, 800, Math.max(width, height)].filter(
      (v, i, all) => all.indexOf(v) === i && v <= Math.max(width, height),
    );
    const ids: string[] = [];
    let largest: FileRecord | undefined;
    for (const side of scales) {
      const factor = Math.min(1, side / Math.max(width, height));
      const isLargest = side === Math.max(width, height);
      const record = this.addSingleFile('photo', {
        data: isLargest ? input.data : undefined,
        size: isLargest ? input.size : undefined,
        width: Math.max(1, Math.round(width * factor)),
        height: Math.max(1, Math.round(height * factor)),
      });
      ids.push(record.file_id);
      if (isLargest) largest = record;
    }
    for (const id of ids) (this.files.get(id) as FileRecord).sizes = ids;
    return largest as FileRecord;
  }

  /** The Message fields that show a file: `{photo: [...]}`, `{voice: {...}}`, etc. */
  mediaFields(file: FileRecord): Partial<TgMessage> {
    if (file.kind === 'photo') {
      const sizes = (file.sizes ?? [file.file_id]).map((id) => this.files.get(id) as FileRecord);
      return { photo: sizes.map((size) => photoSize(size)) };
    }
    const object: TgFileObject = { file_id: file.file_id, file_unique_id: file.file_unique_id };
    switch (file.kind) {
      case 'video':
      case 'animation':
        object.width = file.width ?? 640;
        object.height = file.height ?? 360;
        object.duration = file.duration ?? 5;
        break;
      case 'voice':
      case 'audio':
        object.duration = file.duration ?? 3;
        break;
      case 'video_note':
        object.length = file.width ?? 240;
        object.duration = file.duration ?? 5;
        break;
      case 'sticker':
        object.type = 'regular';
        object.width = file.width ?? 512;
        object.height = file.height ?? 512;
        object.is_animated = false;
        object.is_video = false;
        break;
      default:
        break;
    }
    if (file.extra) Object.assign(object, file.extra);
    if (file.file_name !== undefined) object.file_name = file.file_name;
    if (file.mime_type !== undefined) object.mime_type = file.mime_type;
    object.file_size = file.file_size;
    if (file.kind === 'animation') {
      // Telegram also sets `document` on animations, for backward compatibility.
      const document: TgFileObject = { file_id: file.file_id, file_unique_id: file.file_unique_id };
      if (file.file_name !== undefined) document.file_name = file.file_name;
      if (file.mime_type !== undefined) document.mime_type = file.mime_type;
      document.file_size = file.file_size;
      return { animation: object, document };
    }
    return { [file.kind]: object } as Partial<TgMessage>;
  }

  recordPayment(
    input: Omit<PaymentRecord, 'telegramChargeId' | 'providerChargeId' | 'refunded'>,
  ): PaymentRecord {
    const payment: PaymentRecord = {
      date: this.unixNow(),
      ...input,
      telegramChargeId: `${input.currency === 'XTR' ? 'stxsim' : 'tgsim'}${randomBytes(12).toString('hex')}`,
      providerChargeId: input.currency === 'XTR' ? '' : `prov_${randomBytes(8).toString('hex')}`,
      refunded: false,
    };
    this.payments.push(payment);
    return payment;
  }

  /** The Chat object for a user's private chat without creating the chat. */
  static displayName(user: TgUser): string {
    return [user.first_name, user.last_name].filter(Boolean).join(' ');
  }
}

function photoSize(file: FileRecord): TgPhotoSize {
  return {
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    width: file.width ?? 1,
    height: file.height ?? 1,
    file_size: file.file_size,
  };
}

/** Which media kind a Message carries, if any. */
export function mediaKindOf(message: TgMessage): MediaKind | undefined {
  if (message.animation) return 'animation';
  for (const kind of MEDIA_KINDS) {
    if (message[kind] !== undefined) return kind;
  }
  return undefined;
}
