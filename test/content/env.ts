/**
 * The whole bot with payments (test/payments/bot-env.ts: the runtime, the Telegram and
 * Stripe simulators over real HTTP) plus premium content helpers: a fan with a topic, a
 * locked album, reading what a fan was sent.
 */
import { expect } from 'vitest';
import type { MessageView } from '../../src/sandbox/telegram/control.js';
import { startBotEnv, type BotEnv } from '../payments/bot-env.js';

export type ContentEnv = BotEnv;

export function startContentEnv(name: string): Promise<ContentEnv> {
  return startBotEnv(name);
}

/** A fan with `credits` whose topic exists (their first text relayed). */
export async function fanWithTopic(env: ContentEnv, name: string, credits: number) {
  const fan = env.tg.control.createUser({ first_name: name });
  await env.runtime.ledger.ensureUser({ id: fan.id, firstName: name });
  await env.runtime.ledger.grantCredits(fan.id, credits + 1, `grant:cs_${name}`);
  env.tg.control.fanSendsText(fan.id, 'hello');
  const topic = await env.tg.control.waitFor(
    () => env.tg.control.topics(env.adminChatId).find((t) => t.name.startsWith(name)),
    15_000,
    `${name}'s topic`,
  );
  // The topic is the fan's once their text is relayed into it (the worker records it first).
  await env.tg.control.waitFor(
    () =>
      env.tg.control
        .messages(env.adminChatId, { threadId: topic.threadId })
        .some((m) => m.fromBot && m.text === 'hello'),
    15_000,
    `${name}'s text in the topic`,
  );
  // The relay spent one credit: `credits` are left.
  await until(
    async () => (await env.runtime.ledger.balance(fan.id)).credits === credits,
    `${name}'s first relay`,
  );
  return { fan, threadId: topic.threadId };
}

/** Polls an asynchronous check until it holds (15 s at most). */
export async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`until: ${what} not met within 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** What the bot sent a fan, oldest first. */
export function sentTo(env: ContentEnv, fanId: number): MessageView[] {
  return env.tg.control.messages(fanId).filter((m) => m.fromBot);
}

/** The bot's messages in a thread of the admin group (1 = General). */
export function botInThread(env: ContentEnv, threadId: number): MessageView[] {
  return env.tg.control
    .messages(env.adminChatId, threadId === 1 ? {} : { threadId })
    .filter((m) => m.fromBot && (threadId !== 1 || m.threadId === undefined));
}

/** Waits for the bot's answer in a thread whose text contains `needle`. */
export function answerIn(env: ContentEnv, threadId: number, needle: string): Promise<MessageView> {
  return env.tg.control.waitFor(
    () => botInThread(env, threadId).find((m) => m.text?.includes(needle)),
    15_000,
    `an answer with "${needle}"`,
  );
}

/** The owner posts an album of `count` photos in General and locks it with `/lock <args>`. */
export async function lockAlbum(env: ContentEnv, args: string, count = 3) {
  const items = Array.from({ length: count }, () => ({ kind: 'photo' as const }));
  const album = env.tg.control.adminSendsAlbumInTopic(env.ownerId, env.adminChatId, 1, items);
  const command = env.tg.control.adminSendsInTopic(
    env.ownerId,
    env.adminChatId,
    1,
    `/lock ${args}`,
    {
      replyTo: album[1]!.message_id,
    },
  );
  const done = await env.tg.control.waitFor(
    () =>
      botInThread(env, 1).find(
        (m) => m.replyToMessageId === command.message_id && m.text?.includes('Vault item #'),
      ),
    15_000,
    'the vault answer',
  );
  const id = Number(/#(\d+)/.exec(done.text!)![1]);
  return { id, album };
}

/** The owner sends `/ppv <args>` in the fan's topic; resolves to the teaser the fan got. */
export async function ppv(env: ContentEnv, threadId: number, fanId: number, args: string) {
  const before = sentTo(env, fanId).length;
  env.tg.control.adminSendsInTopic(env.ownerId, env.adminChatId, threadId, `/ppv ${args}`);
  return env.tg.control.waitFor(
    () =>
      sentTo(env, fanId)
        .slice(before)
        .find((m) => m.buttons.flat().some((b) => b.callbackData?.startsWith('cu:'))),
    15_000,
    'the teaser',
  );
}

/** The items recorded in the vault. */
export async function vaultRows(env: ContentEnv) {
  return (await env.testDb.db('premium_content').orderBy('id')) as Array<Record<string, unknown>>;
}

/** No Bot API spec violation (the suite also checks it). */
export function expectNoViolations(env: ContentEnv): void {
  expect(env.tg.control.violations()).toEqual([]);
}
