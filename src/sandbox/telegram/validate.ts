/**
 * Parameter validation and coercion, the way the Bot API reads a request: form values are
 * strings ("123" is an Integer, "true" a Boolean), object and array parameters may arrive as
 * JSON-serialized strings, and objects are checked against the shapes below (hand-written,
 * cross-checked against the spec by test/sandbox/telegram/spec-crosscheck.test.ts). Unknown
 * fields inside objects are ignored, as Telegram does (telegraf sends `hide` on buttons).
 */
import type { MethodDecl } from './methods.js';

/** A file part of a multipart body. */
export interface UploadedFile {
  kind: 'upload';
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export function isUpload(value: unknown): value is UploadedFile {
  return typeof value === 'object' && value !== null && (value as UploadedFile).kind === 'upload';
}

/** A rejected parameter; `description` follows "Bad Request: ". */
export class ParamError extends Error {
  constructor(readonly description: string) {
    super(description);
    this.name = 'ParamError';
  }
}

interface FieldDecl {
  name: string;
  type: string;
  required: boolean;
}

function field(spec: string): FieldDecl {
  const match = /^([a-z_]+)(!?):(.+)$/.exec(spec);
  if (!match) throw new Error(`bad field declaration: ${spec}`);
  return {
    name: match[1] as string,
    type: (match[3] as string).trim(),
    required: match[2] === '!',
  };
}

const INPUT_MEDIA_COMMON = ['type!:String', 'media!:String'];
const MEDIA_CAPTION = [
  'caption:String',
  'parse_mode:String',
  'caption_entities:Array of MessageEntity',
];

/** Object types the simulator checks inside parameters. */
const shapeTable: Record<string, string[]> = {
  InlineKeyboardMarkup: ['inline_keyboard!:Array of Array of InlineKeyboardButton'],
  InlineKeyboardButton: [
    'text!:String',
    'icon_custom_emoji_id:String',
    'style:String',
    'url:String',
    'callback_data:String',
    'web_app:WebAppInfo',
    'login_url:LoginUrl',
    'switch_inline_query:String',
    'switch_inline_query_current_chat:String',
    'switch_inline_query_chosen_chat:SwitchInlineQueryChosenChat',
    'copy_text:CopyTextButton',
    'callback_game:CallbackGame',
    'pay:Boolean',
  ],
  ReplyKeyboardMarkup: [
    'keyboard!:Array of Array of KeyboardButton',
    'is_persistent:Boolean',
    'resize_keyboard:Boolean',
    'one_time_keyboard:Boolean',
    'input_field_placeholder:String',
    'selective:Boolean',
  ],
  KeyboardButton: [
    'text!:String',
    'request_contact:Boolean',
    'request_location:Boolean',
    'request_poll:KeyboardButtonPollType',
    'web_app:WebAppInfo',
  ],
  ReplyKeyboardRemove: ['remove_keyboard!:Boolean', 'selective:Boolean'],
  ForceReply: ['force_reply!:Boolean', 'input_field_placeholder:String', 'selective:Boolean'],
  WebAppInfo: ['url!:String'],
  CopyTextButton: ['text!:String'],
  LoginUrl: [
    'url!:String',
    'forward_text:String',
    'bot_username:String',
    'request_write_access:Boolean',
  ],
  MessageEntity: [
    'type!:String',
    'offset!:Integer',
    'length!:Integer',
    'url:String',
    'user:User',
    'language:String',
    'custom_emoji_id:String',
  ],
  User: ['id!:Integer', 'is_bot!:Boolean', 'first_name!:String'],
  ReplyParameters: [
    'message_id!:Integer',
    'chat_id:Integer or String',
    'allow_sending_without_reply:Boolean',
    'quote:String',
    'quote_parse_mode:String',
    'quote_entities:Array of MessageEntity',
    'quote_position:Integer',
  ],
  LinkPreviewOptions: [
    'is_disabled:Boolean',
    'url:String',
    'prefer_small_media:Boolean',
    'prefer_large_media:Boolean',
    'show_above_text:Boolean',
  ],
  BotCommand: ['command!:String', 'description!:String'],
  BotCommandScopeDefault: ['type!:String'],
  BotCommandScopeAllPrivateChats: ['type!:String'],
  BotCommandScopeAllGroupChats: ['type!:String'],
  BotCommandScopeAllChatAdministrators: ['type!:String'],
  BotCommandScopeChat: ['type!:String', 'chat_id!:Integer or String'],
  BotCommandScopeChatAdministrators: ['type!:String', 'chat_id!:Integer or String'],
  BotCommandScopeChatMember: ['type!:String', 'chat_id!:Integer or String', 'user_id!:Integer'],
  LabeledPrice: ['label!:String', 'amount!:Integer'],
  ReactionTypeEmoji: ['type!:String', 'emoji!:String'],
  ReactionTypeCustomEmoji: ['type!:String', 'custom_emoji_id!:String'],
  ReactionTypePaid: ['type!:String'],
  InputMediaPhoto: [
    ...INPUT_MEDIA_COMMON,
    ...MEDIA_CAPTION,
    'show_caption_above_media:Boolean',
    'has_spoiler:Boolean',
  ],
  InputMediaVideo: [
    ...INPUT_MEDIA_COMMON,
    'thumbnail:String',
    'cover:String',
    'start_timestamp:Integer',
    ...MEDIA_CAPTION,
    'show_caption_above_media:Boolean',
    'width:Integer',
    'height:Integer',
    'duration:Integer',
    'supports_streaming:Boolean',
    'has_spoiler:Boolean',
  ],
  InputMediaDocument: [
    ...INPUT_MEDIA_COMMON,
    'thumbnail:String',
    ...MEDIA_CAPTION,
    'disable_content_type_detection:Boolean',
  ],
  InputMediaAudio: [
    ...INPUT_MEDIA_COMMON,
    'thumbnail:String',
    ...MEDIA_CAPTION,
    'duration:Integer',
    'performer:String',
    'title:String',
  ],
  InputMediaLivePhoto: [...INPUT_MEDIA_COMMON, 'photo!:String', ...MEDIA_CAPTION],
  InputMediaAnimation: [
    ...INPUT_MEDIA_COMMON,
    'thumbnail:String',
    ...MEDIA_CAPTION,
    'show_caption_above_media:Boolean',
    'width:Integer',
    'height:Integer',
    'duration:Integer',
    'has_spoiler:Boolean',
  ],
  InputPaidMediaPhoto: [...INPUT_MEDIA_COMMON],
  InputPaidMediaVideo: [
    ...INPUT_MEDIA_COMMON,
    'thumbnail:String',
    'cover:String',
    'start_timestamp:Integer',
    'width:Integer',
    'height:Integer',
    'duration:Integer',
    'supports_streaming:Boolean',
  ],
  InputPaidMediaLivePhoto: [...INPUT_MEDIA_COMMON, 'photo!:String'],
};

/** Object shapes by type name (exported for the spec cross-check). */
export const SHAPES: ReadonlyMap<string, readonly FieldDecl[]> = new Map(
  Object.entries(shapeTable).map(([name, fields]) => [name, fields.map(field)]),
);

/** Union types resolved by their `type` field. */
export const UNIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  ReactionType: {
    emoji: 'ReactionTypeEmoji',
    custom_emoji: 'ReactionTypeCustomEmoji',
    paid: 'ReactionTypePaid',
  },
  InputPaidMedia: {
    photo: 'InputPaidMediaPhoto',
    video: 'InputPaidMediaVideo',
    live_photo: 'InputPaidMediaLivePhoto',
  },
  BotCommandScope: {
    default: 'BotCommandScopeDefault',
    all_private_chats: 'BotCommandScopeAllPrivateChats',
    all_group_chats: 'BotCommandScopeAllGroupChats',
    all_chat_administrators: 'BotCommandScopeAllChatAdministrators',
    chat: 'BotCommandScopeChat',
    chat_administrators: 'BotCommandScopeChatAdministrators',
    chat_member: 'BotCommandScopeChatMember',
  },
};

