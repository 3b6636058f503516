/**
 * createTelegramSimulator: builds (does not start) a Bot API server with its world, limits,
 * faults, update delivery and control API. `listen()` starts it on 127.0.0.1.
 *
 * Routes:
 *   /bot<token>/<method>        the Bot API (GET or POST; JSON, urlencoded or multipart)
 *   /file/bot<token>/<path>     file downloads (what getFile's file_path points to)
 *   /_sim/<operation>           the control API (JSON, CORS-enabled)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { silentLogger, type Logger } from '../../core/logger.js';
import { BotApi } from './api.js';
import { BodyError, parseBody, parseQuery } from './body.js';
import { TelegramControl } from './control.js';
import { runControlOperation } from './control-http.js';
import { Engine, type CallOutcome } from './engine.js';
import { Faults } from './faults.js';
import { SEND_LIKE } from './methods.js';
import { RateLimiter, type RateLimitOptions } from './rate-limit.js';
import type { TgUser } from './types.js';
import { UpdateHub } from './updates.js';
import { World } from './world.js';

export const DEFAULT_BOT_TOKEN = '123456:TEST-TOKEN';

export interface TelegramSimulatorOptions {
  /** The bot's token (default `123456:TEST-TOKEN`); the bot's id is the part before ':'. */
  token?: string;
  /** The bot's identity as getMe returns it. */
  bot?: {
    first_name?: string;
    username?: string;
    can_join_groups?: boolean;
    /** Privacy mode off: the bot sees every group message even when not admin. */
    can_read_all_group_messages?: boolean;
    supports_inline_queries?: boolean;
  };
  /**
   * Real seconds per simulated second (default 1). Flood windows, retry_after waits, long-poll
   * timeouts and webhook retry backoff all run in simulated time: with 0.01 a 60 s window lasts
   * 0.6 real seconds, while retry_after is still reported in simulated seconds.
   */
  timeScale?: number;
  /** Flood limits (DESIGN §6), or false to disable them. */
  rateLimits?: RateLimitOptions | false;
  /** Source of real time (epoch ms); tests may pass a fake clock. */
  clock?: { now(): number };
  /** The first update_id (default 100 000 001). */
  firstUpdateId?: number;
  webhook?: {
    /** First retry delay after a failed delivery, simulated seconds (default 1; doubles up to max). */
    retryBaseSeconds?: number;
    retryMaxSeconds?: number;
    /** How long a delivery may take, simulated seconds (default 60). */
    timeoutSeconds?: number;
    /** Reject non-https webhook URLs, like Telegram (default false: tests use http://127.0.0.1). */
    requireHttps?: boolean;
  };
  /** How long a callback query can be answered, in real (unscaled) seconds; 0 = forever. Default 15. */
  callbackQueryTtlSeconds?: number;
  /** Largest accepted request body (default 50 MB, Telegram's upload limit). */
  maxBodyBytes?: number;
  logger?: Logger;
}

export interface TelegramSimulator {
  /** Starts the HTTP server; port 0 picks a free port. */
  listen(port?: number, host?: string): Promise<{ url: string }>;
  close(): Promise<void>;
  /** Base URL for telegraf's `telegram.apiRoot` / TELEGRAM_API_ROOT (set after listen). */
  readonly apiRoot: string;
  readonly token: string;
  readonly control: TelegramControl;
  /** Runs one Bot API call in-process (same pipeline as HTTP; handy for scripts). */
  callApi(method: string, params?: Record<string, unknown>): Promise<CallOutcome>;
}

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type, x-telegram-bot-api-secret-token',
  'access-control-max-age': '600',
};

