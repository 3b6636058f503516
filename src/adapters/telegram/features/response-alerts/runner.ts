/**
 * Response-time alerts, run every minute by the `response-alerts` job (core/response-time
 * decides; the store claims each reminder once): reminded waits that ended are cleared, then
 * each paying fan waiting longer than `inbox.alert_after_minutes` (outside
 * `inbox.quiet_hours`) gets ONE reminder in the Alerts topic, mentioning their claimer. The
 * topic icons (🔥 waiting…) follow through `topicStates`.
 */
import type { SettingsStore } from '../../../../config/settings-store.js';
import { TextBuilder, type FormattedText } from '../../../../core/formatted-text.js';
import type { Logger } from '../../../../core/logger.js';
import {
  reminderCutoff,
  type ResponseAlertStore,
  type WaitingFan,
} from '../../../../core/response-time/alerts.js';
import type { ClaimStore } from '../../../../core/team/claims.js';
import type { TeamStore } from '../../../../core/team/members.js';
import type { MessageCatalog } from '../../../../core/templates.js';
import { topicTitle } from '../../../../core/topic-title.js';
import { PRIORITY, type NewOutboxJob, type OutboxStore } from '../../../../core/traffic/outbox.js';

/** At most this many reminders per run (the rest wait for the next minute). */
const MAX_PER_RUN = 20;

export interface ResponseAlertsDeps {
  store: ResponseAlertStore;
  settings: Pick<SettingsStore, 'getAll'>;
  templates: MessageCatalog;
  adminLanguage: string;
  adminChatId: number;
  outbox: Pick<OutboxStore, 'enqueue'>;
  wake: () => void;
  logger: Logger;
  /** Who claimed a fan (the reminder mentions them), and their names. */
  claims?: Pick<ClaimStore, 'claimOf'>;
  members?: Pick<TeamStore, 'get'>;
  /** Brings the topics' icons up to date (🔥 waiting, 🔒 claimed, 💎 VIP). */
  topicStates?: { sync(now: Date): Promise<unknown> };
  /** Brings the team's member tags up to date (their roles). */
  memberTags?: { sync(now: Date): Promise<unknown> };
}

/** What one run did. */
export interface ResponseAlertRun {
  reminded: number;
  cleared: number;
}

/** A link that opens a topic of a private supergroup (`-100…` ids). */
export function topicLink(chatId: number, topicId: number): string | null {
  const internal = String(chatId).replace(/^-100/, '');
  return internal === String(chatId) ? null : `https://t.me/c/${internal}/${topicId}`;
}

/** The fan's claimer with their name as the team knows it (null: unclaimed). */
async function claimerOf(
  deps: ResponseAlertsDeps,
  fanId: number,
): Promise<{ userId: number; name: string | null } | null> {
  const claim = await deps.claims?.claimOf(fanId);
  if (!claim) return null;
  const member = await deps.members?.get(claim.userId);
  return { userId: claim.userId, name: member?.name ?? null };
}

function reminderText(
  deps: ResponseAlertsDeps,
  fan: WaitingFan,
  claimer: { userId: number; name: string | null } | null,
  now: Date,
): FormattedText {
  const t = deps.templates.forLanguage(deps.adminLanguage);
  const minutes = Math.floor((now.getTime() - fan.waitingSince.getTime()) / 60_000);
  const name = topicTitle(fan, fan.fanId);
  const text = new TextBuilder().plain(t('inbox.alert.reminder', { name, minutes }));
  if (claimer) {
    // A mention by id (the claimer is notified), their name as plain text.
    const who = claimer.name?.trim() || String(claimer.userId);
    text.plain(t('inbox.alert.claimer')).link(who, `tg://user?id=${claimer.userId}`);
  } else {
    text.plain(t('inbox.alert.unclaimed'));
  }
  return text.build();
}

export function createResponseAlerts(deps: ResponseAlertsDeps) {
  return {
    async run(now: Date): Promise<ResponseAlertRun> {
      const settings = await deps.settings.getAll();
      const cleared = await deps.store.clearAnswered(now);
      const cutoff = reminderCutoff(now, {
        alertAfterMinutes: settings['inbox.alert_after_minutes'],
        quietHours: settings['inbox.quiet_hours'],
        timeZone: settings['display.time_zone'],
      });
      let reminded = 0;
      if (cutoff !== null) {
        const t = deps.templates.forLanguage(deps.adminLanguage);
        const jobs: NewOutboxJob[] = [];
        for (const fan of await deps.store.due(cutoff, MAX_PER_RUN)) {
          if (!(await deps.store.claim(fan.fanId, fan.waitingSince, now))) continue;
          const claimer = await claimerOf(deps, fan.fanId);
          const { text, entities } = reminderText(deps, fan, claimer, now);
          const link = topicLink(fan.chatId, fan.topicId);
          jobs.push({
            kind: 'alert',
            target: { type: 'chat', chatId: deps.adminChatId },
            method: 'sendMessage',
            params: {
              text,
              ...(entities.length > 0 ? { entities } : {}),
              ...(link
                ? {
                    reply_markup: {
                      inline_keyboard: [[{ text: t('inbox.alert.open'), url: link }]],
                    },
                  }
                : {}),
            },
            priority: PRIORITY.alert,
            fanId: fan.fanId,
            dedupeKey: `response_alert:${fan.fanId}:${fan.waitingSince.getTime()}`,
          });
        }
        if (jobs.length > 0) {
          await deps.outbox.enqueue(jobs);
          reminded = jobs.length;
        }
      }
      for (const [part, what] of [
        [deps.topicStates, 'the topics’ icons'],
        [deps.memberTags, 'the member tags'],
      ] as const) {
        try {
          await part?.sync(now);
        } catch (err) {
          deps.logger.warn({ err }, `could not update ${what}`);
        }
      }
      if (reminded > 0 || cleared.length > 0) deps.wake();
      return { reminded, cleared: cleared.length };
    },
  };
}

export type ResponseAlerts = ReturnType<typeof createResponseAlerts>;
