/**
 * A fan's live location (core/relay/live-location.ts decides). The message that starts it
 * is an ordinary fan message (charged as a location by fan-relay); the moves arrive as
 * `edited_message`s and are handled here, before the edits feature: with the first move a
 * note in the topic says it is live and how often it is shown again, then at most one
 * static position per interval replies to the copy, and nothing after sharing stopped. A
 * live location that never reached the topic (refused), or a banned or frozen fan's, gets
 * nothing.
 */
import { simulatedSecondsToMs } from '../../../core/traffic/limits.js';
import {
  LIVE_LOCATION_UPDATE_SECONDS,
  decideLiveLocationEdit,
  liveLocationUpdateKey,
} from '../../../core/relay/live-location.js';
import { PRIORITY, type NewOutboxJob } from '../../../core/traffic/outbox.js';
import type { BotDeps, Feature } from '../bot-deps.js';

interface LiveLocationMessage {
  message_id: number;
  date: number;
  edit_date?: number;
  location: { latitude: number; longitude: number; live_period?: number };
}

/** The jobs of one move: the "it is live" note (once) and, when due, the position. */
async function jobsForMove(
  deps: BotDeps,
  fanId: number,
  message: LiveLocationMessage,
): Promise<NewOutboxJob[]> {
  const account = await deps.fan.accounts.get(fanId);
  if (!account || account.banned || account.frozen) return [];
  const copy = await deps.fan.links.topicCopyOf(fanId, message.message_id);
  if (copy === null) return [];
  const decision = decideLiveLocationEdit(
    {
      messageId: message.message_id,
      live: message.location.live_period !== undefined,
      startedAtMs: message.date * 1000,
      editedAtMs: (message.edit_date ?? message.date) * 1000,
    },
    simulatedSecondsToMs(LIVE_LOCATION_UPDATE_SECONDS, deps.sender.limits),
  );
  if (decision.action === 'ignore' && decision.reason === 'stopped') return [];
  const t = deps.fan.templates.forLanguage(deps.fan.adminLanguage);
  const reply = { message_id: copy, allow_sending_without_reply: true };
  const topic = { type: 'topic', chatId: deps.adminChatId, fanId } as const;
  const every = Math.round(LIVE_LOCATION_UPDATE_SECONDS / 60);
  const jobs: NewOutboxJob[] = [
    {
      kind: 'notice.topic',
      target: topic,
      method: 'sendMessage',
      params: { text: t('topic.live_location', { every }), reply_parameters: reply },
      priority: PRIORITY.fan,
      fanId,
      dedupeKey: liveLocationUpdateKey(fanId, message.message_id, 0),
    },
  ];
  if (decision.action === 'update') {
    jobs.push({
      kind: 'notice.topic',
      target: topic,
      method: 'sendLocation',
      params: {
        latitude: message.location.latitude,
        longitude: message.location.longitude,
        reply_parameters: reply,
      },
      priority: PRIORITY.background,
      fanId,
      dedupeKey: liveLocationUpdateKey(fanId, message.message_id, decision.slot),
    });
  }
  return jobs;
}

export const liveLocationFeature: Feature = {
  name: 'live-location',
  register(bot, deps) {
    bot.on('edited_message', async (ctx, next) => {
      const message = ctx.editedMessage as unknown as Partial<LiveLocationMessage>;
      if (ctx.chat.type !== 'private' || message.location === undefined) return next();
      const jobs = await jobsForMove(deps, ctx.chat.id, message as LiveLocationMessage);
      if (jobs.length === 0) return;
      await deps.outbox.enqueue(jobs);
      deps.wakeOutbox();
    });
  },
};
