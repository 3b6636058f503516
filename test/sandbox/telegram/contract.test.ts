import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  METHODS,
  type TelegramSimulator,
  type TgMessage,
} from '../../../src/sandbox/telegram/index.js';
import { callApi, loadSpec, ok, seedWorld, startSimulator, type Encoding } from './helpers.js';
import { checkAgainstSpec } from './spec-check.js';

/**
 * One spec-valid call and one invalid call per implemented method, over real HTTP. Results are
 * checked against the method's return type in the spec when the spec folder is present (the
 * spec-crosscheck test says once when it is not).
 */

interface Ctx {
  sim: TelegramSimulator;
  fanId: number;
  adminId: number;
  groupId: number;
  topicId: number;
  start: TgMessage;
  photo: TgMessage;
}

interface Call {
  params: Record<string, unknown>;
  files?: Record<string, { name: string; data: Buffer }>;
  encoding?: Encoding;
}

interface Case {
  valid: (ctx: Ctx) => Call | Promise<Call>;
  check?: (result: unknown, ctx: Ctx) => void;
  invalid: (ctx: Ctx) => Call | Promise<Call>;
  error: [code: number, description: string];
}

const keyboard = { inline_keyboard: [[{ text: 'Buy', callback_data: 'buy:10' }]] };
const bytes = (text: string) => Buffer.from(text);

async function botMessage(ctx: Ctx, extra: Record<string, unknown> = {}): Promise<TgMessage> {
  return ok<TgMessage>(ctx.sim, 'sendMessage', { chat_id: ctx.fanId, text: 'Hello', ...extra });
}

async function botPhoto(ctx: Ctx): Promise<TgMessage> {
  return ok<TgMessage>(ctx.sim, 'sendPhoto', {
    chat_id: ctx.fanId,
    photo: ctx.photo.photo?.[0]?.file_id,
    caption: 'old',
  });
}

const unknownParam = (method: string): [number, string] => [
  400,
  `Bad Request: unknown parameter "foo" for method ${method}`,
];

