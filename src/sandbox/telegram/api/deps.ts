/** What every Bot API method implementation receives: the simulator's parts and one call. */
import type { RateLimiter } from '../rate-limit.js';
import type { UpdateHub } from '../updates.js';
import type { UploadedFile } from '../validate.js';
import type { World } from '../world.js';

export interface CallInput {
  params: Record<string, unknown>;
  /** Multipart file parts by field name (for `attach://<name>`). */
  uploads: ReadonlyMap<string, UploadedFile>;
  /** Aborted when the client goes away (long polls stop waiting). */
  signal: AbortSignal;
}

export type MethodImpl = (input: CallInput) => unknown;

export interface ApiDeps {
  world: World;
  hub: UpdateHub;
  limiter: RateLimiter;
  /** Real epoch ms (callback query expiry is not time-scaled). */
  now: () => number;
  /** Webhook URLs must be https (real Telegram); off by default for local tests. */
  requireHttpsWebhook: boolean;
  /** Seconds a callback query stays answerable (simulated; Telegram: about 15 s; 0 = forever). */
  callbackQueryTtlSeconds: number;
  /** Real seconds a pre-checkout query waits for answerPreCheckoutQuery (Telegram: 10). */
  preCheckoutTimeoutSeconds: number;
}

/** One Bot API method: parameters are already validated and coerced against its declaration. */
export type ApiMethod = (deps: ApiDeps, input: CallInput) => unknown;

/** Method name (as declared in methods.ts) → implementation. */
export type MethodTable = Record<string, ApiMethod>;
