/** Sending: sendMessage, send<Media>, sendLocation, sendContact, sendMediaGroup, sendChatAction. */
import { invalid } from '../../api-error.js';
import type { TgMessage } from '../../types.js';
import type { MediaKind } from '../../world.js';
import { replyTarget, takeRate, targetThread, writableChat } from '../access.js';
import type { ApiMethod, MethodTable } from '../deps.js';
import { mediaContent, resolveFile } from '../media.js';
import { send, storeMessage } from '../outgoing.js';
import { captionFields, formatMessageText } from '../text.js';

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

const sendMedia =
  (kind: MediaKind): ApiMethod =>
  (deps, { params, uploads }) =>
    send(deps, params, () => mediaContent(deps, kind, params, uploads));

const sendMediaGroup: ApiMethod = (deps, { params, uploads }) => {
  const chat = writableChat(deps, params.chat_id);
  let threadId = targetThread(deps, chat, params.message_thread_id as number | undefined);
  const media = params.media as Record<string, unknown>[];
  if (media.length < 2 || media.length > 10) throw invalid('media group must contain 2-10 items');
  const kinds = new Set(media.map((item) => String(item.type)));
  if (kinds.has('animation')) throw invalid("animations can't be sent in a media group");
  const only = (kind: string) => kinds.has(kind) && kinds.size > 1;
  if (only('document') || only('audio'))
    throw invalid("documents and audio can't be mixed with other media types");
  const contents = media.map((item) => {
    const kind = item.type === 'live_photo' ? 'photo' : (item.type as MediaKind);
    const content: Partial<TgMessage> = deps.world.mediaFields(
      resolveFile(deps, kind, item.media, uploads),
    );
    Object.assign(content, captionFields(deps, item));
    if (item.has_spoiler === true) content.has_media_spoiler = true;
    return content;
  });
  const reply = replyTarget(deps, chat, params);
  if (reply?.message.is_topic_message) threadId = reply.message.message_thread_id;
  takeRate(deps, chat, contents.length);
  const group = deps.world.newMediaGroupId();
  return contents.map(
    (content) =>
      storeMessage(deps, chat, threadId, reply, { ...content, media_group_id: group }, params)
        .message,
  );
};

export const messageMethods: MethodTable = {
  sendMessage: (deps, { params }) =>
    send(deps, params, () => {
      const formatted = formatMessageText(deps, params);
      const content: Partial<TgMessage> = { text: formatted.text };
      if (formatted.entities.length > 0) content.entities = formatted.entities;
      const preview = params.link_preview_options as Record<string, unknown> | undefined;
      if (preview) content.link_preview_options = preview;
      else if (params.disable_web_page_preview === true)
        content.link_preview_options = { is_disabled: true };
      return content;
    }),
  sendPhoto: sendMedia('photo'),
  sendAudio: sendMedia('audio'),
  sendDocument: sendMedia('document'),
  sendVideo: sendMedia('video'),
  sendAnimation: sendMedia('animation'),
  sendVoice: sendMedia('voice'),
  sendVideoNote: sendMedia('video_note'),
  sendSticker: sendMedia('sticker'),
  sendLocation: (deps, { params }) =>
    send(deps, params, () => {
      const latitude = params.latitude as number;
      const longitude = params.longitude as number;
      if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180)
        throw invalid('wrong latitude or longitude');
      const location: NonNullable<TgMessage['location']> = { latitude, longitude };
      for (const key of [
        'horizontal_accuracy',
        'live_period',
        'heading',
        'proximity_alert_radius',
      ]) {
        if (params[key] !== undefined) location[key] = params[key];
      }
      return { location };
    }),
  sendContact: (deps, { params }) =>
    send(deps, params, () => {
      const contact: NonNullable<TgMessage['contact']> = {
        phone_number: params.phone_number as string,
        first_name: params.first_name as string,
      };
      if (params.last_name !== undefined) contact.last_name = params.last_name as string;
      if (params.vcard !== undefined) contact.vcard = params.vcard as string;
      return { contact };
    }),
  sendMediaGroup,
  sendChatAction: (deps, { params }) => {
    const chat = writableChat(deps, params.chat_id);
    const threadId = targetThread(deps, chat, params.message_thread_id as number | undefined);
    const action = params.action as string;
    if (!CHAT_ACTIONS.has(action)) throw invalid('wrong parameter action in request');
    chat.lastAction = {
      action,
      at: deps.now(),
      ...(threadId !== undefined ? { threadId } : {}),
    };
    return true;
  },
};
