/**
 * The control API over HTTP: `POST /_sim/<operation>` with a JSON object of named arguments
 * (reads also answer `GET /_sim/<operation>?name=value`). Answers `{ok:true,result}` or
 * `{ok:false,error}`. The operation names are those of TelegramControl.
 */
import { z } from 'zod';
import { describeArgs } from '../describe-args.js';
import type { ContentInput, TelegramControl } from './control.js';
import type { FaultRuleInput, RandomFaultsInput } from './faults.js';
import type { AdminRights } from './types.js';

const int = z.number().int();
const text = z.union([z.string(), z.number()]).transform(String);
const rights = z.record(z.string(), z.boolean()).optional();
// Media may carry its bytes as `dataBase64` (the sandbox page sends its sample images so).
const content = z.union([
  text,
  z
    .looseObject({ kind: z.string(), dataBase64: z.string().optional() })
    .transform(({ dataBase64, ...rest }) =>
      dataBase64 === undefined ? rest : { ...rest, data: Buffer.from(dataBase64, 'base64') },
    ),
]);
const emoji = z.union([z.string(), z.array(z.string()), z.null()]);

interface Operation {
  read: boolean;
  schema: z.ZodType;
  run: (control: TelegramControl, args: never) => unknown;
}

const op = <S extends z.ZodType>(
  read: boolean,
  schema: S,
  run: (control: TelegramControl, args: z.output<S>) => unknown,
): Operation => ({ read, schema, run: run as Operation['run'] });

const none = z.object({});
const byChat = z.object({ chatId: int });
const byUser = z.object({ userId: int });
const forwardFrom = z
  .union([
    z.object({ userId: int }),
    z.object({ hiddenName: z.string() }),
    z.object({ chatId: int }),
  ])
  .optional();
const albumItems = z.array(
  z
    .object({
      kind: z.enum(['photo', 'video', 'document', 'audio']),
      caption: text.optional(),
      dataBase64: z.string().optional(),
      width: int.optional(),
      height: int.optional(),
    })
    .transform(({ dataBase64, ...rest }) =>
      dataBase64 === undefined ? rest : { ...rest, data: Buffer.from(dataBase64, 'base64') },
    ),
);
const fanMedia = z.object({ userId: int, caption: text.optional(), duration: int.optional() });

