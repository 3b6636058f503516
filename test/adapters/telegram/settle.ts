/**
 * Waiting for a fan's chat to settle without timing: every update of the fan answered by
 * the webhook (so its jobs are queued), then a /balance sent after them and answered (the
 * fan's private lane is FIFO, so everything queued before it was sent before it).
 */
import type { TelegramSimulator } from '../../../src/sandbox/telegram/index.js';
import { botMessages } from './fan-harness.js';

/** Every update the simulator made for `userId` was answered by the bot. */
export async function updatesAnswered(sim: TelegramSimulator, userId: number): Promise<void> {
  const mine = () =>
    sim.control.updates().filter((u) => JSON.stringify(u.update).includes(`"id":${userId},`));
  await sim.control.waitFor(
    () => mine().every((u) => u.status === 'delivered' || u.status === 'confirmed'),
    30_000,
    `updates of ${userId} answered`,
  );
}

/** Waits until everything the bot queued for the fan's chat so far has been sent. */
export async function fanChatSettled(sim: TelegramSimulator, userId: number): Promise<void> {
  await updatesAnswered(sim, userId);
  const before = balanceAnswers(sim, userId);
  sim.control.fanSendsText(userId, '/balance');
  await sim.control.waitFor(
    () => balanceAnswers(sim, userId) > before,
    30_000,
    `/balance answer to ${userId}`,
  );
}

function balanceAnswers(sim: TelegramSimulator, userId: number): number {
  return botMessages(sim, userId).filter((m) => m.text?.startsWith('💳')).length;
}