const INPUT_MEDIA_BY_TYPE: Record<string, string> = {
  photo: 'InputMediaPhoto',
  video: 'InputMediaVideo',
  document: 'InputMediaDocument',
  audio: 'InputMediaAudio',
  live_photo: 'InputMediaLivePhoto',
  animation: 'InputMediaAnimation',
};

export const ENTITY_TYPES = new Set([
  'mention',
  'hashtag',
  'cashtag',
  'bot_command',
  'url',
  'email',
  'phone_number',
  'bold',
  'italic',
  'underline',
  'strikethrough',
  'spoiler',
  'blockquote',
  'expandable_blockquote',
  'code',
  'pre',
  'text_link',
  'text_mention',
  'custom_emoji',
  'date_time',
]);

const INLINE_BUTTON_ACTIONS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
];

/** Splits "A or B or Array of C" into its alternatives. */
export const alternatives = (type: string): string[] => type.split(' or ').map((t) => t.trim());

type Coerced = { ok: true; value: unknown } | { ok: false };
const NO: Coerced = { ok: false };

function coerceInteger(value: unknown): Coerced {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return { ok: true, value };
  if (typeof value === 'string' && /^\s*[-+]?\d{1,16}\s*$/.test(value))
    return { ok: true, value: Number(value) };
  return NO;
}

