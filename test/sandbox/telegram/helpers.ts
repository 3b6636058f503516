import fs from 'node:fs';
import path from 'node:path';
import {
  createTelegramSimulator,
  type TelegramSimulator,
  type TelegramSimulatorOptions,
} from '../../../src/sandbox/telegram/index.js';

export type Encoding = 'json' | 'form' | 'multipart';

export interface ApiResponse {
  status: number;
  body: {
    ok: boolean;
    result?: unknown;
    error_code?: number;
    description?: string;
    parameters?: { retry_after?: number };
  };
}

/** Starts a simulator on a free port. */
export async function startSimulator(
  options: TelegramSimulatorOptions = {},
): Promise<TelegramSimulator> {
  const sim = createTelegramSimulator(options);
  await sim.listen();
  return sim;
}

/** Encodes a value as Telegram clients do in form bodies: objects and arrays as JSON strings. */
const formValue = (value: unknown): string =>
  typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);

/** One Bot API call over real HTTP. `files` are uploaded as multipart parts. */
export async function callApi(
  sim: TelegramSimulator,
  method: string,
  params: Record<string, unknown> = {},
  options: {
    encoding?: Encoding;
    token?: string;
    files?: Record<string, { name: string; data: Buffer }>;
  } = {},
): Promise<ApiResponse> {
  const encoding = options.files ? 'multipart' : (options.encoding ?? 'json');
  const url = `${sim.apiRoot}/bot${options.token ?? sim.token}/${method}`;
  let init: RequestInit;
  if (encoding === 'json') {
    init = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
    };
  } else if (encoding === 'form') {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) form.set(key, formValue(value));
    init = { method: 'POST', body: form };
  } else {
    const form = new FormData();
    for (const [key, value] of Object.entries(params)) form.set(key, formValue(value));
    for (const [key, file] of Object.entries(options.files ?? {})) {
      form.set(key, new Blob([new Uint8Array(file.data)]), file.name);
    }
    init = { method: 'POST', body: form };
  }
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as ApiResponse['body'] };
}

/** The result of a call that must succeed. */
export async function ok<T = Record<string, unknown>>(
  sim: TelegramSimulator,
  method: string,
  params: Record<string, unknown> = {},
  options: Parameters<typeof callApi>[3] = {},
): Promise<T> {
  const response = await callApi(sim, method, params, options);
  if (!response.body.ok) {
    throw new Error(`${method} failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body.result as T;
}

/** Where the shared spec folder is (../shared/spec from the repo root, or PREMIUMBOT_SPEC_DIR). */
export function specDir(): string {
  return process.env.PREMIUMBOT_SPEC_DIR ?? path.resolve(process.cwd(), '../shared/spec');
}

export interface SpecField {
  name: string;
  types: string[];
  required: boolean;
  description?: string;
}

export interface SpecEntry {
  name: string;
  fields?: SpecField[];
  returns?: string[];
  subtypes?: string[];
  description?: string[];
}

export interface Spec {
  version: string;
  methods: Record<string, SpecEntry>;
  types: Record<string, SpecEntry>;
}

/** The Bot API 10.1 spec, or undefined when the shared folder is absent. */
export function loadSpec(): Spec | undefined {
  const file = path.join(specDir(), 'telegram-bot-api.json');
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Spec;
}

/** A tiny fake clock for deterministic rate-limit tests. */
export function fakeClock(start = 1_750_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

/** A fan who pressed Start, and a forum admin group with a topic, ready for sends. */
export function seedWorld(sim: TelegramSimulator) {
  const { control } = sim;
  const fan = control.createUser({
    first_name: 'Fan_*<b>',
    username: 'fan_one',
    language_code: 'en',
  });
  const admin = control.createUser({ first_name: 'Admin' });
  const start = control.fanSendsText(fan.id, '/start');
  const group = control.createForumGroup({ title: 'Team inbox', admins: [admin.id] });
  const topicId = control.createTopic(group.chatId, 'Fan topic');
  return { fan, admin, start, groupId: group.chatId, ownerId: group.ownerId, topicId };
}
