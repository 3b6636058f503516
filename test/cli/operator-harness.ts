/** Shared harness of the operator command tests: both simulators over HTTP, captured output. */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createStripeSimulator, type StripeSimulator } from '../../src/sandbox/stripe/index.js';
import {
  createTelegramSimulator,
  type TelegramSimulator,
} from '../../src/sandbox/telegram/index.js';
import type { CliContext } from '../../src/cli/context.js';
import { run } from '../../src/cli/main.js';
import type { Output } from '../../src/cli/ui.js';

export const BOT_TOKEN = '123456:TEST-TOKEN';
export const STRIPE_KEY = 'sk_test_premiumbotoperators';
export const PUBLIC_URL = 'https://bot.example.invalid';

export interface Sims {
  telegram: TelegramSimulator;
  stripe: StripeSimulator;
  /** TELEGRAM_API_ROOT and STRIPE_API_BASE pointing at the simulators. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startSims(): Promise<Sims> {
  const telegram = createTelegramSimulator({ token: BOT_TOKEN, rateLimits: false });
  await telegram.listen();
  // One delivery attempt: PUBLIC_URL is not reachable in tests and retries would only add noise.
  const stripe = createStripeSimulator({ webhookRetry: { maxAttempts: 1 } });
  await stripe.listen();
  return {
    telegram,
    stripe,
    env: { TELEGRAM_API_ROOT: telegram.apiRoot, STRIPE_API_BASE: stripe.apiBase },
    async close() {
      await telegram.close();
      await stripe.close();
    },
  };
}

export interface Captured extends Output {
  lines: string[];
  text(): string;
  /** Calls `fn` once, the first time a printed line contains `needle`. */
  when(needle: string, fn: () => void): void;
}

export function captureOutput(): Captured {
  const lines: string[] = [];
  const hooks: { needle: string; fn: () => void; done: boolean }[] = [];
  const push = (line = '') => {
    lines.push(line);
    for (const hook of hooks) {
      if (!hook.done && line.includes(hook.needle)) {
        hook.done = true;
        hook.fn();
      }
    }
  };
  return {
    lines,
    isTTY: false,
    out: push,
    err: push,
    text: () => lines.join('\n'),
    when(needle, fn) {
      hooks.push({ needle, fn, done: false });
    },
  };
}

export function tempDir(prefix = 'pb-op-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A CliContext as `main` builds it. */
export function cliContext(cwd: string, env: Record<string, string>, output: Output): CliContext {
  return { cwd, env, output, verbose: false, signals: new EventEmitter() };
}

/** Runs the real CLI in-process (same program, commands and error rendering as the binary). */
export async function runInProcess(
  argv: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<{ code: number; output: string }> {
  const output = captureOutput();
  const code = await run({ argv, env: options.env ?? {}, cwd: options.cwd, output });
  return { code, output: output.text() };
}

/** An admin forum group where the bot is an admin that can manage topics (or not). */
export function createAdminGroup(
  sims: Sims,
  options: { canManageTopics?: boolean; isForum?: boolean; title?: string } = {},
) {
  const owner = sims.telegram.control.createUser({ first_name: 'Creator', username: 'creator' });
  const group = sims.telegram.control.createForumGroup({
    title: options.title ?? 'Fans inbox',
    ownerId: owner.id,
    isForum: options.isForum ?? true,
    bot: {
      status: 'administrator',
      rights: { can_manage_topics: options.canManageTopics ?? true },
    },
  });
  return { ownerId: owner.id, chatId: group.chatId };
}

/**
 * Confirms every queued update, as a running bot would have: the simulator would otherwise
 * try to deliver them to PUBLIC_URL, which nothing serves in these tests.
 */
export async function drainUpdates(sims: Sims): Promise<void> {
  const outcome = await sims.telegram.callApi('getUpdates', { timeout: 0 });
  if (outcome.kind !== 'ok') return;
  const updates = outcome.result as { update_id: number }[];
  const last = updates.at(-1);
  if (last) await sims.telegram.callApi('getUpdates', { offset: last.update_id + 1, timeout: 0 });
}
