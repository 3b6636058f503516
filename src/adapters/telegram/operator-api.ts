/**
 * The few Bot API calls operator commands make (setup, set-webhooks, doctor): identity,
 * the admin group and the bot's rights in it, the webhook, and getUpdates to catch `/link`.
 * Plain fetch against TELEGRAM_API_ROOT; failures become PremiumbotErrors that name the fix.
 */
import { ErrorCodes, PremiumbotError } from '../../core/errors.js';

/** Every update kind the bot handles; set-webhooks and serve subscribe to exactly these. */
export const ALLOWED_UPDATES = [
  'message',
  'edited_message',
  'callback_query',
  'my_chat_member',
  // Members leaving the admin group lose their team role (features/team).
  'chat_member',
  'message_reaction',
  'pre_checkout_query',
  // A fan bought a locked item sent as paid media (Stars): recorded in their library.
  'purchased_paid_media',
] as const;

/** The webhook path served by `premiumbot serve`. */
export const TELEGRAM_WEBHOOK_PATH = '/telegram-webhook';

/** The webhook URL for a PUBLIC_URL. */
export function telegramWebhookUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${TELEGRAM_WEBHOOK_PATH}`;
}

export interface TgBotUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  username?: string;
  can_join_groups?: boolean;
  can_read_all_group_messages?: boolean;
}

export interface TgChat {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  title?: string;
  username?: string;
  is_forum?: boolean;
}

export interface TgChatMember {
  status: 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';
  user: { id: number; is_bot: boolean; first_name: string; username?: string };
  can_manage_topics?: boolean;
  can_delete_messages?: boolean;
  can_pin_messages?: boolean;
}

export interface TgWebhookInfo {
  url: string;
  has_custom_certificate: boolean;
  pending_update_count: number;
  last_error_date?: number;
  last_error_message?: string;
  max_connections?: number;
  allowed_updates?: string[];
  ip_address?: string;
}

export interface TgMessage {
  message_id: number;
  date: number;
  chat: TgChat;
  from?: { id: number; is_bot: boolean; first_name: string; username?: string };
  text?: string;
  message_thread_id?: number;
}

export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  [kind: string]: unknown;
}

/** A Bot API error answer. */
export class TelegramApiError extends PremiumbotError {
  constructor(
    readonly method: string,
    readonly errorCode: number,
    readonly description: string,
  ) {
    super(ErrorCodes.telegram, `Telegram ${method} failed: ${errorCode} ${description}`, {
      hint: hintFor(errorCode, description),
      details: { method, errorCode },
    });
    this.name = 'TelegramApiError';
  }
}

function hintFor(code: number, description: string): string {
  if (code === 401 || code === 404) {
    return 'Telegram does not know this token: copy BOT_TOKEN again from @BotFather (/mybots → API Token).';
  }
  if (code === 409) {
    return /webhook/i.test(description)
      ? 'A webhook is set: `premiumbot setup admin-group` removes it while it waits, `premiumbot set-webhooks` sets it back.'
      : 'Another program is polling this bot (another `premiumbot serve --polling`?): stop it and retry.';
  }
  if (code === 403) return 'The bot was removed from that chat or blocked: add it again and retry.';
  if (code === 429) return 'Telegram rate-limited the bot: wait the time it asked and retry.';
  if (/chat not found/i.test(description)) {
    return 'The bot is not in that chat or the id is wrong: add the bot to the group and run `premiumbot setup admin-group`.';
  }
  return 'Check the values in .env and run `premiumbot doctor`.';
}

export interface OperatorApiOptions {
  token: string;
  /** TELEGRAM_API_ROOT, e.g. https://api.telegram.org or the simulator's URL. */
  apiRoot: string;
  /** Per-call timeout (long polls get their poll timeout on top). */
  timeoutMs?: number;
}

export interface OperatorApi {
  getMe(): Promise<TgBotUser>;
  getChat(chatId: number | string): Promise<TgChat>;
  getChatMember(chatId: number | string, userId: number): Promise<TgChatMember>;
  getWebhookInfo(): Promise<TgWebhookInfo>;
  setWebhook(params: {
    url: string;
    secret_token: string;
    allowed_updates: readonly string[];
    max_connections?: number;
    drop_pending_updates?: boolean;
  }): Promise<true>;
  deleteWebhook(params?: { drop_pending_updates?: boolean }): Promise<true>;
  getUpdates(params: {
    offset?: number;
    timeout?: number;
    limit?: number;
    allowed_updates?: readonly string[];
    signal?: AbortSignal;
  }): Promise<TgUpdate[]>;
  sendMessage(params: {
    chat_id: number;
    text: string;
    message_thread_id?: number;
  }): Promise<TgMessage>;
  /** A chat action (a few seconds of "typing…", no message): probes that a private chat is open. */
  sendChatAction(params: { chat_id: number; action: 'typing' }): Promise<true>;
  /** The bot's Telegram Stars balance (whole Stars). */
  getMyStarBalance(): Promise<{ amount: number }>;
}

/** Builds the operator client (no call is made until a method runs). */
export function createOperatorApi(options: OperatorApiOptions): OperatorApi {
  const root = options.apiRoot.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function call<T>(
    method: string,
    params: Record<string, unknown> = {},
    extra?: { pollSeconds?: number; signal?: AbortSignal },
  ): Promise<T> {
    const timeout = AbortSignal.timeout(timeoutMs + (extra?.pollSeconds ?? 0) * 1000);
    const signal = extra?.signal ? AbortSignal.any([timeout, extra.signal]) : timeout;
    let response: Response;
    try {
      response = await fetch(`${root}/bot${options.token}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params),
        signal,
      });
    } catch (cause) {
      if (extra?.signal?.aborted) throw cause;
      throw new PremiumbotError(
        ErrorCodes.telegram,
        `Telegram ${method}: no answer from ${root} (${(cause as Error).message})`,
        {
          hint: 'Check the network (and TELEGRAM_API_ROOT if you changed it), then retry.',
          cause,
        },
      );
    }
    let body: { ok?: boolean; result?: unknown; error_code?: number; description?: string };
    try {
      body = (await response.json()) as typeof body;
    } catch (cause) {
      throw new PremiumbotError(
        ErrorCodes.telegram,
        `Telegram ${method}: HTTP ${response.status} with a body that is not JSON`,
        {
          hint: 'Is TELEGRAM_API_ROOT pointing at the Bot API? The default is https://api.telegram.org.',
          cause,
        },
      );
    }
    if (!body.ok)
      throw new TelegramApiError(
        method,
        body.error_code ?? response.status,
        body.description ?? 'unknown error',
      );
    return body.result as T;
  }

  return {
    getMe: () => call('getMe'),
    getChat: (chatId) => call('getChat', { chat_id: chatId }),
    getChatMember: (chatId, userId) => call('getChatMember', { chat_id: chatId, user_id: userId }),
    getWebhookInfo: () => call('getWebhookInfo'),
    getMyStarBalance: () => call('getMyStarBalance'),
    setWebhook: (params) =>
      call('setWebhook', { ...params, allowed_updates: [...params.allowed_updates] }),
    deleteWebhook: (params = {}) => call('deleteWebhook', params),
    getUpdates: ({ signal, ...params }) =>
      call(
        'getUpdates',
        {
          ...params,
          ...(params.allowed_updates ? { allowed_updates: [...params.allowed_updates] } : {}),
        },
        {
          pollSeconds: params.timeout ?? 0,
          signal,
        },
      ),
    sendMessage: (params) => call('sendMessage', params),
    sendChatAction: (params) => call('sendChatAction', params),
  };
}
