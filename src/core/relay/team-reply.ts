/**
 * A team message in a fan's topic → the fan, at no cost to the fan. Messages starting with
 * `/` or `#note` stay internal. A reply to a relayed message is a reply to the original in
 * the fan's chat. A message the team forwarded into the topic is forwarded on, so the fan
 * sees Telegram's own "Forwarded from …" header (a copy would drop it; no text of ours). With
 * receipts on, the fan sees a chat action (typing, uploading a photo…) while the answer is
 * delivered. An album's items (one update each, maybe on different instances) are held
 * `albumHoldMs` and tied by their album key, so the outbox sends them in one copyMessages
 * call and the fan gets an album, with one chat action. Who may answer is the Telegram
 * feature's check.
 */
import type { MessageType } from '../pricing.js';
import { PRIORITY, albumKey, type NewOutboxJob } from '../traffic/outbox.js';
import { chatActionFor, isInternalTeamMessage } from './policy.js';
import type { TeamReplyDeps } from './ports.js';

/** A team member's message in a topic, as the Telegram feature translates it. */
export interface TeamReplyInput {
  updateId: number;
  chatId: number;
  threadId: number;
  messageId: number;
  type: MessageType;
  textOrCaption: string | undefined;
  /** The message it replies to (in a topic, the topic's first message when not a real reply). */
  replyToMessageId: number | undefined;
  /** The message is itself a forward (it carries a `forward_origin`). */
  forwarded?: boolean;
  /** The album it belongs to (Telegram's media_group_id), if any. */
  mediaGroupId?: string;
}

/** The team reply use case's dependencies. */
export interface TeamReplyHandlerDeps extends TeamReplyDeps {
  /** How long an album's first item waits for the rest (default 1.5 s, as for fans' albums). */
  albumHoldMs?: number;
  now?: () => Date;
}

/** An album's first item waits this long for the others by default. */
const DEFAULT_ALBUM_HOLD_MS = 1_500;

/** `relayed`; `internal` (a command or #note); `not_a_fan_topic` (another handler's). */
export type TeamReplyResult = 'relayed' | 'internal' | 'not_a_fan_topic';

/** The team reply use case. */
export function createTeamReplyHandler(
  deps: TeamReplyHandlerDeps,
): (input: TeamReplyInput) => Promise<TeamReplyResult> {
  const holdMs = deps.albumHoldMs ?? DEFAULT_ALBUM_HOLD_MS;
  const now = deps.now ?? (() => new Date());
  return async function handleTeamReply(input) {
    const fanId = await deps.fans.fanOfTopic(input.chatId, input.threadId);
    if (fanId === null) return 'not_a_fan_topic';
    if (isInternalTeamMessage(input.textOrCaption)) return 'internal';

    const params: Record<string, unknown> = {
      from_chat_id: input.chatId,
      message_id: input.messageId,
    };
    const replyTo = input.replyToMessageId;
    // In a topic every message "replies" to the topic's first message; only real replies count.
    // (forwardMessage takes no reply: a forward is never a reply on Telegram either.)
    if (!input.forwarded && replyTo !== undefined && replyTo !== input.threadId) {
      const link = await deps.links.byTopicMessage(input.chatId, replyTo);
      if (link && link.fanId === fanId) {
        params.reply_parameters = {
          message_id: link.fanMessageId,
          allow_sending_without_reply: true,
        };
      }
    }
    const album = input.mediaGroupId ? albumKey(input.chatId, input.mediaGroupId) : undefined;
    const jobs: NewOutboxJob[] = [];
    if ((await deps.settings()).receipts) {
      jobs.push({
        kind: 'receipt',
        target: { type: 'chat', chatId: fanId },
        method: 'sendChatAction',
        params: { action: chatActionFor(input.type) },
        priority: PRIORITY.teamAnswer,
        fanId,
        // One chat action per album: its items' duplicates are ignored.
        dedupeKey: album ? `action:album:${album}` : `action:${input.updateId}`,
      });
    }
    jobs.push({
      kind: 'relay.team',
      target: { type: 'chat', chatId: fanId },
      method: input.forwarded ? 'forwardMessage' : 'copyMessage',
      params,
      priority: PRIORITY.teamAnswer,
      fanId,
      dedupeKey: `relay:team:${input.updateId}`,
      ...(album ? { albumKey: album, notBefore: new Date(now().getTime() + holdMs) } : {}),
    });
    await deps.outbox.enqueue(jobs);
    deps.wake();
    return 'relayed';
  };
}