function coerceFloat(value: unknown): Coerced {
  if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value };
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return { ok: true, value: Number(value) };
  }
  return NO;
}

function coerceBoolean(value: unknown): Coerced {
  if (typeof value === 'boolean') return { ok: true, value };
  if (value === 1 || value === 0) return { ok: true, value: value === 1 };
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true' || lower === '1') return { ok: true, value: true };
    if (lower === 'false' || lower === '0' || lower === '') return { ok: true, value: false };
  }
  return NO;
}

function coerceString(value: unknown): Coerced {
  if (typeof value === 'string') return { ok: true, value };
  // The Bot API stringifies numbers and booleans given where a String is expected.
  if (typeof value === 'number' || typeof value === 'boolean')
    return { ok: true, value: String(value) };
  return NO;
}

function decodeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return value;
  }
}

/**
 * Checks one value against one Telegram type; returns the coerced value or throws ParamError
 * with `where` naming the place ("parameter \"reply_markup\"", "field \"text\" of …").
 */
function coerceOne(type: string, raw: unknown, where: string): Coerced {
  switch (type) {
    case 'Integer':
      return coerceInteger(raw);
    case 'Float':
      return coerceFloat(raw);
    case 'Boolean':
      return coerceBoolean(raw);
    case 'String':
      return coerceString(raw);
    case 'InputFile':
      return isUpload(raw) ? { ok: true, value: raw } : NO;
    default:
      break;
  }
  const value = decodeJson(raw);
  if (type.startsWith('Array of ')) {
    if (!Array.isArray(value)) return NO;
    const inner = type.slice('Array of '.length);
    return {
      ok: true,
      value: value.map((item, index) => coerceValue(inner, item, `${where}[${index}]`)),
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return NO;
  return { ok: true, value: coerceObject(type, value as Record<string, unknown>, where) };
}

/** Coerces `raw` to any alternative of `type`, or throws a ParamError. */
export function coerceValue(type: string, raw: unknown, where: string): unknown {
  const options = alternatives(type);
  // "Integer or String" prefers Integer for numeric strings (chat ids); "InputFile or String" prefers uploads.
  for (const option of options) {
    const result = coerceOne(option, raw, where);
    if (result.ok) return result.value;
  }
  throw new ParamError(`${where} must be of type ${type}`);
}

function coerceObject(
  type: string,
  value: Record<string, unknown>,
  where: string,
): Record<string, unknown> {
  let shapeName = type;
  const union = UNIONS[type];
  if (union) {
    const kind = value.type;
    const resolved = typeof kind === 'string' ? union[kind] : undefined;
    if (!resolved) throw new ParamError(`${where}: unsupported ${type} type "${String(kind)}"`);
    shapeName = resolved;
  } else if (type.startsWith('InputMedia') && typeof value.type === 'string') {
    const resolved = INPUT_MEDIA_BY_TYPE[value.type];
    if (!resolved) throw new ParamError(`${where}: unsupported media type "${value.type}"`);
    shapeName = resolved;
  }
  const shape = SHAPES.get(shapeName);
  if (!shape) return value; // An object type we don't inspect (e.g. SuggestedPostParameters).
  const out: Record<string, unknown> = { ...value };
  for (const decl of shape) {
    const fieldValue = value[decl.name];
    if (fieldValue === undefined || fieldValue === null) {
      if (decl.required)
        throw new ParamError(`${where}: field "${decl.name}" of ${shapeName} is required`);
      delete out[decl.name];
      continue;
    }
    out[decl.name] = coerceValue(
      decl.type,
      fieldValue,
      `${where}: field "${decl.name}" of ${shapeName}`,
    );
  }
  checkSemantics(shapeName, out);
  return out;
}

/** Rules Telegram enforces beyond types, with its own wording where known. */
function checkSemantics(shapeName: string, value: Record<string, unknown>): void {
  switch (shapeName) {
    case 'InlineKeyboardButton': {
      const actions = INLINE_BUTTON_ACTIONS.filter((name) => value[name] !== undefined);
      if (actions.length === 0) {
        throw new ParamError(
          `can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard`,
        );
      }
      if (actions.length > 1) {
        throw new ParamError(
          `can't parse inline keyboard button: exactly one of the optional fields must be used, found ${actions.join(', ')}`,
        );
      }
      if (String(value.text).length === 0)
        throw new ParamError(`can't parse inline keyboard button: Text must be non-empty`);
      const data = value.callback_data;
      if (typeof data === 'string' && (data.length === 0 || Buffer.byteLength(data, 'utf8') > 64)) {
        throw new ParamError('BUTTON_DATA_INVALID');
      }
      if (typeof value.url === 'string' && !/^(https?|tg):\/\/\S+$/i.test(value.url)) {
        throw new ParamError('BUTTON_URL_INVALID');
      }
      break;
    }
    case 'MessageEntity':
      if (!ENTITY_TYPES.has(String(value.type)))
        throw new ParamError(`unsupported entity type "${String(value.type)}"`);
      if ((value.offset as number) < 0 || (value.length as number) <= 0) {
        throw new ParamError(`can't parse entities: entity offset and length must be positive`);
      }
      if (value.type === 'text_link' && typeof value.url !== 'string') {
        throw new ParamError(`can't parse entities: text_link entity must have a URL`);
      }
      break;
    case 'BotCommand': {
      const command = String(value.command);
      if (!/^[a-z0-9_]{1,32}$/.test(command)) throw new ParamError('BOT_COMMAND_INVALID');
      const description = String(value.description);
      if (description.length < 1 || description.length > 256)
        throw new ParamError('BOT_COMMAND_DESCRIPTION_INVALID');
      break;
    }
    case 'LabeledPrice':
      if (!Number.isInteger(value.amount)) throw new ParamError('CURRENCY_TOTAL_AMOUNT_INVALID');
      break;
    default:
      break;
  }
}

/** The shape of a keyboard parameter, resolved from which key the object carries. */
function markupShape(value: Record<string, unknown>): string | undefined {
  if ('inline_keyboard' in value) return 'InlineKeyboardMarkup';
  if ('keyboard' in value) return 'ReplyKeyboardMarkup';
  if ('remove_keyboard' in value) return 'ReplyKeyboardRemove';
  if ('force_reply' in value) return 'ForceReply';
  return undefined;
}

function coerceReplyMarkup(type: string, raw: unknown): unknown {
  const value = decodeJson(raw);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ParamError(`can't parse reply keyboard markup JSON object`);
  }
  const record = value as Record<string, unknown>;
  const shape = markupShape(record);
  if (!shape || !alternatives(type).includes(shape)) {
    throw new ParamError(
      type === 'InlineKeyboardMarkup'
        ? `can't parse inline keyboard markup JSON object`
        : `can't parse reply keyboard markup JSON object`,
    );
  }
  const rowsKey =
    shape === 'InlineKeyboardMarkup'
      ? 'inline_keyboard'
      : shape === 'ReplyKeyboardMarkup'
        ? 'keyboard'
        : '';
  if (rowsKey) {
    const rows = record[rowsKey];
    if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) {
      throw new ParamError(`field "${rowsKey}" of the ${shape} should be an Array of Arrays`);
    }
    if (shape === 'ReplyKeyboardMarkup') {
      // Plain strings are accepted as text-only keyboard buttons.
      record.keyboard = (rows as unknown[][]).map((row) =>
        row.map((button) => (typeof button === 'string' ? { text: button } : button)),
      );
    }
  }
  return coerceObject(shape, record, `parameter "reply_markup"`);
}

