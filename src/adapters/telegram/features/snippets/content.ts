/** What a team message holds as a saved reply: its text or its media, with entities. */
import {
  SNIPPET_MEDIA,
  type SnippetContent,
  type SnippetEntity,
  type SnippetMediaKind,
} from '../../../../core/snippets/snippet.js';

interface SourceMessage {
  text?: string;
  entities?: SnippetEntity[];
  caption?: string;
  caption_entities?: SnippetEntity[];
  photo?: { file_id: string }[];
  [kind: string]: unknown;
}

/** The message's content as a snippet, or null when it holds nothing a snippet can carry. */
export function snippetContentOf(message: SourceMessage): SnippetContent | null {
  if (typeof message.text === 'string' && message.text.length > 0) {
    return { kind: 'text', text: message.text, entities: message.entities ?? [], fileId: null };
  }
  const caption = { text: message.caption ?? null, entities: message.caption_entities ?? [] };
  if (Array.isArray(message.photo) && message.photo.length > 0) {
    // Telegram lists the sizes smallest first: keep the largest.
    return { kind: 'photo', ...caption, fileId: message.photo[message.photo.length - 1]!.file_id };
  }
  for (const kind of Object.keys(SNIPPET_MEDIA) as SnippetMediaKind[]) {
    const media = message[kind] as { file_id?: unknown } | undefined;
    if (kind !== 'photo' && media && typeof media.file_id === 'string') {
      return { kind, ...caption, fileId: media.file_id };
    }
  }
  return null;
}