const cases: Record<string, Case> = {
  getMe: {
    valid: () => ({ params: {} }),
    check: (result) =>
      expect(result).toMatchObject({ id: 123456, is_bot: true, username: 'premiumbot_sim_bot' }),
    invalid: () => ({ params: { foo: 1 } }),
    error: unknownParam('getMe'),
  },
  logOut: {
    valid: () => ({ params: {} }),
    invalid: () => ({ params: { foo: 1 } }),
    error: unknownParam('logOut'),
  },
  close: {
    valid: () => ({ params: {} }),
    invalid: () => ({ params: { foo: 1 } }),
    error: unknownParam('close'),
  },
  setWebhook: {
    valid: () => ({
      params: {
        url: 'https://example.com/telegram-webhook',
        secret_token: 'abc_DEF-1',
        allowed_updates: [],
      },
    }),
    check: (result) => expect(result).toBe(true),
    invalid: () => ({ params: { url: 'https://example.com/x', secret_token: 'not allowed!' } }),
    error: [400, 'Bad Request: secret token contains unallowed characters'],
  },
  deleteWebhook: {
    valid: () => ({ params: { drop_pending_updates: false } }),
    invalid: () => ({ params: { drop_pending_updates: 'maybe' } }),
    error: [400, 'Bad Request: parameter "drop_pending_updates" must be of type Boolean'],
  },
  getWebhookInfo: {
    valid: () => ({ params: {} }),
    check: (result) => expect(result).toMatchObject({ url: '', has_custom_certificate: false }),
    invalid: () => ({ params: { foo: 1 } }),
    error: unknownParam('getWebhookInfo'),
  },
  getUpdates: {
    valid: () => ({ params: { offset: 0, limit: 10, timeout: 0 } }),
    check: (result) => expect(Array.isArray(result) && result.length > 0).toBe(true),
    invalid: () => ({ params: { limit: 'ten' } }),
    error: [400, 'Bad Request: parameter "limit" must be of type Integer'],
  },
  setMyCommands: {
    valid: () => ({ params: { commands: [{ command: 'start', description: 'Start' }] } }),
    invalid: () => ({ params: { commands: [{ command: 'Bad Command', description: 'x' }] } }),
    error: [400, 'Bad Request: BOT_COMMAND_INVALID'],
  },
  getMyCommands: {
    valid: async (ctx) => {
      await ok(ctx.sim, 'setMyCommands', {
        commands: [{ command: 'buy', description: 'Buy credits' }],
      });
      return { params: {} };
    },
    check: (result) => expect(result).toEqual([{ command: 'buy', description: 'Buy credits' }]),
    invalid: () => ({ params: { scope: { type: 'nope' } } }),
    error: [400, 'Bad Request: parameter "scope": unsupported BotCommandScope type "nope"'],
  },
  deleteMyCommands: {
    valid: () => ({ params: { scope: { type: 'all_private_chats' }, language_code: 'en' } }),
    invalid: () => ({ params: { language_code: { en: true } } }),
    error: [400, 'Bad Request: parameter "language_code" must be of type String'],
  },
  sendMessage: {
    valid: (ctx) => ({
      params: {
        chat_id: ctx.fanId,
        text: 'Hi *there*',
        parse_mode: 'MarkdownV2',
        reply_markup: keyboard,
      },
    }),
    check: (result) =>
      expect(result).toMatchObject({
        text: 'Hi there',
        entities: [{ type: 'bold', offset: 3, length: 5 }],
        reply_markup: keyboard,
      }),
    invalid: (ctx) => ({ params: { chat_id: ctx.fanId, text: '*bold', parse_mode: 'MarkdownV2' } }),
    error: [
      400,
      "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 0",
    ],
  },
  forwardMessage: {
    valid: (ctx) => ({
      params: {
        chat_id: ctx.groupId,
        message_thread_id: ctx.topicId,
        from_chat_id: ctx.fanId,
        message_id: ctx.start.message_id,
      },
    }),
    check: (result, ctx) =>
      expect(result).toMatchObject({
        message_thread_id: ctx.topicId,
        is_topic_message: true,
        text: '/start',
        forward_origin: { type: 'user', sender_user: { id: ctx.fanId } },
      }),
    invalid: (ctx) => ({
      params: { chat_id: ctx.groupId, from_chat_id: ctx.fanId, message_id: 9999 },
    }),
    error: [400, 'Bad Request: message to forward not found'],
  },
  forwardMessages: {
    valid: (ctx) => ({
      params: {
        chat_id: ctx.groupId,
        from_chat_id: ctx.fanId,
        message_ids: [ctx.start.message_id, ctx.photo.message_id],
      },
    }),
    check: (result) => expect(result).toHaveLength(2),
    invalid: (ctx) => ({
      params: {
        chat_id: ctx.groupId,
        from_chat_id: ctx.fanId,
        message_ids: [ctx.photo.message_id, ctx.start.message_id],
      },
    }),
    error: [
      400,
      'Bad Request: message identifiers must be specified in a strictly increasing order',
    ],
  },
  copyMessage: {
    valid: (ctx) => ({
      params: {
        chat_id: ctx.groupId,
        message_thread_id: ctx.topicId,
        from_chat_id: ctx.fanId,
        message_id: ctx.photo.message_id,
      },
    }),
    check: (result) => expect(result).toEqual({ message_id: expect.any(Number) }),
    invalid: (ctx) => ({ params: { chat_id: ctx.groupId, message_id: ctx.photo.message_id } }),
    error: [400, 'Bad Request: parameter "from_chat_id" is required'],
  },
  copyMessages: {
    valid: (ctx) => ({
      params: {
        chat_id: ctx.groupId,
        from_chat_id: ctx.fanId,
        message_ids: [ctx.start.message_id, ctx.photo.message_id],
      },
    }),
    check: (result) => expect(result).toHaveLength(2),
    invalid: (ctx) => ({
      params: { chat_id: ctx.groupId, from_chat_id: ctx.fanId, message_ids: 'first' },
    }),
    error: [400, 'Bad Request: parameter "message_ids" must be of type Array of Integer'],
  },
  sendPhoto: {
    valid: (ctx) => ({
      params: { chat_id: ctx.fanId, caption: 'pic' },
      files: { photo: { name: 'a.jpg', data: bytes('jpeg') } },
    }),
    check: (result) => expect(result).toMatchObject({ caption: 'pic', photo: expect.any(Array) }),
    invalid: (ctx) => ({ params: { chat_id: ctx.fanId, photo: 'no-such-file-id' } }),
    error: [400, 'Bad Request: wrong file identifier/HTTP URL specified'],
  },
  sendAudio: {
    valid: (ctx) => ({
      params: { chat_id: ctx.fanId, title: 'Song' },
      files: { audio: { name: 'a.mp3', data: bytes('mp3') } },
    }),
    check: (result) =>
      expect(result).toMatchObject({ audio: { title: 'Song', file_name: 'a.mp3' } }),
    invalid: (ctx) => ({ params: { chat_id: ctx.fanId } }),
    error: [400, 'Bad Request: parameter "audio" is required'],
  },
  sendDocument: {
    valid: (ctx) => ({
      params: { chat_id: ctx.fanId },
      files: { document: { name: 'menu.pdf', data: bytes('%PDF') } },
    }),
    check: (result) => expect(result).toMatchObject({ document: { file_name: 'menu.pdf' } }),
    invalid: (ctx) => ({
      params: { chat_id: ctx.fanId, document: 'x', caption: 'c'.repeat(1025) },
    }),
    error: [400, 'Bad Request: wrong file identifier/HTTP URL specified'],
  },
  sendVideo: {
    valid: (ctx) => ({
      params: { chat_id: ctx.fanId, video: 'https://example.com/clip.mp4', duration: 7 },
    }),
    check: (result) => expect(result).toMatchObject({ video: { duration: 7 } }),
    invalid: (ctx) => ({
      params: { chat_id: ctx.fanId, video: 'https://example.com/clip.mp4', duration: 'long' },
    }),
    error: [400, 'Bad Request: parameter "duration" must be of type Integer'],
  },
  sendAnimation: {
    valid: (ctx) => ({
      params: { chat_id: ctx.fanId },
      files: { animation: { name: 'a.gif.mp4', data: bytes('gif') } },
    }),
    check: (result) =>
      expect(result).toMatchObject({ animation: expect.any(Object), document: expect.any(Object) }),
    invalid: (ctx) => ({
      params: { chat_id: ctx.fanId, animation: 'x', has_spoiler: 'sometimes' },
    }),
    error: [400, 'Bad Request: parameter "has_spoiler" must be of type Boolean'],
  },
  sendVoice: {
    valid: (ctx) => ({
      params: { chat_id: ctx.fanId, duration: 4 },
      files: { voice: { name: 'v.ogg', data: bytes('ogg') } },
    }),
    check: (result) => expect(result).toMatchObject({ voice: { duration: 4 } }),
    invalid: (ctx) => ({ params: { chat_id: ctx.fanId, voice: ctx.photo.photo?.[0]?.file_id } }),
    error: [400, "Bad Request: can't use file of type Photo as Voice"],
  },
  sendVideoNote: {
    valid: (ctx) => ({
      params: { chat_id: ctx.fanId, length: 240 },
      files: { video_note: { name: 'n.mp4', data: bytes('mp4') } },
    }),
    check: (result) => expect(result).toMatchObject({ video_note: { length: 240 } }),
    invalid: () => ({ params: { chat_id: 42, video_note: 'x' } }),
    error: [400, 'Bad Request: chat not found'],
  },
  sendSticker: {
    valid: (ctx) => ({
      params: { chat_id: ctx.fanId, emoji: '🔥' },
      files: { sticker: { name: 's.webp', data: bytes('webp') } },
    }),
    check: (result) => expect(result).toMatchObject({ sticker: { emoji: '🔥', type: 'regular' } }),
    invalid: (ctx) => ({ params: { chat_id: ctx.fanId, sticker: 'x', bar: 1 } }),
    error: [400, 'Bad Request: unknown parameter "bar" for method sendSticker'],
  },
  sendLocation: {
    valid: (ctx) => ({ params: { chat_id: ctx.fanId, latitude: 48.85, longitude: 2.35 } }),
    check: (result) =>
      expect(result).toMatchObject({ location: { latitude: 48.85, longitude: 2.35 } }),
    invalid: (ctx) => ({ params: { chat_id: ctx.fanId, latitude: 'north', longitude: 2 } }),
    error: [400, 'Bad Request: parameter "latitude" must be of type Float'],
  },
  sendContact: {
    valid: (ctx) => ({
      params: { chat_id: ctx.fanId, phone_number: '+10000000000', first_name: 'Ann' },
    }),
    check: (result) =>
      expect(result).toMatchObject({
        contact: { phone_number: '+10000000000', first_name: 'Ann' },
      }),
    invalid: (ctx) => ({ params: { chat_id: ctx.fanId, first_name: 'Ann' } }),
    error: [400, 'Bad Request: parameter "phone_number" is required'],
  },
  sendMediaGroup: {
    valid: (ctx) => ({
      params: {
        chat_id: ctx.groupId,
        message_thread_id: ctx.topicId,
        media: [
          { type: 'photo', media: 'attach://one', caption: 'first' },
          { type: 'video', media: 'attach://two' },
        ],
      },
      files: { one: { name: '1.jpg', data: bytes('1') }, two: { name: '2.mp4', data: bytes('2') } },
    }),
    check: (result) => {
      const messages = result as TgMessage[];
      expect(messages).toHaveLength(2);
      expect(messages[0]?.media_group_id).toBeDefined();
      expect(messages[0]?.media_group_id).toBe(messages[1]?.media_group_id);
      expect(messages[0]?.caption).toBe('first');
    },
    invalid: (ctx) => ({
      params: {
        chat_id: ctx.fanId,
        media: [{ type: 'photo', media: ctx.photo.photo?.[0]?.file_id }],
      },
    }),
    error: [400, 'Bad Request: media group must contain 2-10 items'],
  },
  sendPaidMedia: {
    valid: (ctx) => ({
      params: {
        chat_id: ctx.fanId,
        star_count: 50,
        payload: 'item:7',
        media: [{ type: 'photo', media: ctx.photo.photo?.[0]?.file_id }],
      },
    }),
    check: (result) => expect(result).toMatchObject({ paid_media: { star_count: 50 } }),
    invalid: (ctx) => ({
      params: { chat_id: ctx.fanId, star_count: 0, media: [{ type: 'photo', media: 'x' }] },
    }),
    error: [400, 'Bad Request: STARS_AMOUNT_INVALID'],
  },
  sendChatAction: {
    valid: (ctx) => ({
      params: { chat_id: ctx.groupId, message_thread_id: ctx.topicId, action: 'typing' },
    }),
    invalid: (ctx) => ({ params: { chat_id: ctx.fanId, action: 'dancing' } }),
    error: [400, 'Bad Request: wrong parameter action in request'],
  },
  setMessageReaction: {
    valid: (ctx) => ({
      params: {
        chat_id: ctx.fanId,
        message_id: ctx.start.message_id,
        reaction: [{ type: 'emoji', emoji: '👍' }],
      },
    }),
    invalid: (ctx) => ({
      params: {
        chat_id: ctx.fanId,
        message_id: ctx.start.message_id,
        reaction: [{ type: 'emoji', emoji: '🦖' }],
      },
    }),
    error: [400, 'Bad Request: REACTION_INVALID'],
  },
  editMessageText: {
    valid: async (ctx) => {
      const message = await botMessage(ctx);
      return {
        params: {
          chat_id: ctx.fanId,
          message_id: message.message_id,
          text: 'Hello <b>again</b>',
          parse_mode: 'HTML',
        },
      };
    },
    check: (result) =>
      expect(result).toMatchObject({
        text: 'Hello again',
        edit_date: expect.any(Number),
        entities: [{ type: 'bold' }],
      }),
    invalid: async (ctx) => {
      const message = await botMessage(ctx);
      return { params: { chat_id: ctx.fanId, message_id: message.message_id, text: 'Hello' } };
    },
    error: [
      400,
      'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    ],
  },
  editMessageCaption: {
    valid: async (ctx) => {
      const photo = await botPhoto(ctx);
      return { params: { chat_id: ctx.fanId, message_id: photo.message_id, caption: 'new' } };
    },
    check: (result) => expect(result).toMatchObject({ caption: 'new' }),
    invalid: async (ctx) => {
      const message = await botMessage(ctx);
      return { params: { chat_id: ctx.fanId, message_id: message.message_id, caption: 'new' } };
    },
    error: [400, 'Bad Request: there is no caption in the message to edit'],
  },
  editMessageMedia: {
    valid: async (ctx) => {
      const photo = await botPhoto(ctx);
      return {
        params: {
          chat_id: ctx.fanId,
          message_id: photo.message_id,
          media: { type: 'document', media: 'https://example.com/a.pdf', caption: 'now a file' },
        },
      };
    },
    check: (result) => {
      expect(result).toMatchObject({ caption: 'now a file', document: { file_name: 'a.pdf' } });
      expect((result as { photo?: unknown }).photo).toBeUndefined();
    },
    invalid: async (ctx) => {
      const message = await botMessage(ctx);
      return {
        params: {
          chat_id: ctx.fanId,
          message_id: message.message_id,
          media: { type: 'photo', media: 'https://example.com/p.jpg' },
        },
      };
    },
    error: [400, 'Bad Request: there is no media in the message to edit'],
  },
  editMessageReplyMarkup: {
    valid: async (ctx) => {
      const message = await botMessage(ctx);
      return {
        params: { chat_id: ctx.fanId, message_id: message.message_id, reply_markup: keyboard },
      };
    },
    check: (result) => expect(result).toMatchObject({ reply_markup: keyboard }),
    invalid: (ctx) => ({
      params: { chat_id: ctx.fanId, message_id: 9999, reply_markup: keyboard },
    }),
    error: [400, 'Bad Request: message to edit not found'],
  },
  deleteMessage: {
    valid: (ctx) => ({ params: { chat_id: ctx.fanId, message_id: ctx.start.message_id } }),
    check: (result) => expect(result).toBe(true),
    invalid: (ctx) => ({ params: { chat_id: ctx.fanId } }),
    error: [400, 'Bad Request: message identifier is not specified'],
  },
  deleteMessages: {
    valid: (ctx) => ({ params: { chat_id: ctx.fanId, message_ids: [ctx.start.message_id, 9999] } }),
    invalid: (ctx) => ({ params: { chat_id: ctx.fanId, message_ids: [] } }),
    error: [400, 'Bad Request: message_ids must contain 1-100 identifiers'],
  },
  answerCallbackQuery: {
    valid: async (ctx) => {
      const message = await botMessage(ctx, { reply_markup: keyboard });
      const id = ctx.sim.control.pressButton(ctx.fanId, ctx.fanId, message.message_id, 'buy:10');
      return { params: { callback_query_id: id, text: 'Done' } };
    },
    invalid: () => ({ params: { callback_query_id: '123' } }),
    error: [
      400,
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    ],
  },
  pinChatMessage: {
    valid: (ctx) => ({ params: { chat_id: ctx.fanId, message_id: ctx.start.message_id } }),
    invalid: (ctx) => ({ params: { chat_id: ctx.fanId, message_id: 9999 } }),
    error: [400, 'Bad Request: message to pin not found'],
  },
  unpinChatMessage: {
    valid: async (ctx) => {
      await ok(ctx.sim, 'pinChatMessage', { chat_id: ctx.fanId, message_id: ctx.start.message_id });
      return { params: { chat_id: ctx.fanId } };
    },
    invalid: (ctx) => ({ params: { chat_id: ctx.fanId } }),
    error: [400, 'Bad Request: message to unpin not found'],
  },
  unpinAllChatMessages: {
    valid: (ctx) => ({ params: { chat_id: ctx.groupId } }),
    invalid: () => ({ params: {} }),
    error: [400, 'Bad Request: chat_id is empty'],
  },
  unpinAllForumTopicMessages: {
    valid: (ctx) => ({ params: { chat_id: ctx.groupId, message_thread_id: ctx.topicId } }),
    invalid: (ctx) => ({ params: { chat_id: ctx.groupId, message_thread_id: 999 } }),
    error: [400, 'Bad Request: message thread not found'],
  },
  getChat: {
    valid: (ctx) => ({ params: { chat_id: ctx.groupId } }),
    check: (result, ctx) =>
      expect(result).toMatchObject({ id: ctx.groupId, type: 'supergroup', is_forum: true }),
    invalid: () => ({ params: { chat_id: 42 } }),
    error: [400, 'Bad Request: chat not found'],
  },
  getChatMember: {
    valid: (ctx) => ({ params: { chat_id: ctx.groupId, user_id: 123456 } }),
    check: (result) =>
      expect(result).toMatchObject({ status: 'administrator', can_manage_topics: true }),
    invalid: (ctx) => ({ params: { chat_id: ctx.groupId, user_id: 'abc' } }),
    error: [400, 'Bad Request: parameter "user_id" must be of type Integer'],
  },
  getChatAdministrators: {
    valid: (ctx) => ({ params: { chat_id: ctx.groupId } }),
    check: (result) =>
      expect((result as { status: string }[]).map((m) => m.status).sort()).toEqual([
        'administrator',
        'administrator',
        'creator',
      ]),
    invalid: (ctx) => ({ params: { chat_id: ctx.fanId } }),
    error: [400, 'Bad Request: there are no administrators in the private chat'],
  },
  getChatMemberCount: {
    valid: (ctx) => ({ params: { chat_id: ctx.groupId } }),
    check: (result) => expect(result).toBe(3),
    invalid: () => ({ params: { chat_id: '@nobody' } }),
    error: [400, 'Bad Request: chat not found'],
  },
  setChatMemberTag: {
    valid: (ctx) => {
      const group = ctx.sim.control.createForumGroup({ title: 'Tags', members: [ctx.fanId] });
      return { params: { chat_id: group.chatId, user_id: ctx.fanId, tag: 'Agent' } };
    },
    check: (result) => expect(result).toBe(true),
    invalid: (ctx) => ({ params: { chat_id: ctx.groupId, user_id: ctx.adminId, tag: 'Agent' } }),
    error: [400, "Bad Request: can't change the tag of a chat administrator"],
  },
  leaveChat: {
    valid: (ctx) => ({ params: { chat_id: ctx.groupId } }),
    invalid: (ctx) => ({ params: { chat_id: ctx.fanId } }),
    error: [400, "Bad Request: chat member status can't be changed in private chats"],
  },
  getForumTopicIconStickers: {
    valid: () => ({ params: {} }),
    check: (result) =>
      expect(result).toContainEqual(
        expect.objectContaining({
          type: 'custom_emoji',
          emoji: '🔥',
          custom_emoji_id: expect.any(String),
        }),
      ),
    invalid: () => ({ params: { foo: 1 } }),
    error: unknownParam('getForumTopicIconStickers'),
  },
  createForumTopic: {
    valid: (ctx) => ({ params: { chat_id: ctx.groupId, name: 'Fan_*<x>', icon_color: 16766590 } }),
    check: (result) =>
      expect(result).toMatchObject({
        name: 'Fan_*<x>',
        icon_color: 16766590,
        message_thread_id: expect.any(Number),
      }),
    invalid: (ctx) => ({ params: { chat_id: ctx.groupId, name: 'x', icon_color: 123 } }),
    error: [400, 'Bad Request: TOPIC_ICON_COLOR_INVALID'],
  },
  editForumTopic: {
    valid: (ctx) => ({
      params: { chat_id: ctx.groupId, message_thread_id: ctx.topicId, name: 'Renamed' },
    }),
    invalid: (ctx) => ({
      params: { chat_id: ctx.groupId, message_thread_id: ctx.topicId, name: 'Fan topic' },
    }),
    error: [400, 'Bad Request: TOPIC_NOT_MODIFIED'],
  },
  closeForumTopic: {
    valid: (ctx) => ({ params: { chat_id: ctx.groupId, message_thread_id: ctx.topicId } }),
    invalid: (ctx) => ({ params: { chat_id: ctx.groupId, message_thread_id: 1 } }),
    error: [400, 'Bad Request: TOPIC_ID_INVALID'],
  },
  reopenForumTopic: {
    valid: async (ctx) => {
      await ok(ctx.sim, 'closeForumTopic', {
        chat_id: ctx.groupId,
        message_thread_id: ctx.topicId,
      });
      return { params: { chat_id: ctx.groupId, message_thread_id: ctx.topicId } };
    },
    invalid: (ctx) => ({ params: { chat_id: ctx.groupId, message_thread_id: ctx.topicId } }),
    error: [400, 'Bad Request: TOPIC_NOT_MODIFIED'],
  },
  deleteForumTopic: {
    valid: (ctx) => ({ params: { chat_id: ctx.groupId, message_thread_id: ctx.topicId } }),
    invalid: (ctx) => ({ params: { chat_id: ctx.groupId } }),
    error: [400, 'Bad Request: parameter "message_thread_id" is required'],
  },
  sendInvoice: {
    valid: (ctx) => ({
      params: {
        chat_id: ctx.fanId,
        title: '10 credits',
        description: 'Message credits',
        payload: 'credits:10',
        currency: 'XTR',
        prices: [{ label: '10 credits', amount: 100 }],
      },
    }),
    check: (result) =>
      expect(result).toMatchObject({
        invoice: { currency: 'XTR', total_amount: 100, start_parameter: '' },
      }),
    invalid: (ctx) => ({
      params: {
        chat_id: ctx.fanId,
        title: 't',
        description: 'd',
        payload: 'p',
        currency: 'EUR',
        prices: [{ label: 'x', amount: 500 }],
      },
    }),
    error: [400, 'Bad Request: PAYMENT_PROVIDER_INVALID'],
  },
  answerPreCheckoutQuery: {
    valid: (ctx) => {
      const id = ctx.sim.control.startPreCheckout(ctx.fanId, {
        currency: 'XTR',
        totalAmount: 100,
        payload: 'credits:10',
      });
      return { params: { pre_checkout_query_id: id, ok: true } };
    },
    check: (_result, ctx) =>
      expect(
        ctx.sim.control
          .messages(ctx.fanId)
          .some((m) => m.raw.successful_payment?.invoice_payload === 'credits:10'),
      ).toBe(true),
    invalid: () => ({ params: { pre_checkout_query_id: 'nope', ok: true } }),
    error: [
      400,
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    ],
  },
  refundStarPayment: {
    valid: async (ctx) => {
      const id = ctx.sim.control.startPreCheckout(ctx.fanId, {
        currency: 'XTR',
        totalAmount: 100,
        payload: 'p',
      });
      await ok(ctx.sim, 'answerPreCheckoutQuery', { pre_checkout_query_id: id, ok: true });
      const payment = ctx.sim.control.payments()[0];
      return {
        params: { user_id: ctx.fanId, telegram_payment_charge_id: payment?.telegramChargeId },
      };
    },
    invalid: (ctx) => ({
      params: { user_id: ctx.fanId, telegram_payment_charge_id: 'stx_unknown' },
    }),
    error: [400, 'Bad Request: CHARGE_NOT_FOUND'],
  },
  createInvoiceLink: {
    valid: () => ({
      params: {
        title: 'Monthly pass',
        description: '30 days of chat',
        payload: 'pass:1',
        currency: 'XTR',
        prices: [{ label: 'Pass', amount: 500 }],
        subscription_period: 2592000,
      },
    }),
    check: (result) => expect(result).toMatch(/^https:\/\/t\.me\/\$\w+$/),
    invalid: () => ({
      params: {
        title: 'Monthly pass',
        description: '30 days',
        payload: 'pass:1',
        currency: 'XTR',
        prices: [{ label: 'Pass', amount: 500 }],
        subscription_period: 86400,
      },
    }),
    error: [400, 'Bad Request: subscription_period must be 2592000 (30 days)'],
  },
  getStarTransactions: {
    valid: async (ctx) => {
      const id = ctx.sim.control.startPreCheckout(ctx.fanId, {
        currency: 'XTR',
        totalAmount: 70,
        payload: 'p',
      });
      await ok(ctx.sim, 'answerPreCheckoutQuery', { pre_checkout_query_id: id, ok: true });
      return { params: { limit: 10 } };
    },
    check: (result, ctx) =>
      expect(result).toMatchObject({
        transactions: [
          {
            amount: 70,
            source: { type: 'user', transaction_type: 'invoice_payment', user: { id: ctx.fanId } },
          },
        ],
      }),
    invalid: () => ({ params: { limit: 1000 } }),
    error: [400, 'Bad Request: limit must be between 1 and 100'],
  },
  getMyStarBalance: {
    valid: () => ({ params: {} }),
    check: (result) => expect(result).toEqual({ amount: 0 }),
    invalid: () => ({ params: { currency: 'XTR' } }),
    error: [400, 'Bad Request: unknown parameter "currency" for method getMyStarBalance'],
  },
  editUserStarSubscription: {
    valid: async (ctx) => {
      const link = await ok<string>(ctx.sim, 'createInvoiceLink', {
        title: 'Pass',
        description: '30 days',
        payload: 'pass:2',
        currency: 'XTR',
        prices: [{ label: 'Pass', amount: 300 }],
        subscription_period: 2592000,
      });
      const id = ctx.sim.control.fanOpensInvoiceLink(ctx.fanId, link);
      await ok(ctx.sim, 'answerPreCheckoutQuery', { pre_checkout_query_id: id, ok: true });
      const payment = ctx.sim.control.payments()[0];
      return {
        params: {
          user_id: ctx.fanId,
          telegram_payment_charge_id: payment?.telegramChargeId,
          is_canceled: true,
        },
      };
    },
    invalid: (ctx) => ({
      params: { user_id: ctx.fanId, telegram_payment_charge_id: 'stx_unknown', is_canceled: true },
    }),
    error: [400, 'Bad Request: CHARGE_ID_INVALID'],
  },
  getFile: {
    valid: (ctx) => ({ params: { file_id: ctx.photo.photo?.[0]?.file_id } }),
    check: (result) =>
      expect(result).toMatchObject({ file_path: expect.stringMatching(/^photos\//) }),
    invalid: () => ({ params: { file_id: 'nope' } }),
    error: [400, 'Bad Request: invalid file_id'],
  },
};

describe('Bot API contract', () => {
  let sim: TelegramSimulator;
  let ctx: Ctx;
  const spec = loadSpec();

  beforeAll(async () => {
    sim = await startSimulator({ rateLimits: false });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.control.reset();
    const seeded = seedWorld(sim);
    const photo = sim.control.fanSendsPhoto(seeded.fan.id, { caption: 'look' });
    ctx = {
      sim,
      fanId: seeded.fan.id,
      adminId: seeded.admin.id,
      groupId: seeded.groupId,
      topicId: seeded.topicId,
      start: seeded.start,
      photo,
    };
  });

  it('has a contract case for every implemented method', () => {
    expect(Object.keys(cases).sort()).toEqual([...METHODS.keys()].sort());
  });

  for (const [method, testCase] of Object.entries(cases)) {
    it(`${method}: a spec-valid call succeeds with the declared result type`, async () => {
      const call = await testCase.valid(ctx);
      const response = await callApi(sim, method, call.params, {
        files: call.files,
        encoding: call.encoding,
      });
      expect(response.body, JSON.stringify(response.body)).toMatchObject({ ok: true });
      expect(response.status).toBe(200);
      testCase.check?.(response.body.result, ctx);
      if (spec) {
        const returns = METHODS.get(method)?.returns as string;
        expect(checkAgainstSpec(spec, response.body.result, returns)).toEqual([]);
      }
      expect(sim.control.violations()).toEqual([]);
    });

    it(`${method}: an invalid call gets Telegram's error envelope`, async () => {
      const call = await testCase.invalid(ctx);
      const response = await callApi(sim, method, call.params, {
        files: call.files,
        encoding: call.encoding,
      });
      const [code, description] = testCase.error;
      expect(response.body).toEqual({ ok: false, error_code: code, description });
      expect(response.status).toBe(code);
      // Malformed on purpose: whatever violation it recorded is this test's own.
      sim.control.violations();
    });
  }
});

describe('Bot API envelope and transport', () => {
  let sim: TelegramSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ rateLimits: false });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => sim.control.reset());

  it('answers 404 Not Found for an unknown method and records a violation', async () => {
    const response = await callApi(sim, 'sendTelepathy', { chat_id: 1 });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
    expect(sim.control.violations()).toMatchObject([
      { method: 'sendTelepathy', description: 'Not Found' },
    ]);
  });

  it('answers 401 Unauthorized for a wrong token and 404 for a malformed one', async () => {
    const wrong = await callApi(sim, 'getMe', {}, { token: '123456:WRONG' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
    const malformed = await callApi(sim, 'getMe', {}, { token: 'not-a-token' });
    expect(malformed.body).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
    expect(sim.control.violations().map((v) => v.error_code)).toEqual([401, 404]);
  });

  it('matches method names case-insensitively and accepts GET with a query string', async () => {
    expect((await callApi(sim, 'GETME')).body.ok).toBe(true);
    const response = await fetch(`${sim.apiRoot}/bot${sim.token}/getChat?chat_id=42`);
    expect(await response.json()).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: chat not found',
    });
  });

  it('reads JSON, urlencoded and multipart bodies the same way (strings coerced, JSON-serialized objects)', async () => {
    const fan = sim.control.createUser({ first_name: 'Form' });
    sim.control.fanSendsText(fan.id, '/start');
    for (const encoding of ['json', 'form', 'multipart'] as const) {
      const response = await callApi(
        sim,
        'sendMessage',
        {
          chat_id: String(fan.id),
          text: `via ${encoding}`,
          disable_notification: 'true',
          reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a', hide: false }]] },
          reply_parameters: { message_id: 1 },
        },
        { encoding },
      );
      expect(response.body, encoding).toMatchObject({
        ok: true,
        result: {
          text: `via ${encoding}`,
          reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] },
        },
      });
    }
    expect(sim.control.violations()).toEqual([]);
  });

  it('rejects a missing chat_id, a malformed keyboard and oversized callback data with Telegram wording', async () => {
    expect((await callApi(sim, 'sendMessage', { text: 'x' })).body.description).toBe(
      'Bad Request: chat_id is empty',
    );
    const fan = sim.control.createUser({ first_name: 'K' });
    sim.control.fanSendsText(fan.id, '/start');
    const noAction = await callApi(sim, 'sendMessage', {
      chat_id: fan.id,
      text: 'x',
      reply_markup: { inline_keyboard: [[{ text: 'Plain' }]] },
    });
    expect(noAction.body.description).toBe(
      "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    );
    const rows = await callApi(sim, 'sendMessage', {
      chat_id: fan.id,
      text: 'x',
      reply_markup: { inline_keyboard: [{ text: 'a' }] },
    });
    expect(rows.body.description).toBe(
      'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays',
    );
    const long = await callApi(sim, 'sendMessage', {
      chat_id: fan.id,
      text: 'x',
      reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: 'x'.repeat(65) }]] },
    });
    expect(long.body.description).toBe('Bad Request: BUTTON_DATA_INVALID');
    const tooLong = await callApi(sim, 'sendMessage', { chat_id: fan.id, text: 'x'.repeat(4097) });
    expect(tooLong.body.description).toBe('Bad Request: message is too long');
    expect(sim.control.violations()).toHaveLength(5);
  });

  it('enforces chat access: never started, blocked, topics and rights', async () => {
    const fan = sim.control.createUser({ first_name: 'Shy' });
    const never = await callApi(sim, 'sendMessage', { chat_id: fan.id, text: 'hi' });
    expect(never.body).toEqual({
      ok: false,
      error_code: 403,
      description: "Forbidden: bot can't initiate conversation with a user",
    });
    sim.control.fanSendsText(fan.id, '/start');
    sim.control.blockBot(fan.id);
    const blocked = await callApi(sim, 'sendMessage', { chat_id: fan.id, text: 'hi' });
    expect(blocked.body).toEqual({
      ok: false,
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    });

    const group = sim.control.createForumGroup({
      title: 'G',
      bot: { status: 'administrator', rights: { can_manage_topics: false } },
    });
    const noRights = await callApi(sim, 'createForumTopic', { chat_id: group.chatId, name: 'Fan' });
    expect(noRights.body).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: not enough rights to create a topic in the chat',
    });
    const member = await callApi(sim, 'getChatMember', { chat_id: group.chatId, user_id: 123456 });
    expect(member.body.result).toMatchObject({ status: 'administrator', can_manage_topics: false });
    const general = await callApi(sim, 'sendMessage', {
      chat_id: group.chatId,
      message_thread_id: 1,
      text: 'x',
    });
    expect(general.body.description).toBe('Bad Request: message thread not found');
  });
});
