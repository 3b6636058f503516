/**
 * Typed errors with stable codes. Every error the product raises on purpose is a
 * `PremiumbotError`; it is rendered in one place (src/cli/ui.ts) with its hint.
 */
export const ErrorCodes = {
  usage: 'PB_ERR_USAGE',
  config: 'PB_ERR_CONFIG',
  notImplemented: 'PB_ERR_NOT_IMPLEMENTED',
  databaseUrl: 'PB_ERR_DATABASE_URL',
  database: 'PB_ERR_DATABASE',
  migration: 'PB_ERR_MIGRATION',
  insufficientCredits: 'PB_ERR_INSUFFICIENT_CREDITS',
  invalidAmount: 'PB_ERR_INVALID_AMOUNT',
  unknownUser: 'PB_ERR_UNKNOWN_USER',
  idempotencyConflict: 'PB_ERR_IDEMPOTENCY_CONFLICT',
  invalidKey: 'PB_ERR_INVALID_IDEMPOTENCY_KEY',
  frozen: 'PB_ERR_ACCOUNT_FROZEN',
  noBankedTime: 'PB_ERR_NO_BANKED_TIME',
  setting: 'PB_ERR_SETTING',
  telegram: 'PB_ERR_TELEGRAM',
  stripe: 'PB_ERR_STRIPE',
  internal: 'PB_ERR_INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** How an error maps to a process exit code: usage/config problems are 2, failures are 1. */
export type ErrorKind = 'usage' | 'failure';

export interface PremiumbotErrorOptions {
  /** What the operator should do next ("check BOT_TOKEN", "run `premiumbot doctor`"). */
  hint?: string;
  /** `usage` → exit 2, `failure` → exit 1. */
  kind?: ErrorKind;
  cause?: unknown;
  /** Extra structured details, never secrets. */
  details?: Record<string, unknown>;
}

/** The base error of the product: a stable code, a message, an optional hint. */
export class PremiumbotError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly kind: ErrorKind;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: PremiumbotErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PremiumbotError';
    this.code = code;
    this.hint = options.hint;
    this.kind = options.kind ?? 'failure';
    this.details = options.details;
  }
}

/** A usage or configuration problem: exit code 2. */
export class UsageError extends PremiumbotError {
  constructor(
    message: string,
    options: Omit<PremiumbotErrorOptions, 'kind'> & { code?: ErrorCode } = {},
  ) {
    super(options.code ?? ErrorCodes.usage, message, { ...options, kind: 'usage' });
    this.name = 'UsageError';
  }
}

/** Configuration that is missing or invalid; lists every problem at once. */
export class ConfigError extends PremiumbotError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[], hint?: string) {
    super(
      ErrorCodes.config,
      problems.length === 1
        ? `Invalid configuration: ${problems[0]}`
        : `Invalid configuration (${problems.length} problems):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      { kind: 'usage', hint },
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** A spend that would take a balance below zero. */
export class InsufficientCreditsError extends PremiumbotError {
  constructor(
    readonly balance: number,
    readonly cost: number,
  ) {
    super(ErrorCodes.insufficientCredits, `Not enough credits: balance ${balance}, cost ${cost}`, {
      details: { balance, cost },
    });
    this.name = 'InsufficientCreditsError';
  }
}

/** True when `err` is a PremiumbotError with the given code. */
export function hasCode(err: unknown, code: ErrorCode): err is PremiumbotError {
  return err instanceof PremiumbotError && err.code === code;
}

/** An amount of credits or seconds that is not a positive safe integer (or is too large). */
export class InvalidAmountError extends PremiumbotError {
  constructor(what: string, value: unknown) {
    super(
      ErrorCodes.invalidAmount,
      `Invalid ${what}: ${String(value)} (expected a positive whole number)`,
      {
        details: { what, value: typeof value === 'number' ? value : String(value) },
      },
    );
    this.name = 'InvalidAmountError';
  }
}

/** A ledger operation for a fan who has no `users` row yet. */
export class UnknownFanError extends PremiumbotError {
  constructor(readonly fanId: number) {
    super(ErrorCodes.unknownUser, `Unknown fan ${fanId}`, {
      hint: 'Record the fan first (ensureUser) when their first update arrives.',
      details: { fanId },
    });
    this.name = 'UnknownFanError';
  }
}

/** An idempotency key reused for a different movement (other fan, kind or amount). */
export class IdempotencyConflictError extends PremiumbotError {
  constructor(
    readonly key: string,
    why: string,
  ) {
    super(ErrorCodes.idempotencyConflict, `Idempotency key "${key}" was already used ${why}`, {
      details: { key },
    });
    this.name = 'IdempotencyConflictError';
  }
}

/** The fan's account is frozen (open dispute): nothing can be spent until it closes. */
export class AccountFrozenError extends PremiumbotError {
  constructor(readonly fanId: number) {
    super(ErrorCodes.frozen, `Fan ${fanId} is frozen by an open dispute`, {
      details: { fanId },
    });
    this.name = 'AccountFrozenError';
  }
}

/** Starting a pass with no banked pass time. */
export class NoBankedTimeError extends PremiumbotError {
  constructor(readonly fanId: number) {
    super(ErrorCodes.noBankedTime, `Fan ${fanId} has no banked pass time to start`, {
      details: { fanId },
    });
    this.name = 'NoBankedTimeError';
  }
}

/** A runtime setting that is unknown or fails its validation; nothing was written. */
export class SettingError extends PremiumbotError {
  constructor(
    readonly key: string,
    problems: readonly string[],
  ) {
    super(ErrorCodes.setting, `Invalid value for setting "${key}": ${problems.join('; ')}`, {
      kind: 'usage',
      details: { key, problems },
    });
    this.name = 'SettingError';
  }
}