export type RawParams = Record<string, unknown>;

/** Telegram's wording for some missing parameters; the rest get a generic sentence. */
const MISSING: Record<string, string> = {
  chat_id: 'chat_id is empty',
  text: 'message text is empty',
  message_id: 'message identifier is not specified',
  user_id: 'user_id is empty',
  callback_query_id: 'query_id is empty',
  file_id: 'file_id is empty',
  name: 'topic name is empty',
};

/**
 * Validates raw request parameters against a method declaration: unknown parameters, missing
 * required ones and wrong types are rejected with a ParamError. Returns the coerced values.
 */
export function validateParams(method: MethodDecl, raw: RawParams): Record<string, unknown> {
  const declared = new Map(method.params.map((p) => [p.name, p]));
  for (const name of Object.keys(raw)) {
    if (!declared.has(name))
      throw new ParamError(`unknown parameter "${name}" for method ${method.name}`);
  }
  const out: Record<string, unknown> = {};
  for (const decl of method.params) {
    const value = raw[decl.name];
    if (value === undefined || value === null || (value === '' && decl.type !== 'String')) {
      if (decl.required)
        throw new ParamError(MISSING[decl.name] ?? `parameter "${decl.name}" is required`);
      continue;
    }
    if (decl.name === 'reply_markup') {
      out[decl.name] = coerceReplyMarkup(decl.type, value);
      continue;
    }
    out[decl.name] = coerceValue(decl.type, value, `parameter "${decl.name}"`);
  }
  return out;
}
