/**
 * The "✏️ Edited:" notice a fan's edit becomes in their topic: the label, then the new text
 * with the fan's own formatting shifted behind it. Telegram refuses texts over 4096
 * characters, and a label in front can push a full-length edit over, so the notice is split
 * into several messages (on a line break or a space when there is one) instead of dropped.
 */
import { TextBuilder } from '../formatted-text.js';

/** Telegram's limit for a message text, in UTF-16 code units. */
export const MAX_TEXT_LENGTH = 4096;

/** A Telegram message entity (any type: the fan's own bold, links, mentions…). */
export interface AnyEntity {
  type: string;
  offset: number;
  length: number;
  [field: string]: unknown;
}

/** A text with entities, ready for sendMessage. */
export interface NoticePart {
  text: string;
  entities: AnyEntity[];
}

/** Where the part starting at `start` ends: at most `max` on, on a break in its second half. */
function cutAt(text: string, start: number, max: number): number {
  if (text.length - start <= max) return text.length;
  let end = start + max;
  const window = text.slice(start + Math.floor(max / 2), end);
  const brk = Math.max(window.lastIndexOf('\n'), window.lastIndexOf(' '));
  if (brk >= 0) return start + Math.floor(max / 2) + brk + 1;
  // Never cut a surrogate pair in two.
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return end;
}

/** Splits a text into parts of at most `max` characters, each with its clipped entities. */
export function splitText(
  text: string,
  entities: readonly AnyEntity[],
  max = MAX_TEXT_LENGTH,
): NoticePart[] {
  const parts: NoticePart[] = [];
  for (let start = 0; start < text.length;) {
    const end = cutAt(text, start, max);
    const clipped: AnyEntity[] = [];
    for (const e of entities) {
      const from = Math.max(e.offset, start);
      const to = Math.min(e.offset + e.length, end);
      if (to > from) clipped.push({ ...e, offset: from - start, length: to - from });
    }
    parts.push({ text: text.slice(start, end), entities: clipped });
    start = end;
  }
  return parts;
}

/**
 * The notice of a fan's edit: `label` in italics, then the new text (absent for a media
 * message without caption) with the fan's `own` entities; one part per message to send.
 */
export function editNoticeParts(
  label: string,
  newText: string | undefined,
  own: readonly AnyEntity[],
  max = MAX_TEXT_LENGTH,
): NoticePart[] {
  const builder = new TextBuilder().italic(label);
  if (newText !== undefined) builder.newline();
  const offset = builder.build().text.length;
  const built = builder.plain(newText ?? '').build();
  const shifted = own.map((e) => ({ ...e, offset: e.offset + offset }));
  const labelled: AnyEntity[] = built.entities.map((e) => ({ ...e }));
  return splitText(built.text, [...labelled, ...shifted], max);
}
