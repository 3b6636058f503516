/**
 * The admin panel through the Telegram simulator: an owner, an `admins`-table admin, an
 * agent, and a Telegram group admin who is not on the team; helpers to send a command in a
 * topic, find the bot's menu, press one of its buttons and wait for it to change.
 */
import type { MessageView } from '../../../src/sandbox/telegram/control.js';
import type { TelegramSimulator } from '../../../src/sandbox/telegram/index.js';
import { createTelegramSimulator } from '../../../src/sandbox/telegram/index.js';
import { startHarness, type Harness, type HarnessOptions } from './harness.js';

export interface PanelEnv extends Harness {
  /** An `admins`-table admin (role admin). */
  adminId: number;
  /** An `admins`-table agent: not allowed in the panel until roles come. */
  agentId: number;
  /** An administrator of the Telegram group who is not on the bot's team. */
  outsiderId: number;
  /** A topic of the admin group the tests talk in. */
  threadId: number;
}

export async function startPanelEnv(options: HarnessOptions = {}): Promise<PanelEnv> {
  const sim =
    options.sim ?? createTelegramSimulator({ timeScale: 0.01, webhook: { timeoutSeconds: 6000 } });
  if (!options.sim) await sim.listen(0);
  const owner = sim.control.createUser({ first_name: 'Olivia', username: 'olivia_owner' });
  const admin = sim.control.createUser({ first_name: 'Adam' });
  const agent = sim.control.createUser({ first_name: 'Agnes' });
  const outsider = sim.control.createUser({ first_name: 'Otto <b>_x_</b>' });
  const group = sim.control.createForumGroup({
    title: 'Premium team',
    ownerId: owner.id,
    admins: [admin.id, agent.id, outsider.id],
  });
  const h = await startHarness({
    ...options,
    sim,
    admin: { chatId: group.chatId, ownerId: owner.id },
    freeMessages: options.freeMessages ?? false,
  });
  await h.testDb.db('admins').insert([
    { user_id: admin.id, role: 'admin' },
    { user_id: agent.id, role: 'agent' },
  ]);
  const threadId = sim.control.createTopic(group.chatId, 'Panel', { byUserId: owner.id });
  return {
    ...h,
    adminId: admin.id,
    agentId: agent.id,
    outsiderId: outsider.id,
    threadId,
    async close() {
      await h.close();
      if (!options.sim) await sim.close();
    },
  };
}

/** The bot's messages in the env's topic, oldest first. */
export function botMessagesInTopic(env: PanelEnv): MessageView[] {
  return env.sim.control
    .messages(env.adminChatId, { threadId: env.threadId })
    .filter((m) => m.fromBot && m.kind !== 'service');
}

/** Sends a command in the topic and waits for the bot's answer to it (a new message). */
export async function command(env: PanelEnv, userId: number, text: string): Promise<MessageView> {
  const before = botMessagesInTopic(env).length;
  const sent = env.sim.control.adminSendsInTopic(userId, env.adminChatId, env.threadId, text);
  // A late reply to an earlier input ("📝 Note saved.") is not this command's answer.
  return env.sim.control.waitFor(
    () =>
      botMessagesInTopic(env)
        .slice(before)
        .find((m) => m.replyToMessageId === undefined || m.replyToMessageId === sent.message_id),
    15_000,
    `the answer to ${text}`,
  );
}

/** The callback data of the button whose text starts with `prefix`. */
export function buttonData(message: MessageView, prefix: string): string {
  const button = message.buttons.flat().find((b) => b.text.startsWith(prefix));
  if (!button?.callbackData) {
    const all = message.buttons.flat().map((b) => b.text);
    throw new Error(`no button "${prefix}" in ${JSON.stringify(all)}`);
  }
  return button.callbackData;
}

/** The message as the chat shows it now. */
export function current(sim: TelegramSimulator, message: MessageView): MessageView {
  return sim.control.message(message.chatId, message.messageId)!;
}

/** Presses a button and returns the query id (the toast is in `answerOf`). */
export function press(env: PanelEnv, userId: number, message: MessageView, prefix: string): string {
  const data = buttonData(current(env.sim, message), prefix);
  return env.sim.control.pressButton(userId, env.adminChatId, message.messageId, data);
}

/** Waits until `message` shows a text matching `pattern`. */
export async function until(
  env: PanelEnv,
  message: MessageView,
  pattern: RegExp,
): Promise<MessageView> {
  return env.sim.control.waitFor(
    () => {
      const now = current(env.sim, message);
      return pattern.test(now.text ?? '') ? now : undefined;
    },
    15_000,
    `menu text ${pattern}`,
  );
}

/** The toast the bot answered a press with (undefined: answered without text). */
export async function answerOf(env: PanelEnv, queryId: string): Promise<{ text?: string }> {
  return env.sim.control.waitFor(
    () => {
      const call = env.sim.control
        .calls({ method: 'answerCallbackQuery' })
        .find((c) => (c.params as { callback_query_id?: string }).callback_query_id === queryId);
      return call ? { text: (call.params as { text?: string }).text } : undefined;
    },
    15_000,
    `the answer to callback ${queryId}`,
  );
}

/**
 * Polls an async condition until it yields a value (the simulator's `waitFor` takes
 * synchronous predicates only: a promise is truthy at once).
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`eventually: ${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
