/**
 * Editing the bot's messages: editMessageText, editMessageCaption, editMessageMedia,
 * editMessageReplyMarkup.
 */
import { badRequest, invalid } from '../../api-error.js';
import type { TgMessage } from '../../types.js';
import {
  MEDIA_KINDS,
  mediaKindOf,
  type ChatRecord,
  type MediaKind,
  type MessageRecord,
} from '../../world.js';
import { memberChat, takeRate } from '../access.js';
import type { ApiDeps, MethodTable } from '../deps.js';
import { resolveFile } from '../media.js';
import { captionFields, formatMessageText } from '../text.js';

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

/** The fields whose change makes an edit more than a no-op. */
const EDITABLE_FIELDS = [
  'text',
  'entities',
  'caption',
  'caption_entities',
  'reply_markup',
  'show_caption_above_media',
  'has_media_spoiler',
  ...MEDIA_KINDS,
];

function editTarget(
  deps: ApiDeps,
  params: Record<string, unknown>,
): { chat: ChatRecord; record: MessageRecord } {
  if (params.inline_message_id !== undefined) throw badRequest('MESSAGE_ID_INVALID');
  if (params.chat_id === undefined) throw invalid('chat_id is empty');
  if (params.message_id === undefined) throw invalid('message identifier is not specified');
  const chat = memberChat(deps, params.chat_id);
  const record = deps.world.message(chat, params.message_id as number);
  if (!record) throw badRequest('message to edit not found');
  if (record.message.from?.id !== deps.world.bot.id) throw badRequest("message can't be edited");
  return { chat, record };
}

function applyEdit(
  deps: ApiDeps,
  { chat, record }: { chat: ChatRecord; record: MessageRecord },
  changes: Partial<TgMessage>,
  markup: unknown,
): TgMessage {
  const message = record.message;
  const next: Record<string, unknown> = { ...message, ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete next[key];
  if (markup && typeof markup === 'object' && 'inline_keyboard' in markup)
    next.reply_markup = markup;
  else delete next.reply_markup;
  const same = (key: string) =>
    JSON.stringify(next[key]) ===
    JSON.stringify((message as unknown as Record<string, unknown>)[key]);
  if (EDITABLE_FIELDS.every(same)) throw badRequest(NOT_MODIFIED);
  takeRate(deps, chat, 1, true);
  next.edit_date = deps.world.unixNow();
  record.message = next as unknown as TgMessage;
  record.edited = true;
  return record.message;
}

export const editMethods: MethodTable = {
  editMessageText: (deps, { params }) => {
    const target = editTarget(deps, params);
    if (target.record.message.text === undefined)
      throw badRequest('there is no text in the message to edit');
    if (params.text === undefined) throw invalid('message text is empty');
    const formatted = formatMessageText(deps, params);
    return applyEdit(
      deps,
      target,
      {
        text: formatted.text,
        entities: formatted.entities.length > 0 ? formatted.entities : undefined,
      },
      params.reply_markup,
    );
  },
  editMessageCaption: (deps, { params }) => {
    const target = editTarget(deps, params);
    if (!mediaKindOf(target.record.message))
      throw badRequest('there is no caption in the message to edit');
    const caption = captionFields(deps, params);
    return applyEdit(
      deps,
      target,
      {
        caption: caption.caption,
        caption_entities: caption.caption_entities,
        show_caption_above_media: caption.show_caption_above_media,
      },
      params.reply_markup,
    );
  },
  editMessageMedia: (deps, { params, uploads }) => {
    const target = editTarget(deps, params);
    const old = mediaKindOf(target.record.message);
    if (!old) throw badRequest('there is no media in the message to edit');
    const media = params.media as Record<string, unknown>;
    const kind = (media.type === 'live_photo' ? 'photo' : media.type) as MediaKind;
    if (target.record.message.media_group_id !== undefined) {
      // In an album, a document or audio can only replace one of the same kind.
      const sameFamily = (k: string) => (k === 'document' || k === 'audio' ? k : 'visual');
      if (sameFamily(kind) !== sameFamily(old))
        throw badRequest("can't change media type in album");
    }
    const changes: Record<string, unknown> = {};
    for (const field of MEDIA_KINDS) changes[field] = undefined;
    Object.assign(changes, deps.world.mediaFields(resolveFile(deps, kind, media.media, uploads)));
    const caption = captionFields(deps, media);
    changes.caption = caption.caption;
    changes.caption_entities = caption.caption_entities;
    changes.show_caption_above_media = caption.show_caption_above_media;
    changes.has_media_spoiler = media.has_spoiler === true ? true : undefined;
    return applyEdit(deps, target, changes as Partial<TgMessage>, params.reply_markup);
  },
  editMessageReplyMarkup: (deps, { params }) =>
    applyEdit(deps, editTarget(deps, params), {}, params.reply_markup),
};
