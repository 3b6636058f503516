/**
 * The Bot API client the sender uses: telegraf's `Telegram` (so multipart uploads and
 * the error envelope are handled the telegraf way) with a request timeout, and every
 * failure turned into a `CallFailure` that says whether the call may have taken effect.
 */
import { Telegram } from 'telegraf';
import type { CallFailure } from '../../core/traffic/delivery-policy.js';

/** What the rest of the adapter calls. */
export interface BotApi {
  call<T = unknown>(
    method: string,
    params: Record<string, unknown>,
    options?: CallOptions,
  ): Promise<T>;
}

export interface CallOptions {
  /** Aborts the call (shutdown); its outcome is then uncertain. */
  signal?: AbortSignal;
  /** Overrides the client's timeout (long polling). */
  timeoutMs?: number;
}

/** A failed Bot API call; `failure` drives the delivery policy. */
export class BotApiError extends Error {
  constructor(
    readonly method: string,
    readonly failure: CallFailure,
    options?: { cause?: unknown },
  ) {
    super(
      failure.type === 'api'
        ? `${method}: Telegram ${failure.code} ${failure.description}`
        : `${method}: network error (${failure.reason}, ${failure.sent === 'no' ? 'not sent' : 'maybe sent'})`,
      options,
    );
    this.name = 'BotApiError';
  }
}

export interface BotApiOptions {
  token: string;
  apiRoot: string;
  /** Abort a call that has not answered after this long (its outcome is then uncertain). */
  timeoutMs?: number;
}

/** Errors raised before any byte reached Telegram: retrying them cannot duplicate anything. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_INVALID_URL',
]);

/** Turns whatever telegraf/node-fetch threw into a CallFailure. */
export function classifyError(err: unknown): CallFailure {
  const e = err as {
    response?: {
      error_code?: number;
      description?: string;
      parameters?: { retry_after?: number; migrate_to_chat_id?: number };
    };
    code?: unknown;
    errno?: unknown;
    type?: unknown;
    name?: unknown;
    message?: unknown;
  };
  if (e && typeof e === 'object' && e.response && typeof e.response.error_code === 'number') {
    const failure: CallFailure = {
      type: 'api',
      code: e.response.error_code,
      description: String(e.response.description ?? ''),
    };
    if (typeof e.response.parameters?.retry_after === 'number')
      failure.retryAfterSeconds = e.response.parameters.retry_after;
    if (typeof e.response.parameters?.migrate_to_chat_id === 'number') {
      failure.migrateToChatId = e.response.parameters.migrate_to_chat_id;
    }
    return failure;
  }
  const code =
    typeof e?.code === 'string' ? e.code : typeof e?.errno === 'string' ? e.errno : undefined;
  if (code && NOT_SENT_CODES.has(code)) return { type: 'network', sent: 'no', reason: code };
  if (e?.name === 'AbortError') return { type: 'network', sent: 'maybe', reason: 'timeout' };
  return {
    type: 'network',
    sent: 'maybe',
    reason: code ?? (typeof e?.type === 'string' ? e.type : 'unknown'),
  };
}

/** Builds the Bot API client (never calls anything until asked). */
export function createBotApi(options: BotApiOptions): BotApi & { telegram: Telegram } {
  const apiRoot = options.apiRoot.endsWith('/') ? options.apiRoot : `${options.apiRoot}/`;
  const telegram = new Telegram(options.token, { apiRoot, webhookReply: false });
  const timeoutMs = options.timeoutMs ?? 15_000;
  return {
    telegram,
    async call<T>(
      method: string,
      params: Record<string, unknown>,
      callOptions: CallOptions = {},
    ): Promise<T> {
      const timeout = AbortSignal.timeout(callOptions.timeoutMs ?? timeoutMs);
      const signal = callOptions.signal ? AbortSignal.any([timeout, callOptions.signal]) : timeout;
      try {
        return (await telegram.callApi(method as 'getMe', params as never, {
          signal: signal as never,
        })) as T;
      } catch (err) {
        throw new BotApiError(method, classifyError(err), { cause: err });
      }
    },
  };
}

/** The numeric bot id (the part of the token before the colon). */
export function botIdOf(token: string): number {
  return Number(token.split(':')[0]);
}
