/** Calls to the two simulators' control APIs, and their event streams. */

export interface Config {
  telegramApiRoot: string;
  stripeApiBase: string;
  botToken: string;
  adminChatId: number;
  ownerId: number;
  agentId: number;
  memberId: number;
}

export interface User {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
}

export interface Button {
  text: string;
  callbackData?: string;
  url?: string;
}

export interface MessageView {
  chatId: number;
  messageId: number;
  threadId?: number;
  fromId?: number;
  fromBot: boolean;
  date: number;
  kind: string;
  service?: string;
  text?: string;
  caption?: string;
  media?: { kind: string; fileId: string };
  buttons: Button[][];
  replyKeyboard?: { keyboard?: ({ text: string } | string)[][] };
  replyToMessageId?: number;
  mediaGroupId?: string;
  pinned: boolean;
  reactions: { userId: number; reaction: { type: string; emoji?: string } }[];
  edited: boolean;
  deleted: boolean;
  paidMediaPurchased?: boolean;
  raw: Record<string, unknown>;
}

export interface TopicView {
  threadId: number;
  name: string;
  iconColor: number;
  iconCustomEmojiId?: string;
  closed: boolean;
  deleted: boolean;
}

export let config: Config;

export async function loadConfig(): Promise<Config> {
  const response = await fetch('/config.json');
  config = (await response.json()) as Config;
  return config;
}

/** A Telegram simulator control operation (`POST /_sim/<op>`). */
export async function tg<T = unknown>(op: string, args: object = {}): Promise<T> {
  const response = await fetch(`${config.telegramApiRoot}/_sim/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(args),
  });
  const body = (await response.json()) as { ok: boolean; result?: T; error?: string };
  if (!body.ok) throw new Error(body.error ?? `${op} failed`);
  return body.result as T;
}

/** A Stripe simulator control route (`/_sim/...`). */
export async function stripe<T = unknown>(method: 'GET' | 'POST', path: string, body?: object) {
  const response = await fetch(`${config.stripeApiBase}/_sim/${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await response.json()) as T & { error?: { message?: string } | string };
  if (!response.ok) {
    const error = json.error;
    throw new Error(typeof error === 'string' ? error : (error?.message ?? `${path} failed`));
  }
  return json as T;
}

/** Where a file the simulator holds can be shown from. */
export function fileUrl(fileId: string): string {
  return `${config.telegramApiRoot}/_sim/file/${encodeURIComponent(fileId)}`;
}

/** Calls `onChange` whenever a simulator says its state changed (server-sent events). */
export function follow(base: string, onChange: () => void): EventSource {
  const source = new EventSource(`${base}/_sim/stream`);
  source.addEventListener('change', onChange);
  return source;
}

/** Money as people read it: `$5.00`, `⭐ 50`. */
export function formatAmount(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  if (code === 'XTR') return `⭐ ${amount}`;
  const digits = ['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'UGX', 'XAF', 'XOF'].includes(code) ? 0 : 2;
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: code }).format(
      amount / 10 ** digits,
    );
  } catch {
    return `${(amount / 10 ** digits).toFixed(digits)} ${code}`;
  }
}

/** The bytes of a sample image, base64, with its size (sent as a fan's or admin's photo). */
export async function sampleImage(
  name: string,
): Promise<{ dataBase64: string; width: number; height: number }> {
  const blob = await (await fetch(`/samples/${name}.png`)).blob();
  const bitmap = await createImageBitmap(blob);
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return { dataBase64: btoa(binary), width: bitmap.width, height: bitmap.height };
}

export const SAMPLES = ['sunset', 'sea', 'forest'] as const;
