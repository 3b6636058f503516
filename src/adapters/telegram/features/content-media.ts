/** The vault's view of a Telegram message: which file it carries (the largest photo size). */
import type { ContentFile } from '../../../core/content/items.js';

/** The media fields of a message the vault reads. */
export interface MediaMessage {
  media_group_id?: string;
  photo?: { file_id: string; width?: number }[];
  video?: { file_id: string };
  animation?: { file_id: string };
  document?: { file_id: string };
  audio?: { file_id: string };
  voice?: { file_id: string };
}

/** The file of a photo, video, animation, document, audio or voice message; null for the rest. */
export function contentFileOf(message: MediaMessage): ContentFile | null {
  const photo = message.photo?.at(-1);
  if (photo) return { kind: 'photo', fileId: photo.file_id };
  // An animation message also carries `document`: it is an animation.
  if (message.animation) return { kind: 'animation', fileId: message.animation.file_id };
  for (const kind of ['video', 'document', 'audio', 'voice'] as const) {
    const file = message[kind];
    if (file) return { kind, fileId: file.file_id };
  }
  return null;
}