export const CONTROL_OPERATIONS: Record<string, Operation> = {
  // reads
  bot: op(true, none, (c) => c.bot()),
  users: op(true, none, (c) => c.users()),
  chat: op(true, byChat, (c, a) => c.chat(a.chatId)),
  topics: op(true, byChat, (c, a) => c.topics(a.chatId)),
  messages: op(
    true,
    z.object({ chatId: int, threadId: int.optional(), includeDeleted: z.boolean().optional() }),
    (c, a) => c.messages(a.chatId, { threadId: a.threadId, includeDeleted: a.includeDeleted }),
  ),
  message: op(true, z.object({ chatId: int, messageId: int }), (c, a) =>
    c.message(a.chatId, a.messageId),
  ),
  calls: op(true, z.object({ method: z.string().optional() }), (c, a) =>
    c.calls({ method: a.method }),
  ),
  violations: op(true, none, (c) => c.violations()),
  updates: op(true, none, (c) => c.updates()),
  webhookDeliveries: op(true, none, (c) => c.webhookDeliveries()),
  callbackQuery: op(true, z.object({ id: text }), (c, a) => c.callbackQuery(a.id)),
  preCheckoutQuery: op(true, z.object({ id: text }), (c, a) => c.preCheckoutQuery(a.id)),
  payments: op(true, none, (c) => c.payments()),
  // world setup
  reset: op(false, none, (c) => c.reset()),
  createUser: op(
    false,
    z.object({
      first_name: text,
      last_name: text.optional(),
      username: z.string().optional(),
      language_code: z.string().optional(),
      is_premium: z.boolean().optional(),
      id: int.optional(),
    }),
    (c, a) => c.createUser(a),
  ),
  createForumGroup: op(
    false,
    z.object({
      title: text,
      username: z.string().optional(),
      id: int.optional(),
      isForum: z.boolean().optional(),
      ownerId: int.optional(),
      admins: z
        .array(
          z.union([int, z.object({ userId: int, rights, customTitle: z.string().optional() })]),
        )
        .optional(),
      bot: z
        .object({ status: z.enum(['administrator', 'member', 'left']).optional(), rights })
        .optional(),
      members: z.array(int).optional(),
    }),
    (c, a) => c.createForumGroup(a as Parameters<TelegramControl['createForumGroup']>[0]),
  ),
  setBotMembership: op(
    false,
    z.object({
      chatId: int,
      status: z.enum(['administrator', 'member', 'restricted', 'left', 'kicked']),
      rights,
      byUserId: int.optional(),
    }),
    (c, a) =>
      c.setBotMembership(
        a.chatId,
        { status: a.status, rights: a.rights as AdminRights | undefined },
        a.byUserId,
      ),
  ),
  createTopic: op(
    false,
    z.object({ chatId: int, name: text, byUserId: int.optional(), iconColor: int.optional() }),
    (c, a) => c.createTopic(a.chatId, a.name, { byUserId: a.byUserId, iconColor: a.iconColor }),
  ),
  deleteTopic: op(false, z.object({ chatId: int, threadId: int }), (c, a) =>
    c.deleteTopic(a.chatId, a.threadId),
  ),
  startedEarlier: op(false, byUser, (c, a) => c.startedEarlier(a.userId)),
  blockBot: op(false, byUser, (c, a) => c.blockBot(a.userId)),
  unblockBot: op(false, byUser, (c, a) => c.unblockBot(a.userId)),
  // acting as a fan
  fanSends: op(
    false,
    z.object({ userId: int, content, replyTo: int.optional(), forwardFrom }),
    (c, a) =>
      c.fanSends(a.userId, a.content as ContentInput, {
        replyTo: a.replyTo,
        forwardFrom: a.forwardFrom,
      }),
  ),
  fanSendsText: op(
    false,
    z.object({ userId: int, text, replyTo: int.optional(), forwardFrom }),
    (c, a) => c.fanSendsText(a.userId, a.text, { replyTo: a.replyTo, forwardFrom: a.forwardFrom }),
  ),
  fanSendsFields: op(
    false,
    z.object({ userId: int, fields: z.record(z.string(), z.unknown()), replyTo: int.optional() }),
    (c, a) => c.fanSendsFields(a.userId, a.fields, { replyTo: a.replyTo }),
  ),
  fanSendsDice: op(false, z.object({ userId: int, emoji: z.string().optional() }), (c, a) =>
    c.fanSendsDice(a.userId, a.emoji),
  ),
  fanSendsPoll: op(
    false,
    z.object({ userId: int, question: text, options: z.array(text) }),
    (c, a) => c.fanSendsPoll(a.userId, a.question, a.options),
  ),
  fanSendsLiveLocation: op(
    false,
    z.object({
      userId: int,
      latitude: z.number(),
      longitude: z.number(),
      livePeriod: int.optional(),
    }),
    (c, a) =>
      c.fanSendsLiveLocation(a.userId, a.latitude, a.longitude, { livePeriod: a.livePeriod }),
  ),
  fanMovesLiveLocation: op(
    false,
    z.object({ userId: int, messageId: int, latitude: z.number(), longitude: z.number() }),
    (c, a) => c.fanMovesLiveLocation(a.userId, a.messageId, a.latitude, a.longitude),
  ),
  fanStopsLiveLocation: op(false, z.object({ userId: int, messageId: int }), (c, a) =>
    c.fanStopsLiveLocation(a.userId, a.messageId),
  ),
  renameUser: op(
    false,
    z.object({
      userId: int,
      first_name: text.optional(),
      last_name: z.union([text, z.null()]).optional(),
      username: z.union([text, z.null()]).optional(),
    }),
    (c, a) => {
      const { userId, ...input } = a;
      return c.renameUser(userId, input);
    },
  ),
  fanSendsPhoto: op(
    false,
    z.object({ userId: int, caption: text.optional(), fileId: z.string().optional() }),
    (c, a) => c.fanSendsPhoto(a.userId, { caption: a.caption, fileId: a.fileId }),
  ),
  fanSendsVoice: op(false, fanMedia, (c, a) =>
    c.fanSendsVoice(a.userId, { duration: a.duration, caption: a.caption }),
  ),
  fanSendsVideo: op(false, fanMedia, (c, a) =>
    c.fanSendsVideo(a.userId, { duration: a.duration, caption: a.caption }),
  ),
  fanSendsDocument: op(
    false,
    z.object({ userId: int, caption: text.optional(), fileName: z.string().optional() }),
    (c, a) => c.fanSendsDocument(a.userId, { caption: a.caption, fileName: a.fileName }),
  ),
  fanSendsSticker: op(false, z.object({ userId: int, emoji: z.string().optional() }), (c, a) =>
    c.fanSendsSticker(a.userId, { emoji: a.emoji }),
  ),
  fanSendsAudio: op(false, fanMedia, (c, a) => c.fanSendsAudio(a.userId, { caption: a.caption })),
  fanSendsAnimation: op(false, fanMedia, (c, a) =>
    c.fanSendsAnimation(a.userId, { caption: a.caption }),
  ),
  fanSendsVideoNote: op(false, fanMedia, (c, a) =>
    c.fanSendsVideoNote(a.userId, { duration: a.duration }),
  ),
  fanSendsLocation: op(
    false,
    z.object({ userId: int, latitude: z.number(), longitude: z.number() }),
    (c, a) => c.fanSendsLocation(a.userId, a.latitude, a.longitude),
  ),
  fanSendsContact: op(
    false,
    z.object({ userId: int, phone_number: text, first_name: text, last_name: text.optional() }),
    (c, a) =>
      c.fanSendsContact(a.userId, {
        phone_number: a.phone_number,
        first_name: a.first_name,
        last_name: a.last_name,
      }),
  ),
  fanSendsAlbum: op(false, z.object({ userId: int, items: albumItems }), (c, a) =>
    c.fanSendsAlbum(a.userId, a.items),
  ),
  fanEdits: op(false, z.object({ userId: int, messageId: int, text }), (c, a) =>
    c.fanEdits(a.userId, a.messageId, a.text),
  ),
  fanReacts: op(false, z.object({ userId: int, messageId: int, emoji }), (c, a) =>
    c.fanReacts(a.userId, a.messageId, a.emoji),
  ),
  reacts: op(false, z.object({ userId: int, chatId: int, messageId: int, emoji }), (c, a) =>
    c.reacts(a.userId, a.chatId, a.messageId, a.emoji),
  ),
  pressButton: op(
    false,
    z.object({ userId: int, chatId: int, messageId: int, callbackData: text }),
    (c, a) => c.pressButton(a.userId, a.chatId, a.messageId, a.callbackData),
  ),
  startPreCheckout: op(
    false,
    z.union([
      z.object({ userId: int, invoiceMessageId: int }),
      z.object({ userId: int, currency: z.string(), totalAmount: int, payload: text }),
    ]),
    (c, a) => {
      const { userId, ...input } = a;
      return c.startPreCheckout(userId, input);
    },
  ),
  fanOpensInvoiceLink: op(false, z.object({ userId: int, url: z.string() }), (c, a) =>
    c.fanOpensInvoiceLink(a.userId, a.url),
  ),
  renewSubscription: op(
    false,
    z.object({ userId: int, telegramChargeId: z.string(), fail: z.boolean().optional() }),
    (c, a) => c.renewSubscription(a.userId, a.telegramChargeId, { fail: a.fail }),
  ),
  fanCancelsSubscription: op(
    false,
    z.object({ userId: int, telegramChargeId: z.string() }),
    (c, a) => c.fanCancelsSubscription(a.userId, a.telegramChargeId),
  ),
  buyPaidMedia: op(false, z.object({ userId: int, messageId: int }), (c, a) =>
    c.buyPaidMedia(a.userId, a.messageId),
  ),
  // acting as an admin
  adminSendsInTopic: op(
    false,
    z.object({ adminId: int, chatId: int, threadId: int, content, replyTo: int.optional() }),
    (c, a) =>
      c.adminSendsInTopic(a.adminId, a.chatId, a.threadId, a.content as ContentInput, {
        replyTo: a.replyTo,
      }),
  ),
  adminSendsAlbumInTopic: op(
    false,
    z.object({ adminId: int, chatId: int, threadId: int, items: albumItems }),
    (c, a) => c.adminSendsAlbumInTopic(a.adminId, a.chatId, a.threadId, a.items),
  ),
  adminEdits: op(false, z.object({ adminId: int, chatId: int, messageId: int, text }), (c, a) =>
    c.adminEdits(a.adminId, a.chatId, a.messageId, a.text),
  ),
  adminEditsMedia: op(
    false,
    z.object({
      adminId: int,
      chatId: int,
      messageId: int,
      kind: z.enum(['photo', 'video', 'document', 'audio', 'animation']),
      caption: text.optional(),
    }),
    (c, a) =>
      c.adminEditsMedia(a.adminId, a.chatId, a.messageId, { kind: a.kind, caption: a.caption }),
  ),
  anonymousAdminSendsInTopic: op(
    false,
    z.object({ chatId: int, threadId: int, content, replyTo: int.optional() }),
    (c, a) =>
      c.anonymousAdminSendsInTopic(a.chatId, a.threadId, a.content as ContentInput, {
        replyTo: a.replyTo,
      }),
  ),
  adminSends: op(
    false,
    z.object({ adminId: int, chatId: int, content, replyTo: int.optional() }),
    (c, a) => c.adminSends(a.adminId, a.chatId, a.content as ContentInput, { replyTo: a.replyTo }),
  ),
  // faults and limits
  injectFault: op(
    false,
    z.object({
      fault: z.looseObject({
        type: z.enum(['rate_limit', 'server_error', 'response_lost', 'timeout', 'error']),
      }),
      count: int.optional(),
      methods: z.array(z.string()).optional(),
      chatId: z.union([int, z.string()]).optional(),
    }),
    (c, a) => c.injectFault(a as FaultRuleInput),
  ),
  setRandomFaults: op(
    false,
    z.union([
      z.null(),
      z.object({
        rate: z.number().min(0).max(1),
        seed: int.optional(),
        faults: z.array(z.enum(['rate_limit', 'server_error', 'response_lost'])).optional(),
        retryAfter: z.tuple([int, int]).optional(),
        methods: z.array(z.string()).optional(),
      }),
    ]),
    (c, a) => c.setRandomFaults(a as RandomFaultsInput | null),
  ),
  clearFaults: op(false, none, (c) => c.clearFaults()),
  floodWait: op(false, z.object({ chatId: int, seconds: int }), (c, a) =>
    c.floodWait(a.chatId, a.seconds),
  ),
};

