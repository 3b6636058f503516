/**
 * createTelegramSimulator: builds (does not start) a Bot API server with its world, limits,
 * faults, update delivery and control API. `listen()` starts it on 127.0.0.1.
 *
 * Routes (served by server.ts):
 *   /bot<token>/<method>        the Bot API (GET or POST; JSON, urlencoded or multipart)
 *   /file/bot<token>/<path>     file downloads (what getFile's file_path points to)
 *   /_sim/<operation>           the control API (JSON, CORS-enabled)
 */
import { silentLogger, type Logger } from '../../core/logger.js';
import { BotApi } from './api/index.js';
import { TelegramControl } from './control.js';
import { Engine, type CallOutcome, type Violation } from './engine.js';
import { Faults } from './faults.js';
import { SEND_LIKE } from './methods.js';
import { RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { createRequestHandler, SimulatorServer } from './server.js';
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
  /** How long a pre-checkout query waits for its answer, in real seconds (Telegram: 10). */
  preCheckoutTimeoutSeconds?: number;
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

/** The options with their defaults applied, and the clocks derived from them. */
interface Settings {
  token: string;
  bot: TgUser;
  clock: { now(): number };
  logger: Logger;
  maxBodyBytes: number;
  /** Simulated seconds since the simulator was built. */
  simNow: () => number;
  /** Real milliseconds for a span of simulated seconds. */
  scaleMs: (simSeconds: number) => number;
}

function resolveSettings(options: TelegramSimulatorOptions): Settings {
  const token = options.token ?? DEFAULT_BOT_TOKEN;
  const botId = Number(token.split(':')[0]);
  if (!Number.isSafeInteger(botId) || botId <= 0)
    throw new Error(`invalid bot token ${JSON.stringify(token)}`);
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error('timeScale must be > 0');
  const clock = options.clock ?? { now: () => Date.now() };
  const startedAt = clock.now();
  return {
    token,
    bot: {
      id: botId,
      is_bot: true,
      first_name: options.bot?.first_name ?? 'Premium Sim Bot',
      username: options.bot?.username ?? 'premiumbot_sim_bot',
      can_join_groups: options.bot?.can_join_groups ?? true,
      can_read_all_group_messages: options.bot?.can_read_all_group_messages ?? false,
      supports_inline_queries: options.bot?.supports_inline_queries ?? false,
    },
    clock,
    logger: options.logger ?? silentLogger,
    maxBodyBytes: options.maxBodyBytes ?? 50 * 1024 * 1024,
    simNow: () => (clock.now() - startedAt) / timeScale,
    scaleMs: (simSeconds: number) => simSeconds * 1000 * timeScale,
  };
}

/** Listeners told about every change of the world (control.waitFor). */
function changeListeners() {
  const listeners = new Set<() => void>();
  return {
    notify: () => {
      for (const listener of [...listeners]) listener();
    },
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** A Bot API call made from inside the process (scripts, webhook replies). */
const callInProcess = (
  engine: Engine,
  token: string,
  method: string,
  params: Record<string, unknown>,
  via: 'http' | 'webhook_reply',
): Promise<CallOutcome> =>
  engine.call({
    token,
    method,
    fields: params,
    files: new Map(),
    signal: new AbortController().signal,
    via,
  });

interface Parts {
  world: World;
  hub: UpdateHub;
  limiter: RateLimiter;
  faults: Faults;
  api: BotApi;
  engine: Engine;
}

/** The world, update hub, limits, faults, method table and engine, wired to each other. */
function buildParts(
  options: TelegramSimulatorOptions,
  settings: Settings,
  notify: () => void,
): Parts {
  const { token, clock } = settings;
  const world = new World({ bot: settings.bot, now: () => clock.now() });
  // The hub needs the engine (webhook replies) and the engine needs the hub (via the API).
  const engineRef: { current?: Engine } = {};
  const hub = new UpdateHub({
    scaleMs: settings.scaleMs,
    now: () => clock.now(),
    firstUpdateId: options.firstUpdateId ?? 100_000_001,
    webhookRetryBaseSeconds: options.webhook?.retryBaseSeconds ?? 1,
    webhookRetryMaxSeconds: options.webhook?.retryMaxSeconds ?? 60,
    webhookTimeoutSeconds: options.webhook?.timeoutSeconds ?? 60,
    logger: settings.logger,
    executeWebhookReply: async (method, params) => {
      if (engineRef.current)
        await callInProcess(engineRef.current, token, method, params, 'webhook_reply');
    },
    onChange: notify,
  });
  const limiter = new RateLimiter(
    options.rateLimits === false ? { enabled: false } : (options.rateLimits ?? {}),
    settings.simNow,
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
    preCheckoutTimeoutSeconds: options.preCheckoutTimeoutSeconds ?? 10,
  });
  const engine = new Engine({ token, api, faults, now: () => clock.now(), onChange: notify });
  engineRef.current = engine;
  return { world, hub, limiter, faults, api, engine };
}

/** Forgets every user but the bot, every chat, file, query, payment, call and fault. */
function resetParts({ world, hub, limiter, faults, engine }: Parts): void {
  hub.reset();
  limiter.reset();
  faults.clear();
  engine.calls.length = 0;
  engine.violations.length = 0;
  for (const id of [...world.users.keys()]) if (id !== world.bot.id) world.users.delete(id);
  world.chats.clear();
  world.files.clear();
  world.callbackQueries.clear();
  world.preCheckoutQueries.clear();
  world.payments.length = 0;
  world.commands.clear();
}

const open = new Set<TelegramSimulator>();
const closedUnseen: Violation[] = [];

/**
 * Simulators not closed yet in this process, and the unseen violations of those already closed
 * (taken once): what a test runner checks after each test.
 */
export function simulatorWatch(): { open: TelegramSimulator[]; takeClosedUnseen(): Violation[] } {
  return {
    open: [...open],
    takeClosedUnseen: () => closedUnseen.splice(0),
  };
}

/** Builds a Telegram Bot API simulator (does not listen). */
export function createTelegramSimulator(options: TelegramSimulatorOptions = {}): TelegramSimulator {
  const settings = resolveSettings(options);
  const { token, clock } = settings;
  const { notify, subscribe } = changeListeners();
  const parts = buildParts(options, settings, notify);
  const { hub, engine } = parts;
  const control = new TelegramControl({
    ...parts,
    now: () => clock.now(),
    subscribe,
    resetAll: () => {
      resetParts(parts);
      notify();
    },
  });
  const server = new SimulatorServer(
    createRequestHandler({
      token,
      world: parts.world,
      engine,
      control,
      maxBodyBytes: settings.maxBodyBytes,
    }),
    settings.logger,
  );
  const simulator: TelegramSimulator = {
    token,
    control,
    get apiRoot() {
      return server.apiRoot;
    },
    listen: (port, host) => server.listen(port, host),
    async close() {
      if (open.delete(simulator)) closedUnseen.push(...control.unseenViolations());
      hub.close();
      await server.close();
    },
    callApi: (method, params = {}) => callInProcess(engine, token, method, params, 'http'),
  };
  open.add(simulator);
  return simulator;
}
