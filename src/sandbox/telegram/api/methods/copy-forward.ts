/** Copies and forwards: copyMessage(s), forwardMessage(s), keeping order and album grouping. */
import { badRequest, invalid } from '../../api-error.js';
import type { TgMessage } from '../../types.js';
import { mediaKindOf, type MessageRecord } from '../../world.js';
import { knownChat, takeRate, targetThread, writableChat } from '../access.js';
import type { ApiDeps, ApiMethod, MethodTable } from '../deps.js';
import { SERVICE_FIELDS } from '../incoming.js';
import { send, storeMessage } from '../outgoing.js';
import { captionFields } from '../text.js';

const CONTENT_FIELDS: readonly string[] = [
  'text',
  'entities',
  'link_preview_options',
  'animation',
  'audio',
  'document',
  'photo',
  'sticker',
  'video',
  'video_note',
  'voice',
  'caption',
  'caption_entities',
  'show_caption_above_media',
  'has_media_spoiler',
  'contact',
  'location',
  'venue',
  'poll',
  'dice',
];

function copyableContent(message: TgMessage, action: 'copied' | 'forwarded'): Partial<TgMessage> {
  if (
    SERVICE_FIELDS.some((field) => message[field] !== undefined) ||
    message.invoice ||
    message.paid_media
  ) {
    throw badRequest(`message can't be ${action}`);
  }
  const source = message as unknown as Record<string, unknown>;
  const content: Record<string, unknown> = {};
  for (const field of CONTENT_FIELDS) {
    if (source[field] !== undefined) content[field] = source[field];
  }
  // Nothing a person sent (a gift, a boost, a background…): Telegram refuses it too.
  if (Object.keys(content).length === 0) throw badRequest(`message can't be ${action}`);
  return content as Partial<TgMessage>;
}

const originOf = ({ world }: ApiDeps, message: TgMessage): TgMessage['forward_origin'] => ({
  type: 'user',
  date: message.date,
  sender_user: message.from ?? world.bot,
});

/** The message `from_chat_id`/`message_id` names, or 400 message to <action> not found. */
function original(
  deps: ApiDeps,
  params: Record<string, unknown>,
  action: 'copy' | 'forward',
): MessageRecord {
  const source = knownChat(deps, params.from_chat_id);
  const record = deps.world.message(source, params.message_id as number);
  if (!record) throw badRequest(`message to ${action} not found`);
  return record;
}

function batchIds(params: Record<string, unknown>): number[] {
  const ids = params.message_ids as number[];
  if (ids.length < 1 || ids.length > 100)
    throw invalid('message_ids must contain 1-100 identifiers');
  for (let i = 1; i < ids.length; i++) {
    if ((ids[i] as number) <= (ids[i - 1] as number)) {
      throw invalid('message identifiers must be specified in a strictly increasing order');
    }
  }
  return ids;
}

interface BatchItem {
  content: Partial<TgMessage>;
  group?: string;
  source: TgMessage;
}

/** The messages of a batch that exist and can be copied ("… they are skipped", says the doc). */
function batchPlan(
  deps: ApiDeps,
  params: Record<string, unknown>,
  mode: 'copy' | 'forward',
): BatchItem[] {
  const source = knownChat(deps, params.from_chat_id);
  const ids = batchIds(params);
  const plan: BatchItem[] = [];
  for (const id of ids) {
    const record = deps.world.message(source, id);
    if (!record) continue;
    let content: Partial<TgMessage>;
    try {
      content = copyableContent(record.message, mode === 'copy' ? 'copied' : 'forwarded');
    } catch {
      continue; // "If some of the specified messages can't be found or copied, they are skipped."
    }
    if (mode === 'copy' && params.remove_caption === true) {
      delete content.caption;
      delete content.caption_entities;
    }
    plan.push({ content, group: record.message.media_group_id, source: record.message });
  }
  return plan;
}

/** Copies or forwards several messages, keeping order and album grouping. */
const batch =
  (mode: 'copy' | 'forward'): ApiMethod =>
  (deps, { params }) => {
    const target = writableChat(deps, params.chat_id);
    const threadId = targetThread(deps, target, params.message_thread_id as number | undefined);
    const plan = batchPlan(deps, params, mode);
    if (plan.length === 0) throw badRequest(`there are no messages to ${mode}`);
    takeRate(deps, target, plan.length);
    const groups = new Map<string, string>();
    return plan.map(({ content, group, source }) => {
      if (group !== undefined) {
        if (!groups.has(group)) groups.set(group, deps.world.newMediaGroupId());
        content.media_group_id = groups.get(group) as string;
      }
      if (mode === 'forward')
        content.forward_origin = source.forward_origin ?? originOf(deps, source);
      const record = storeMessage(deps, target, threadId, undefined, content, params);
      return { message_id: record.message.message_id };
    });
  };

export const copyForwardMethods: MethodTable = {
  forwardMessage: (deps, { params }) => {
    const { message } = original(deps, params, 'forward');
    return send(deps, params, () => ({
      ...copyableContent(message, 'forwarded'),
      forward_origin: message.forward_origin ?? originOf(deps, message),
    }));
  },
  forwardMessages: batch('forward'),
  copyMessage: (deps, { params }) => {
    const { message } = original(deps, params, 'copy');
    const copy = send(deps, params, () => {
      const content = copyableContent(message, 'copied');
      if (params.caption !== undefined && mediaKindOf(message)) {
        delete content.caption;
        delete content.caption_entities;
        Object.assign(content, captionFields(deps, params));
      }
      return content;
    });
    return { message_id: copy.message_id };
  },
  copyMessages: batch('copy'),
};
