/** Records a team answer relayed from a topic (the team's figures and attribution read it). */
import type { BotDeps } from '../../bot-deps.js';

/** Records `adminId`'s answer to the fan of `threadId` (update `updateId`); never throws. */
export async function recordTeamAnswer(
  deps: BotDeps,
  adminId: number,
  threadId: number,
  updateId: number,
): Promise<void> {
  const activity = deps.teamInbox?.activity;
  if (!activity) return;
  try {
    const fanId = await deps.fans.fanOfTopic(deps.adminChatId, threadId);
    if (fanId === null) return;
    await activity.recordReply({
      fanId,
      adminId,
      at: deps.fan.now(),
      sourceKey: `relay:team:${updateId}`,
    });
  } catch (err) {
    deps.logger.warn({ err, adminId }, 'could not record a team answer');
  }
}
