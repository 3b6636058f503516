/**
 * Each team member's role on their messages in the admin group, as a Bot API 9.5 member tag
 * (`setChatMemberTag`: Owner, Admin, Agent, Analyst), kept in step by the response-alerts job
 * each minute; members who left the team lose theirs. Telegram tags regular members only
 * (administrators show a custom title instead) and needs the bot's `can_manage_tags` right:
 * a member Telegram refuses is not asked again for that tag, and without the right the bot
 * tries again an hour later. What was set is remembered in bot_state (`member_tags`).
 */
import type { Logger } from '../../../../core/logger.js';
import { ROLE_TAGS, tagChanges } from '../../../../core/response-time/topic-state.js';
import type { TeamStore } from '../../../../core/team/members.js';
import type { StateStore } from '../../../../core/traffic/ports.js';
import { BotApiError } from '../../bot-api.js';
import type { TelegramSender } from '../../sender.js';

const STATE_KEY = 'member_tags';
/** Tag calls per run. */
const PER_RUN = 10;
/** Without the right, the next try waits this long. */
const NO_RIGHT_PAUSE_MS = 3_600_000;

export interface MemberTagsDeps {
  members: Pick<TeamStore, 'list'>;
  ownerIds: readonly number[];
  state: StateStore;
  sender: Pick<TelegramSender, 'send'>;
  adminChatId: number;
  logger: Logger;
}

export function createMemberTags(deps: MemberTagsDeps) {
  let pausedUntil = 0;
  return {
    /** Sets the tags that changed; the number set. */
    async sync(now: Date): Promise<number> {
      if (now.getTime() < pausedUntil) return 0;
      const wanted = new Map<number, string>();
      for (const id of deps.ownerIds) wanted.set(id, ROLE_TAGS.owner!);
      for (const member of await deps.members.list()) {
        wanted.set(member.userId, ROLE_TAGS[member.role] ?? '');
      }
      const stored = await deps.state.get(STATE_KEY);
      const applied = (stored ? JSON.parse(stored) : {}) as Record<string, string>;
      const changes = tagChanges(wanted, applied).slice(0, PER_RUN);
      let set = 0;
      for (const { userId, tag } of changes) {
        try {
          await deps.sender.send(
            'setChatMemberTag',
            { chat_id: deps.adminChatId, user_id: userId, tag },
            { maxAttempts: 2 },
          );
          set += 1;
        } catch (err) {
          const failure = err instanceof BotApiError ? err.failure : null;
          if (failure?.type !== 'api' || failure.code !== 400) throw err;
          if (/rights/i.test(failure.description)) {
            pausedUntil = now.getTime() + NO_RIGHT_PAUSE_MS;
            deps.logger.info(
              'the bot may not set member tags in the admin group (can_manage_tags)',
            );
            break;
          }
          // An administrator, or no longer in the group: Telegram will not tag them.
          deps.logger.debug({ userId, description: failure.description }, 'member tag refused');
        }
        if (tag === '') delete applied[String(userId)];
        else applied[String(userId)] = tag;
      }
      if (changes.length > 0) await deps.state.set(STATE_KEY, JSON.stringify(applied));
      return set;
    },
  };
}
