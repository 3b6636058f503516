/** Message texts and captions: parse_mode or explicit entities, then Telegram's length rules. */
import { invalid } from '../api-error.js';
import {
  EntityParseError,
  parseMarkup,
  textLength,
  toParseMode,
  withAutoEntities,
} from '../markup/index.js';
import type { TgMessage, TgMessageEntity } from '../types.js';
import type { ApiDeps } from './deps.js';

/** Applies parse_mode / entities and Telegram's length rules. */
export function formatText(
  { world }: ApiDeps,
  raw: string,
  parseMode: unknown,
  explicit: unknown,
  kind: 'text' | 'caption',
): { text: string; entities: TgMessageEntity[] } {
  let text = raw;
  let entities: TgMessageEntity[] = [];
  if (Array.isArray(explicit)) {
    entities = (explicit as TgMessageEntity[])
      .filter((e) => e.offset < text.length)
      .map((e) => ({ ...e, length: Math.min(e.length, text.length - e.offset) }));
  } else if (typeof parseMode === 'string' && parseMode !== '') {
    const mode = toParseMode(parseMode);
    if (!mode) throw invalid(`unsupported parse_mode`);
    try {
      const parsed = parseMarkup(raw, mode, (id) => world.users.get(id));
      text = parsed.text;
      entities = parsed.entities;
    } catch (error) {
      if (error instanceof EntityParseError)
        throw invalid(`can't parse entities: ${error.message}`);
      throw error;
    }
  }
  if (kind === 'text') {
    if (text.trim() === '') throw invalid('message text is empty');
    if (textLength(text) > 4096) throw invalid('message is too long');
  } else if (textLength(text) > 1024) {
    throw invalid('message caption is too long');
  }
  return { text, entities: withAutoEntities(text, entities) };
}

/** The text of sendMessage / editMessageText (`text`, `parse_mode`, `entities`). */
export const formatMessageText = (deps: ApiDeps, params: Record<string, unknown>) =>
  formatText(deps, params.text as string, params.parse_mode, params.entities, 'text');

/** The caption fields of a media message (nothing for an empty caption). */
export function captionFields(deps: ApiDeps, params: Record<string, unknown>): Partial<TgMessage> {
  const caption = params.caption as string | undefined;
  if (caption === undefined || caption === '') return {};
  const formatted = formatText(
    deps,
    caption,
    params.parse_mode,
    params.caption_entities,
    'caption',
  );
  if (formatted.text.trim() === '') return {};
  const out: Partial<TgMessage> = { caption: formatted.text };
  if (formatted.entities.length > 0) out.caption_entities = formatted.entities;
  if (params.show_caption_above_media === true) out.show_caption_above_media = true;
  return out;
}
