/**
 * One Bot API call from token to envelope: token check, method lookup (case-insensitive),
 * parameter validation, fault injection, execution, and the call/violation logs.
 */
import {
  ApiError,
  notFound,
  tooManyRequests,
  unauthorized,
  type ErrorEnvelope,
} from './api-error.js';
import type { BotApi } from './api/index.js';
import type { Faults, FaultSpec } from './faults.js';
import { findMethod } from './methods.js';
import { ParamError, validateParams, type UploadedFile } from './validate.js';

export type CallOutcome =
  | { kind: 'ok'; result: unknown }
  | { kind: 'error'; error: ErrorEnvelope }
  | { kind: 'response_lost'; result?: unknown; error?: ErrorEnvelope }
  | { kind: 'timeout'; holdMs: number };

export interface CallRecord {
  seq: number;
  /** Real epoch ms when the call arrived. */
  time: number;
  /** Canonical method name (as requested when unknown). */
  method: string;
  /** Parameters as received (uploads summarised as `{ upload: filename, size }`). */
  params: Record<string, unknown>;
  via: 'http' | 'webhook_reply';
  outcome: CallOutcome['kind'];
  /** The result returned to the bot, for successful calls. */
  result?: unknown;
  error?: ErrorEnvelope;
  fault?: FaultSpec['type'];
  durationMs: number;
}

export interface Violation {
  time: number;
  method: string;
  params: Record<string, unknown>;
  description: string;
  error_code: number;
}

export interface EngineDeps {
  token: string;
  api: BotApi;
  faults: Faults;
  now: () => number;
  onChange: () => void;
}

export interface CallRequest {
  token: string;
  method: string;
  fields: Record<string, unknown>;
  files: ReadonlyMap<string, UploadedFile>;
  signal: AbortSignal;
  via: CallRecord['via'];
}

const TOKEN_FORMAT = /^\d+:[A-Za-z0-9_-]+$/;

function summarise(
  fields: Record<string, unknown>,
  files: ReadonlyMap<string, UploadedFile>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...fields };
  for (const [name, file] of files) out[name] = { upload: file.filename, size: file.data.length };
  return out;
}

export class Engine {
  readonly calls: CallRecord[] = [];
  readonly violations: Violation[] = [];
  private seq = 0;

  constructor(private readonly deps: EngineDeps) {}

  async call(request: CallRequest): Promise<CallOutcome> {
    const started = this.deps.now();
    const record: CallRecord = {
      seq: ++this.seq,
      time: started,
      method: request.method,
      params: summarise(request.fields, request.files),
      via: request.via,
      outcome: 'ok',
      durationMs: 0,
    };
    const outcome = await this.run(request, record);
    record.outcome = outcome.kind;
    if (outcome.kind === 'ok') record.result = outcome.result;
    if (outcome.kind === 'error') record.error = outcome.error;
    if (outcome.kind === 'response_lost') {
      if (outcome.result !== undefined) record.result = outcome.result;
      if (outcome.error) record.error = outcome.error;
    }
    record.durationMs = this.deps.now() - started;
    this.calls.push(record);
    this.deps.onChange();
    return outcome;
  }

  private async run(request: CallRequest, record: CallRecord): Promise<CallOutcome> {
    const fail = (error: ApiError): CallOutcome => {
      if (error.violation) {
        this.violations.push({
          time: record.time,
          method: record.method,
          params: record.params,
          description: error.description,
          error_code: error.code,
        });
      }
      return { kind: 'error', error: error.envelope() };
    };
    if (!TOKEN_FORMAT.test(request.token)) return fail(notFound());
    if (request.token !== this.deps.token) return fail(unauthorized());
    const decl = findMethod(request.method);
    if (!decl) return fail(notFound());
    record.method = decl.name;

    // telegraf repeats the method name as a `method` field in multipart bodies; Telegram allows it.
    const fields: Record<string, unknown> = {};
    const files = new Map(request.files);
    for (const [name, value] of Object.entries(request.fields)) {
      if (name === 'method' && String(value).toLowerCase() === decl.name.toLowerCase()) continue;
      fields[name] = value;
    }
    const declared = new Set(decl.params.map((p) => p.name));
    for (const [name, file] of request.files) {
      // Undeclared file parts are attachments referenced as attach://<name>.
      if (declared.has(name)) {
        fields[name] = file;
        files.delete(name);
      }
    }
    let params: Record<string, unknown>;
    try {
      params = validateParams(decl, fields);
    } catch (error) {
      if (error instanceof ParamError) {
        return fail(new ApiError(400, `Bad Request: ${error.description}`, undefined, true));
      }
      throw error;
    }

    const fault = this.deps.faults.take(decl.name, params.chat_id);
    if (fault) {
      record.fault = fault.type;
      switch (fault.type) {
        case 'rate_limit':
          return fail(tooManyRequests(fault.retryAfter));
        case 'server_error': {
          const status = fault.status ?? 500;
          const text = {
            500: 'Internal Server Error',
            502: 'Bad Gateway',
            503: 'Service Unavailable',
            504: 'Gateway Timeout',
          }[status];
          return fail(new ApiError(status, text));
        }
        case 'error':
          return fail(new ApiError(fault.code, fault.description));
        case 'timeout':
          return { kind: 'timeout', holdMs: fault.holdMs ?? 30_000 };
        case 'response_lost':
          break;
      }
    }

    let outcome: CallOutcome;
    try {
      const impl = this.deps.api.methods[decl.name];
      if (!impl) return fail(notFound());
      const result = await impl({ params, uploads: files, signal: request.signal });
      outcome = { kind: 'ok', result: JSON.parse(JSON.stringify(result)) as unknown };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      outcome = fail(error);
    }
    if (fault?.type === 'response_lost') {
      return outcome.kind === 'ok'
        ? { kind: 'response_lost', result: outcome.result }
        : { kind: 'response_lost', error: (outcome as { error: ErrorEnvelope }).error };
    }
    return outcome;
  }
}
