/** Files sent by the bot: uploads, URLs and file_ids resolved to stored files of a media kind. */
import { badRequest, invalid } from '../api-error.js';
import type { TgMessage } from '../types.js';
import { isUpload, type UploadedFile } from '../validate.js';
import type { FileRecord, MediaKind } from '../world.js';
import type { ApiDeps } from './deps.js';
import { captionFields } from './text.js';

const MEDIA_TYPE_NAMES: Record<MediaKind, string> = {
  photo: 'Photo',
  audio: 'Audio',
  document: 'Document',
  video: 'Video',
  animation: 'Animation',
  voice: 'Voice',
  video_note: 'VideoNote',
  sticker: 'Sticker',
};

/** Resolves an InputFile or String (file_id, URL or attach://name) to a stored file. */
export function resolveFile(
  { world }: ApiDeps,
  kind: MediaKind,
  value: unknown,
  uploads: ReadonlyMap<string, UploadedFile>,
): FileRecord {
  let upload: UploadedFile | undefined;
  if (isUpload(value)) upload = value;
  else if (typeof value === 'string' && value.startsWith('attach://')) {
    upload = uploads.get(value.slice('attach://'.length));
    if (!upload) throw invalid(`wrong file identifier/HTTP URL specified`);
  }
  if (upload) {
    if (upload.data.length === 0) throw invalid('file must be non-empty');
    return world.addFile(kind, {
      data: upload.data,
      fileName: upload.filename,
      mimeType: upload.contentType,
    });
  }
  const text = String(value);
  if (/^https?:\/\//i.test(text)) {
    const name = text.split('/').pop()?.split('?')[0] || undefined;
    return world.addFile(kind, { fileName: name });
  }
  const file = world.files.get(text.trim());
  if (!file) throw invalid('wrong file identifier/HTTP URL specified');
  const compatible =
    file.kind === kind ||
    (kind === 'document' && file.kind !== 'photo' && file.kind !== 'sticker') ||
    (kind === 'video' && file.kind === 'animation') ||
    (kind === 'animation' && file.kind === 'video');
  if (!compatible) {
    throw badRequest(
      `can't use file of type ${MEDIA_TYPE_NAMES[file.kind]} as ${MEDIA_TYPE_NAMES[kind]}`,
    );
  }
  return file;
}

/** The content of a send<Media> message: the file, its declared attributes and the caption. */
export function mediaContent(
  deps: ApiDeps,
  kind: MediaKind,
  params: Record<string, unknown>,
  uploads: ReadonlyMap<string, UploadedFile>,
): Partial<TgMessage> {
  const file = resolveFile(deps, kind, params[kind], uploads);
  const fields = deps.world.mediaFields(file);
  const object = fields[kind === 'animation' ? 'animation' : kind];
  if (object && !Array.isArray(object)) {
    for (const key of ['duration', 'width', 'height', 'performer', 'title']) {
      if (params[key] !== undefined) object[key] = params[key];
    }
    if (kind === 'video_note' && params.length !== undefined) object.length = params.length;
    if (kind === 'sticker' && params.emoji !== undefined) object.emoji = params.emoji;
  }
  const content: Partial<TgMessage> = { ...fields };
  if (kind !== 'sticker' && kind !== 'video_note')
    Object.assign(content, captionFields(deps, params));
  if (params.has_spoiler === true) content.has_media_spoiler = true;
  return content;
}
