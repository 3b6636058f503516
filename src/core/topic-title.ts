/**
 * The title of a fan's topic: their name and @username as plain text. Topic names are not
 * parsed for markup, so a name like `<b>_*[x](y)` shows literally; control and invisible
 * formatting characters are removed and the title is cut (on a character boundary) to
 * Telegram's 128-character limit.
 */

/** Telegram's limit for forum topic names (UTF-16 code units, like every Bot API length). */
export const MAX_TOPIC_TITLE = 128;

/** What a title is built from. */
export interface TitleProfile {
  firstName?: string | null;
  lastName?: string | null;
  username?: string | null;
}

/** Removes control and bidi/format characters (keeps the zero-width joiner of emoji). */
export function cleanName(value: string | null | undefined): string {
  if (!value) return '';
  return value
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/(?!\u200d)\p{Cf}/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Cuts `value` to at most `max` UTF-16 units without splitting a character (ends with …). */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  let out = '';
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { segment } of segmenter.segment(value)) {
    if (out.length + segment.length > max - 1) break;
    out += segment;
  }
  return `${out.trimEnd()}…`;
}

/** `First Last @username`, or `Fan <id>` without a usable name; at most 128 characters. */
export function topicTitle(profile: TitleProfile | null, fanId: number): string {
  const name = cleanName([profile?.firstName, profile?.lastName].filter(Boolean).join(' '));
  const username = cleanName(profile?.username).replace(/\s/g, '');
  const handle = username ? ` @${username}` : '';
  const base = name || `Fan ${fanId}`;
  if (base.length + handle.length <= MAX_TOPIC_TITLE) return `${base}${handle}`;
  if (handle.length >= MAX_TOPIC_TITLE / 2) return truncate(base, MAX_TOPIC_TITLE);
  return `${truncate(base, MAX_TOPIC_TITLE - handle.length)}${handle}`;
}
