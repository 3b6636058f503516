/** Telegram's error envelope, thrown by method implementations and rendered by the server. */

export interface ResponseParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

export interface ErrorEnvelope {
  ok: false;
  error_code: number;
  description: string;
  parameters?: ResponseParameters;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
    /** A call Telegram rejects because it is malformed (logged in `violations`). */
    readonly violation = false,
  ) {
    super(description);
    this.name = 'ApiError';
  }

  envelope(): ErrorEnvelope {
    const body: ErrorEnvelope = { ok: false, error_code: this.code, description: this.description };
    if (this.parameters) body.parameters = this.parameters;
    return body;
  }
}

/** 400 "Bad Request: …" caused by the state of the world (chat not found, not modified…). */
export const badRequest = (what: string): ApiError => new ApiError(400, `Bad Request: ${what}`);

/** 400 "Bad Request: …" caused by a malformed call; recorded as a violation. */
export const invalid = (what: string): ApiError =>
  new ApiError(400, `Bad Request: ${what}`, undefined, true);

export const forbidden = (what: string): ApiError => new ApiError(403, `Forbidden: ${what}`);

export const tooManyRequests = (retryAfter: number): ApiError =>
  new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });

export const notFound = (): ApiError => new ApiError(404, 'Not Found', undefined, true);

export const unauthorized = (): ApiError => new ApiError(401, 'Unauthorized', undefined, true);
