/**
 * Telegram's formatting options (MarkdownV2, legacy Markdown, HTML) parsed the way the Bot API
 * server does it (modelled on tdlib's MessageEntity.cpp): the same accepted syntax and the same
 * "can't parse entities: …" messages with UTF-8 byte offsets. Offsets and lengths of the produced
 * entities are in UTF-16 code units, like JavaScript string indexes.
 */
import type { ParsedText, UserLookup } from './common.js';
import { parseHtml } from './html.js';
import { parseMarkdownLegacy } from './markdown.js';
import { parseMarkdownV2 } from './markdown-v2.js';

export { withAutoEntities } from './auto-entities.js';
export { EntityParseError, normalizeUrl, type ParsedText, type UserLookup } from './common.js';

export type ParseMode = 'MarkdownV2' | 'Markdown' | 'HTML';

export const PARSE_MODES: readonly ParseMode[] = ['MarkdownV2', 'Markdown', 'HTML'];

/** Parses `text` with `mode`; throws EntityParseError with Telegram's wording on bad markup. */
export function parseMarkup(
  text: string,
  mode: ParseMode,
  users: UserLookup = () => undefined,
): ParsedText {
  switch (mode) {
    case 'MarkdownV2':
      return parseMarkdownV2(text, users);
    case 'Markdown':
      return parseMarkdownLegacy(text, users);
    case 'HTML':
      return parseHtml(text, users);
  }
}

/** Resolves parse_mode names case-insensitively, as the Bot API does. */
export function toParseMode(value: string): ParseMode | undefined {
  const lower = value.toLowerCase();
  return PARSE_MODES.find((mode) => mode.toLowerCase() === lower);
}

/** Telegram's limits count UTF-16 code units here (stricter than code points, never looser). */
export const textLength = (text: string): number => text.length;
