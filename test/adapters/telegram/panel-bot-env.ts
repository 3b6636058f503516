/**
 * The admin panel on the whole bot with payments (test/payments/bot-env.ts): the Telegram
 * and Stripe simulators, a "Panel" topic in the admin group, and the panel harness's
 * helpers (command, press, until…) pointed at it.
 */
import { startBotEnv, type BotEnv } from '../../payments/bot-env.js';
import type { PanelEnv } from './panel-harness.js';

export interface PanelBotEnv extends BotEnv {
  /** What the panel harness's helpers need (the simulator, the group, the Panel topic). */
  panel: PanelEnv;
}

export async function startPanelBotEnv(name: string): Promise<PanelBotEnv> {
  const env = await startBotEnv(name);
  const threadId = env.tg.control.createTopic(env.adminChatId, 'Panel', { byUserId: env.ownerId });
  const panel = {
    sim: env.tg,
    runtime: env.runtime,
    testDb: env.testDb,
    adminChatId: env.adminChatId,
    ownerId: env.ownerId,
    adminId: env.adminId,
    threadId,
  } as unknown as PanelEnv;
  return { ...env, panel };
}
