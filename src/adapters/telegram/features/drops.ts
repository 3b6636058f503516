/**
 * The Cancel button of a drop's progress message (issue 18): owners and admins with
 * `drops:send` stop the drop — nobody else gets its teaser, the summary follows. Answered at
 * once; a second tap (or one on another instance) finds the drop no longer running.
 */
import { parseDropCancel } from '../../../core/drops/jobs.js';
import { can } from '../../../core/permissions.js';
import type { Feature } from '../bot-deps.js';
import { actorOf, answerPress } from '../panel/actor.js';

export const dropsFeature: Feature = {
  name: 'drops',
  register(bot, deps) {
    const drops = deps.panel?.drops;
    if (!drops) return;
    bot.action(/^drop:cancel:/, async (ctx) => {
      const t = deps.fan.templates.forLanguage(deps.fan.adminLanguage);
      const query = ctx.callbackQuery;
      const dropId = 'data' in query ? parseDropCancel(query.data) : null;
      const actor = ctx.chat?.id === deps.adminChatId ? await actorOf(deps, ctx) : null;
      if (dropId === null || !can(actor, 'drops:send')) {
        return answerPress(deps, query.id, t('drops.refused'));
      }
      const result = await drops.cancel(dropId);
      if (result === 'cancelled') {
        await deps.panel!.audit.record({
          actorId: actor!.id,
          action: 'drops:send',
          subject: `drop:${dropId}`,
          before: 'running',
          after: 'cancelled',
        });
      }
      return answerPress(
        deps,
        query.id,
        t(result === 'cancelled' ? 'drops.cancelled_toast' : 'drops.not_running'),
      );
    });
  },
};
