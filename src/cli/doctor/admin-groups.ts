/**
 * Doctor checks that apply to every admin group (ADMIN_CHAT_ID and ADMIN_CHAT_IDS): each
 * group is checked; with one group the line reads as it always did, with several the worst
 * result leads and names its group.
 */
import type { CheckResult, CheckStatus, DoctorContext } from './types.js';

const RANK: Record<CheckStatus, number> = { fail: 3, warn: 2, pass: 1, skip: 0 };

/** Runs `one` on each admin group and folds the results into one line. */
export async function perAdminGroup(
  ctx: DoctorContext,
  one: (chatId: number) => Promise<CheckResult>,
): Promise<CheckResult> {
  const config = ctx.config!;
  const chatIds = config.adminChatIds.length > 0 ? config.adminChatIds : [config.adminChatId!];
  if (chatIds.length === 1) return one(chatIds[0]!);
  const results: Array<{ chatId: number; result: CheckResult }> = [];
  for (const chatId of chatIds) results.push({ chatId, result: await one(chatId) });
  const worst = results.reduce((a, b) => (RANK[b.result.status] > RANK[a.result.status] ? b : a));
  if (worst.result.status === 'fail' || worst.result.status === 'warn') {
    return { ...worst.result, message: `group ${worst.chatId}: ${worst.result.message}` };
  }
  return {
    status: worst.result.status,
    message: `${chatIds.length} groups: ${results.map((r) => r.result.message).join('; ')}`,
  };
}
