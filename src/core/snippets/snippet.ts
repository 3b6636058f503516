/**
 * Saved replies (`/snippets`, `/s NAME`): a named text or media with its entities, sent to a
 * fan as a team answer. Placeholders (`{first_name}`…) are filled from the fan as plain
 * text — entities are shifted around the filled values, never parsed from Markdown or HTML.
 */

/** Media a snippet can carry, each with its Bot API send method and file parameter. */
export const SNIPPET_MEDIA = {
  photo: 'sendPhoto',
  video: 'sendVideo',
  animation: 'sendAnimation',
  document: 'sendDocument',
  audio: 'sendAudio',
  voice: 'sendVoice',
} as const;

export type SnippetMediaKind = keyof typeof SNIPPET_MEDIA;

export type SnippetKind = 'text' | SnippetMediaKind;

/** A Telegram MessageEntity as stored (any type; offsets in UTF-16 units). */
export interface SnippetEntity {
  type: string;
  offset: number;
  length: number;
  [field: string]: unknown;
}

/** What a snippet holds. */
export interface SnippetContent {
  kind: SnippetKind;
  /** The text, or the media's caption (null: none). */
  text: string | null;
  entities: SnippetEntity[];
  /** The media's Telegram file id (null for text). */
  fileId: string | null;
}

export interface Snippet extends SnippetContent {
  id: number;
  name: string;
  updatedBy: number;
  updatedAt: Date;
}

/** The snippets' port (src/adapters/db/snippet-store.ts). */
export interface SnippetStore {
  list(): Promise<Snippet[]>;
  byName(name: string): Promise<Snippet | null>;
  byId(id: number): Promise<Snippet | null>;
  /** Adds a snippet; false when the name is taken. */
  add(name: string, content: SnippetContent, by: number, now: Date): Promise<boolean>;
  /** Replaces a snippet's content; false when there is no such snippet. */
  update(name: string, content: SnippetContent, by: number, now: Date): Promise<boolean>;
  /** Deletes a snippet; false when there was none. */
  remove(name: string): Promise<boolean>;
}

/** Snippet names: 1–32 lower-case letters, digits, `_` or `-` (typed after `/s`). */
const NAME = /^[a-z0-9_-]{1,32}$/;

/** The normalised name (lower case), or null when it is not a valid snippet name. */
export function snippetName(raw: string): string | null {
  const name = raw.trim().toLowerCase();
  return NAME.test(name) ? name : null;
}

/** What the placeholders stand for. */
export interface SnippetFan {
  id: number;
  firstName?: string | null;
  lastName?: string | null;
  username?: string | null;
}

/** The placeholders a snippet may use, in the order `/snippets` lists them. */
export const SNIPPET_PLACEHOLDERS = [
  'first_name',
  'last_name',
  'full_name',
  'username',
  'fan_id',
] as const;

function valueOf(name: string, fan: SnippetFan): string | undefined {
  const first = fan.firstName?.trim() ?? '';
  const last = fan.lastName?.trim() ?? '';
  switch (name) {
    case 'first_name':
      return first;
    case 'last_name':
      return last;
    case 'full_name':
      return [first, last].filter(Boolean).join(' ');
    case 'username':
      return fan.username ? `@${fan.username}` : '';
    case 'fan_id':
      return String(fan.id);
    default:
      return undefined;
  }
}

interface Replacement {
  start: number;
  end: number;
  value: string;
  /** Where the value starts in the new text. */
  at: number;
}

/** Telegram's limits: 4096 for a text, 1024 for a caption (UTF-16 units). */
export const TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

/**
 * `text` with its known placeholders replaced by the fan's values (unknown ones stay as
 * typed), and `entities` moved to match: an entity around a placeholder grows or shrinks
 * with it. The result is cut to `limit`.
 */
export function fillPlaceholders(
  text: string,
  entities: readonly SnippetEntity[],
  fan: SnippetFan,
  limit = TEXT_LIMIT,
): { text: string; entities: SnippetEntity[] } {
  const replacements: Replacement[] = [];
  let out = '';
  let last = 0;
  for (const match of text.matchAll(/\{([a-z_]+)\}/g)) {
    const value = valueOf(match[1]!, fan);
    if (value === undefined) continue;
    const start = match.index;
    out += text.slice(last, start);
    replacements.push({ start, end: start + match[0].length, value, at: out.length });
    out += value;
    last = start + match[0].length;
  }
  out += text.slice(last);
  const map = (position: number, side: 'start' | 'end'): number => {
    let shift = 0;
    for (const r of replacements) {
      if (r.end <= position) shift += r.value.length - (r.end - r.start);
      else if (r.start < position) return side === 'start' ? r.at : r.at + r.value.length;
      else break;
    }
    return position + shift;
  };
  const cut = out.length > limit ? out.slice(0, limit) : out;
  const moved: SnippetEntity[] = [];
  for (const entity of entities) {
    const start = map(entity.offset, 'start');
    const end = Math.min(map(entity.offset + entity.length, 'end'), cut.length);
    if (end > start) moved.push({ ...entity, offset: start, length: end - start });
  }
  return { text: cut, entities: moved };
}

/** The Bot API call (method and params, without chat_id) that sends a snippet to a fan. */
export function snippetCall(
  content: SnippetContent,
  fan: SnippetFan,
): { method: string; params: Record<string, unknown> } {
  if (content.kind === 'text' || content.fileId === null) {
    const filled = fillPlaceholders(content.text ?? '', content.entities, fan, TEXT_LIMIT);
    return {
      method: 'sendMessage',
      params: {
        text: filled.text,
        ...(filled.entities.length > 0 ? { entities: filled.entities } : {}),
      },
    };
  }
  const params: Record<string, unknown> = { [content.kind]: content.fileId };
  if (content.text) {
    const filled = fillPlaceholders(content.text, content.entities, fan, CAPTION_LIMIT);
    params.caption = filled.text;
    if (filled.entities.length > 0) params.caption_entities = filled.entities;
  }
  return { method: SNIPPET_MEDIA[content.kind], params };
}

/**
 * The dedupe key of a snippet sent to a fan. It names the team's message it answers (the
 * `/s` command, or the picker's message and the snippet pressed), which the delivery hook
 * links to the fan's copy like a relayed answer (`snippetSourceOf`).
 */
export function snippetJobKey(chatId: number, messageId: number, snippetId?: number): string {
  return `snippet:${chatId}:${messageId}${snippetId === undefined ? '' : `:${snippetId}`}`;
}

/** The team message a snippet job answers (null: not a snippet job). */
export function snippetSourceOf(
  dedupeKey: string | null | undefined,
): { from_chat_id: number; message_id: number } | null {
  const match = /^snippet:(-?\d+):(\d+)(?::\d+)?$/.exec(dedupeKey ?? '');
  if (!match) return null;
  return { from_chat_id: Number(match[1]), message_id: Number(match[2]) };
}
