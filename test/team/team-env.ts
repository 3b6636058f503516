/**
 * The team through the Telegram simulator: an owner (ADMIN_USER_IDS), an admin, an agent and
 * an analyst from the `admins` table, and a group member who is not on the team; a fan with
 * a topic; helpers to write in the fan's topic and read the bot's answer to it.
 */
import type { AdminRoleName } from '../../src/core/admin-auth.js';
import type { MessageView } from '../../src/sandbox/telegram/control.js';
import { createTelegramSimulator } from '../../src/sandbox/telegram/index.js';
import { grantCredits, relayed, topicOf } from '../adapters/telegram/fan-harness.js';
import { startHarness, type Harness } from '../adapters/telegram/harness.js';

export type Who = AdminRoleName | 'outsider';

export interface TeamEnv extends Harness {
  users: Record<Who, number>;
  fan: { id: number; first_name: string };
  /** The fan's topic. */
  threadId: number;
  /** A topic that is no fan's (menus and commands). */
  panelThreadId: number;
}

export async function startTeamEnv(): Promise<TeamEnv> {
  const sim = createTelegramSimulator({ timeScale: 0.01, webhook: { timeoutSeconds: 6000 } });
  await sim.listen(0);
  const make = (first_name: string) => sim.control.createUser({ first_name }).id;
  const users: Record<Who, number> = {
    owner: make('Olivia'),
    admin: make('Adam'),
    agent: make('Agnes'),
    analyst: make('Anna'),
    outsider: make('Otto'),
  };
  const group = sim.control.createForumGroup({
    title: 'Premium team',
    ownerId: users.owner,
    admins: [users.admin, users.agent, users.analyst, users.outsider],
  });
  const h = await startHarness({
    sim,
    admin: { chatId: group.chatId, ownerId: users.owner },
    freeMessages: true,
    fan: { cardRefreshMs: 100, settingsTtlMs: 0 },
  });
  await h.testDb.db('admins').insert([
    { user_id: users.admin, role: 'admin' },
    { user_id: users.agent, role: 'agent' },
    { user_id: users.analyst, role: 'analyst' },
  ]);
  const fan = sim.control.createUser({ first_name: 'Fiona' });
  await grantCredits(h, fan, 10, 'grant:cs_team_fiona');
  sim.control.fanSendsText(fan.id, 'hi team');
  const threadId = (await topicOf(sim, h.adminChatId, 'Fiona')).threadId;
  await sim.control.waitFor(
    () => relayed(sim, h.adminChatId, threadId).length === 1,
    15_000,
    'the fan message in the topic',
  );
  const panelThreadId = sim.control.createTopic(group.chatId, 'Panel', { byUserId: users.owner });
  return {
    ...h,
    users,
    fan,
    threadId,
    panelThreadId,
    async close() {
      await h.close();
      await sim.close();
    },
  };
}

/** The bot's messages in a topic, oldest first. */
export function botIn(env: TeamEnv, threadId: number): MessageView[] {
  return env.sim.control
    .messages(env.adminChatId, { threadId })
    .filter((m) => m.fromBot && m.kind !== 'service');
}

/** Writes `text` in a topic as `userId` and waits for the bot's message replying to it. */
export async function answerTo(
  env: TeamEnv,
  userId: number,
  threadId: number,
  text: string,
): Promise<MessageView> {
  const sent = env.sim.control.adminSendsInTopic(userId, env.adminChatId, threadId, text);
  return env.sim.control.waitFor(
    () => botIn(env, threadId).find((m) => m.replyToMessageId === sent.message_id),
    15_000,
    `the answer to ${text}`,
  );
}