/** Builds a Telegram Bot API simulator (does not listen). */
export function createTelegramSimulator(options: TelegramSimulatorOptions = {}): TelegramSimulator {
  const token = options.token ?? DEFAULT_BOT_TOKEN;
  const botId = Number(token.split(':')[0]);
  if (!Number.isSafeInteger(botId) || botId <= 0)
    throw new Error(`invalid bot token ${JSON.stringify(token)}`);
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error('timeScale must be > 0');
  const clock = options.clock ?? { now: () => Date.now() };
  const logger = options.logger ?? silentLogger;
  const maxBodyBytes = options.maxBodyBytes ?? 50 * 1024 * 1024;
  const startedAt = clock.now();
  const simNow = () => (clock.now() - startedAt) / timeScale;
  const scaleMs = (simSeconds: number) => simSeconds * 1000 * timeScale;

  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };

  const bot: TgUser = {
    id: botId,
    is_bot: true,
    first_name: options.bot?.first_name ?? 'Premium Sim Bot',
    username: options.bot?.username ?? 'premiumbot_sim_bot',
    can_join_groups: options.bot?.can_join_groups ?? true,
    can_read_all_group_messages: options.bot?.can_read_all_group_messages ?? false,
    supports_inline_queries: options.bot?.supports_inline_queries ?? false,
  };
  const world = new World({ bot, now: () => clock.now() });
  // The hub needs the engine (webhook replies) and the engine needs the hub (via the API).
  const engineRef: { current?: Engine } = {};
  const hub = new UpdateHub({
    scaleMs,
    now: () => clock.now(),
    firstUpdateId: options.firstUpdateId ?? 100_000_001,
    webhookRetryBaseSeconds: options.webhook?.retryBaseSeconds ?? 1,
    webhookRetryMaxSeconds: options.webhook?.retryMaxSeconds ?? 60,
    webhookTimeoutSeconds: options.webhook?.timeoutSeconds ?? 60,
    logger,
    executeWebhookReply: async (method, params) => {
      await engineRef.current?.call({
        token,
        method,
        fields: params,
        files: new Map(),
        signal: new AbortController().signal,
        via: 'webhook_reply',
      });
    },
    onChange: notify,
  });
  const limiter = new RateLimiter(
    options.rateLimits === false ? { enabled: false } : (options.rateLimits ?? {}),
    simNow,
  );
  const faults = new Faults([...SEND_LIKE]);
  const api = new BotApi({
    world,
    hub,
    limiter,
    // Callback query expiry runs on the real clock so that time scaling can't expire answers.
    now: () => clock.now(),
    requireHttpsWebhook: options.webhook?.requireHttps ?? false,
    callbackQueryTtlSeconds: options.callbackQueryTtlSeconds ?? 15,
  });
  const engine = new Engine({ token, api, faults, now: () => clock.now(), onChange: notify });
  engineRef.current = engine;

  const resetAll = () => {
    hub.reset();
    limiter.reset();
    faults.clear();
    engine.calls.length = 0;
    engine.violations.length = 0;
    for (const id of [...world.users.keys()]) if (id !== bot.id) world.users.delete(id);
    world.chats.clear();
    world.files.clear();
    world.callbackQueries.clear();
    world.preCheckoutQueries.clear();
    world.payments.length = 0;
    world.commands.clear();
    notify();
  };

  const control = new TelegramControl({
    world,
    api,
    hub,
    engine,
    faults,
    limiter,
    now: () => clock.now(),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    resetAll,
  });

  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let apiRoot = '';

  const send = (res: ServerResponse, status: number, body: unknown) => {
    if (res.destroyed || res.headersSent) return;
    const json = JSON.stringify(body);
    res.writeHead(status, {
      ...CORS_HEADERS,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
    });
    res.end(json);
  };

  const readBody = (req: IncomingMessage): Promise<Buffer | undefined> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBodyBytes) tooLarge = true;
        else chunks.push(chunk);
      });
      req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
      req.on('error', reject);
    });

  const handleApi = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    botToken: string,
    method: string,
  ) => {
    const body = await readBody(req);
    if (body === undefined) {
      send(res, 413, { ok: false, error_code: 413, description: 'Request Entity Too Large' });
      return;
    }
    let fields: Record<string, unknown>;
    let files;
    try {
      const parsed = parseBody(req.headers['content-type'], body);
      fields = { ...parseQuery(url.search.slice(1)), ...parsed.fields };
      files = parsed.files;
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      send(res, 400, { ok: false, error_code: 400, description: `Bad Request: ${error.message}` });
      return;
    }
    const aborted = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborted.abort();
    });
    const outcome = await engine.call({
      token: botToken,
      method: decodeURIComponent(method),
      fields,
      files,
      signal: aborted.signal,
      via: 'http',
    });
    switch (outcome.kind) {
      case 'ok':
        send(res, 200, { ok: true, result: outcome.result });
        return;
      case 'error':
        send(res, outcome.error.error_code, outcome.error);
        return;
      case 'response_lost':
        req.socket.destroy();
        return;
      case 'timeout': {
        const timer = setTimeout(() => req.socket.destroy(), outcome.holdMs);
        res.on('close', () => clearTimeout(timer));
        return;
      }
    }
  };

  const handleFile = (res: ServerResponse, botToken: string, filePath: string) => {
    if (botToken !== token) {
      send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      return;
    }
    const file = [...world.files.values()].find((f) => f.file_path === filePath);
    if (!file) {
      send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    res.writeHead(200, {
      ...CORS_HEADERS,
      'content-type': file.mime_type ?? 'application/octet-stream',
      'content-length': file.data.length,
    });
    res.end(file.data);
  };

  const handleControl = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    name: string,
  ) => {
    let body: unknown;
    if (req.method === 'POST') {
      const raw = await readBody(req);
      if (raw === undefined) {
        send(res, 413, { ok: false, error: 'body too large' });
        return;
      }
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          send(res, 400, { ok: false, error: 'the body must be JSON' });
          return;
        }
      }
    }
    const response = runControlOperation(
      control,
      req.method ?? 'GET',
      name,
      url.searchParams,
      body,
    );
    send(res, response.status, response.body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS);
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://simulator.local');
    const path = url.pathname;
    const apiMatch = /^\/bot([^/]*)\/([^/]*)$/.exec(path);
    if (apiMatch)
      return handleApi(
        req,
        res,
        url,
        decodeURIComponent(apiMatch[1] as string),
        apiMatch[2] as string,
      );
    const fileMatch = /^\/file\/bot([^/]*)\/(.+)$/.exec(path);
    if (fileMatch)
      return handleFile(res, decodeURIComponent(fileMatch[1] as string), fileMatch[2] as string);
    const controlMatch = /^\/_sim\/?(.*)$/.exec(path);
    if (controlMatch) return handleControl(req, res, url, controlMatch[1] as string);
    send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
  };

  return {
    token,
    control,
    get apiRoot() {
      return apiRoot;
    },
    async listen(port = 0, host = '127.0.0.1') {
      if (server) throw new Error('the simulator is already listening');
      const created = createServer((req, res) => {
        handle(req, res).catch((error: unknown) => {
          logger.error({ err: error }, 'telegram simulator: unexpected error');
          send(res, 500, { ok: false, error_code: 500, description: 'Internal Server Error' });
        });
      });
      created.keepAliveTimeout = 5_000;
      created.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve, reject) => {
        created.once('error', reject);
        created.listen(port, host, () => resolve());
      });
      server = created;
      const address = created.address() as AddressInfo;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      apiRoot = `http://${shownHost}:${address.port}`;
      return { url: apiRoot };
    },
    async close() {
      hub.close();
      const current = server;
      server = undefined;
      if (!current) return;
      await new Promise<void>((resolve) => {
        current.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
    callApi(method, params = {}) {
      return engine.call({
        token,
        method,
        fields: params,
        files: new Map(),
        signal: new AbortController().signal,
        via: 'http',
      });
    },
  };
}
