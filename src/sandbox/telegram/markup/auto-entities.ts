/** Entities Telegram finds in any text by itself: commands, URLs, e-mails, mentions, tags. */
import type { TgMessageEntity } from '../types.js';
import { sortEntities } from './common.js';

const AUTO_PATTERNS: { type: string; pattern: RegExp }[] = [
  {
    type: 'bot_command',
    pattern: /(?<![\w/])\/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,32})?(?![\w/])/g,
  },
  { type: 'url', pattern: /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)]/gi },
  { type: 'email', pattern: /\b[\w.+-]+@[\w-]+(\.[\w-]+)*\.[a-z]{2,}\b/gi },
  { type: 'mention', pattern: /(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}\b/g },
  { type: 'hashtag', pattern: /(?<![\w#])#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*/gu },
  { type: 'cashtag', pattern: /(?<![\w$])\$[A-Z]{3,8}\b/g },
];

/**
 * Entities Telegram detects by itself in any text (commands, URLs, mentions, hashtags…), merged
 * with the explicit ones; explicit entities win where they overlap.
 */
export function withAutoEntities(
  text: string,
  explicit: readonly TgMessageEntity[],
): TgMessageEntity[] {
  const found: TgMessageEntity[] = [];
  for (const { type, pattern } of AUTO_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const offset = match.index;
      const length = match[0].length;
      const overlaps = (e: TgMessageEntity) =>
        offset < e.offset + e.length && e.offset < offset + length;
      if (found.some(overlaps)) continue;
      if (
        explicit.some(
          (e) => overlaps(e) && (e.type === 'text_link' || e.type === 'code' || e.type === 'pre'),
        )
      ) {
        continue;
      }
      found.push({ type, offset, length });
    }
  }
  return sortEntities([...explicit, ...found]);
}
