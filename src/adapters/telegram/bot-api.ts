/**
 * The Bot API client the sender uses, with a request timeout, and every failure turned into
 * a `CallFailure` that says whether the call may have taken effect. A call without a file to
 * upload — nearly all of them — is one JSON POST on a keep-alive connection (`postJson`);
 * uploads go through telegraf's `Telegram` (multipart). Both fail the telegraf way
 * (`TelegramError` with the Bot API's error envelope), so callers see one kind of error.
 */
import http from 'node:http';
import https from 'node:https';
import { Telegram, TelegramError } from 'telegraf';
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
  const post = jsonPoster(apiRoot, options.token);
  return {
    telegram,
    async call<T>(
      method: string,
      params: Record<string, unknown>,
      callOptions: CallOptions = {},
    ): Promise<T> {
      const ms = callOptions.timeoutMs ?? timeoutMs;
      try {
        if (!hasUpload(params)) return (await post(method, params, ms, callOptions.signal)) as T;
        const timeout = AbortSignal.timeout(ms);
        const signal = callOptions.signal
          ? AbortSignal.any([timeout, callOptions.signal])
          : timeout;
        return (await telegram.callApi(method as 'getMe', params as never, {
          signal: signal as never,
        })) as T;
      } catch (err) {
        throw new BotApiError(method, classifyError(err), { cause: err });
      }
    },
  };
}

/**
 * Whether `params` carry a file to upload (an InputFile: `{ source }` or `{ url }`, alone or
 * as the `media` of an item), which needs multipart — the test telegraf applies.
 */
export function hasUpload(params: Record<string, unknown>): boolean {
  const isFile = (v: unknown): boolean =>
    typeof v === 'object' &&
    v !== null &&
    (Boolean((v as { source?: unknown }).source) || Boolean((v as { url?: unknown }).url));
  for (const [key, value] of Object.entries(params)) {
    if (key === 'link_preview_options' || typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      if (value.some((item) => isFile((item as { media?: unknown } | null)?.media))) return true;
    } else if (isFile(value) || isFile((value as { media?: unknown }).media)) {
      return true;
    }
  }
  return false;
}

/** Leaves out null and undefined fields, as telegraf's JSON body does. */
function withoutNulls(_key: string, value: unknown): unknown {
  return value === null ? undefined : value;
}

/** An error named as `classifyError` reads an aborted or timed-out call. */
function abortError(reason: string): Error {
  const err = new Error(`The operation was aborted (${reason})`);
  err.name = 'AbortError';
  return err;
}

/**
 * The JSON call: one POST on a keep-alive connection of the client's own agent, the answer
 * read whole and parsed — node's http client directly, without fetch's layers (issue 17: a
 * paid text costs a relay and a receipt call). `timeoutMs` bounds the whole call; an abort
 * of `signal` ends it too. The token never appears in an error (only the method does).
 */
function jsonPoster(apiRoot: string, token: string) {
  const root = new URL(apiRoot);
  const secure = root.protocol === 'https:';
  const transport = secure ? https : http;
  const agent = new transport.Agent({ keepAlive: true, keepAliveMsecs: 10_000 });
  const base = `${root.pathname}bot${token}/`;
  return (
    method: string,
    params: Record<string, unknown>,
    timeoutMs: number,
    signal?: AbortSignal,
  ) =>
    new Promise<unknown>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError('aborted'));
      const body = JSON.stringify(params, withoutNulls);
      const req = transport.request(
        {
          protocol: root.protocol,
          hostname: root.hostname,
          port: root.port,
          path: `${base}${method}`,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', fail);
          res.on('end', () => {
            done();
            const status = res.statusCode ?? 0;
            if (status >= 500) {
              reject(
                new TelegramError(
                  { error_code: status, description: res.statusMessage ?? 'Server error' },
                  { method, payload: params },
                ),
              );
              return;
            }
            let data: { ok?: unknown; result?: unknown; error_code?: unknown };
            try {
              data = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof data;
            } catch {
              reject(
                Object.assign(new Error(`${method}: the answer is not JSON`), {
                  type: 'invalid-json',
                }),
              );
              return;
            }
            if (data.ok === true) resolve(data.result);
            else reject(new TelegramError(data as never, { method, payload: params }));
          });
        },
      );
      const timer = setTimeout(() => req.destroy(abortError('timeout')), timeoutMs);
      const onAbort = () => req.destroy(abortError('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
      function fail(err: Error) {
        done();
        // Node's errors name the address, never the path; the message is kept as it is.
        reject(err);
      }
      req.on('error', fail);
      req.end(body);
    });
}

/** The numeric bot id (the part of the token before the colon). */
export function botIdOf(token: string): number {
  return Number(token.split(':')[0]);
}
