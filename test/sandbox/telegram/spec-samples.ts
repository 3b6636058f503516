import type { Spec, SpecField } from './helpers.js';

/**
 * Spec-driven samples, so tests can send Telegram's whole vocabulary through the simulator
 * instead of a hand list: a minimal valid value of any Bot API type, and the fields of
 * `Message` sorted into what a person sent (content), what Telegram reports (service), and
 * the envelope around either (meta).
 */

/** A minimal value of `type` (a spec type string) with every required field, recursively. */
export function sampleOf(spec: Spec, type: string, depth = 0): unknown {
  const first = type.split(' or ')[0]!.trim();
  if (first.startsWith('Array of '))
    return [sampleOf(spec, first.slice('Array of '.length), depth)];
  switch (first) {
    case 'Integer':
      return 1;
    case 'Float':
      return 1.5;
    case 'String':
      return 'sample';
    case 'Boolean':
    case 'True':
      return true;
    default:
      break;
  }
  if (depth > 8) throw new Error(`sampleOf: ${type} nests too deep`);
  const definition = spec.types[first];
  if (!definition) throw new Error(`sampleOf: unknown spec type ${first}`);
  if (definition.subtypes && definition.subtypes.length > 0)
    return sampleOf(spec, definition.subtypes[0]!, depth + 1);
  const out: Record<string, unknown> = {};
  for (const field of definition.fields ?? []) {
    if (!field.required) continue;
    out[field.name] = sampleField(spec, field, depth);
  }
  return out;
}

function sampleField(spec: Spec, field: SpecField, depth: number): unknown {
  // Discriminators: 'Type of the origin, always “user”'.
  const always = /always [“"]([^”"]+)[”"]/.exec(field.description ?? '');
  if (always && field.types[0] === 'String') return always[1];
  if (field.name === 'currency') return 'XTR';
  if (field.name === 'status' && field.types[0] === 'String') return 'member';
  return sampleOf(spec, field.types.join(' or '), depth + 1);
}

/** The fields of Message that frame a message rather than being one (ids, replies, captions…). */
const META_FIELDS = new Set([
  'message_id',
  'message_thread_id',
  'direct_messages_topic',
  'from',
  'sender_chat',
  'sender_boost_count',
  'sender_business_bot',
  'sender_tag',
  'date',
  'guest_query_id',
  'business_connection_id',
  'chat',
  'forward_origin',
  'is_topic_message',
  'is_automatic_forward',
  'reply_to_message',
  'external_reply',
  'quote',
  'reply_to_story',
  'reply_to_checklist_task_id',
  'reply_to_poll_option_id',
  'via_bot',
  'guest_bot_caller_user',
  'guest_bot_caller_chat',
  'edit_date',
  'has_protected_content',
  'is_from_offline',
  'is_paid_post',
  'media_group_id',
  'author_signature',
  'paid_star_count',
  'entities',
  'link_preview_options',
  'suggested_post_info',
  'effect_id',
  'caption',
  'caption_entities',
  'show_caption_above_media',
  'has_media_spoiler',
  'reply_markup',
]);

/** Content is what the spec describes as "Message is …" (not "a service message"), or text. */
const CONTENT_DESCRIPTION =
  /^Optional\. (Message is (?!a service)|Message contains|For text messages, the actual|The message is a scheduled giveaway)/;

/**
 * The fields of Message by role, from the spec: `content` (text, photo, poll, dice…),
 * `service` (everything else that is not part of the envelope: auto-delete timer, gifts,
 * boosts, payments' own messages, pins, topics…) and `meta` (the envelope).
 */
export function messageFieldsByRole(spec: Spec): {
  content: string[];
  service: string[];
  meta: string[];
} {
  const out = { content: [] as string[], service: [] as string[], meta: [] as string[] };
  for (const field of spec.types.Message?.fields ?? []) {
    if (META_FIELDS.has(field.name)) out.meta.push(field.name);
    else if (CONTENT_DESCRIPTION.test(field.description ?? '')) out.content.push(field.name);
    else out.service.push(field.name);
  }
  return out;
}