/** Query-string values are strings: read numbers, booleans and JSON the way a page would mean them. */
function fromQuery(query: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of query) {
    if (/^-?\d+(\.\d+)?$/.test(value)) out[key] = Number(value);
    else if (value === 'true' || value === 'false') out[key] = value === 'true';
    else if (/^[[{]/.test(value)) {
      try {
        out[key] = JSON.parse(value) as unknown;
      } catch {
        out[key] = value;
      }
    } else out[key] = value;
  }
  return out;
}

export interface ControlResponse {
  status: number;
  body: { ok: true; result: unknown } | { ok: false; error: string; operations?: string[] };
}

/** Runs `/_sim/<name>`; `body` is the parsed JSON body (POST) or undefined. */
/** `GET /_sim/`: every operation, how to call it, its arguments and an example body. */
export function describeOperations(): {
  operations: string[];
  usage: Record<string, { call: string; args: string; example: unknown }>;
  other: Record<string, string>;
} {
  const usage: Record<string, { call: string; args: string; example: unknown }> = {};
  for (const [name, operation] of Object.entries(CONTROL_OPERATIONS)) {
    usage[name] = {
      call: operation.read ? `GET /_sim/${name}?… or POST` : `POST /_sim/${name}`,
      ...describeArgs(operation.schema),
    };
  }
  const other = {
    'GET /_sim/stream':
      'Server-sent events: a `change` event at once, then after every change of the world.',
    'GET /_sim/file/<file_id>': "A file's bytes by id (media may be sent with `dataBase64`).",
  };
  return { operations: Object.keys(CONTROL_OPERATIONS), usage, other };
}

export function runControlOperation(
  control: TelegramControl,
  httpMethod: string,
  name: string,
  query: URLSearchParams,
  body: unknown,
): ControlResponse {
  if (name === '') return { status: 200, body: { ok: true, result: describeOperations() } };
  const operation = CONTROL_OPERATIONS[name];
  if (!operation) {
    return {
      status: 404,
      body: {
        ok: false,
        error: `unknown control operation "${name}"`,
        operations: Object.keys(CONTROL_OPERATIONS),
      },
    };
  }
  if (!operation.read && httpMethod !== 'POST') {
    return { status: 405, body: { ok: false, error: `${name} changes the simulator: use POST` } };
  }
  const raw =
    name === 'setRandomFaults' && body === null
      ? null
      : { ...fromQuery(query), ...(body as object | undefined) };
  const parsed = operation.schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`,
    );
    return {
      status: 400,
      body: { ok: false, error: `invalid arguments for ${name}: ${problems.join('; ')}` },
    };
  }
  try {
    const result = operation.run(control, parsed.data as never);
    return { status: 200, body: { ok: true, result: result === undefined ? true : result } };
  } catch (error) {
    return { status: 400, body: { ok: false, error: (error as Error).message } };
  }
}
