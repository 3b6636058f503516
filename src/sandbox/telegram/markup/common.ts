/** What the three markup parsers share: the error, offsets, links, ordering, pre blocks. */
import type { TgMessageEntity, TgUser } from '../types.js';

/** A markup error; `message` is the part after "Bad Request: can't parse entities: ". */
export class EntityParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EntityParseError';
  }
}

export interface ParsedText {
  text: string;
  entities: TgMessageEntity[];
}

/** Resolves `tg://user?id=N` links to a user for text_mention entities. */
export type UserLookup = (id: number) => TgUser | undefined;

/** Throws the EntityParseError for `message`. */
export function fail(message: string): never {
  throw new EntityParseError(message);
}

/** Telegram reports positions in UTF-8 bytes. */
export const byteOffset = (source: string, index: number): number =>
  Buffer.byteLength(source.slice(0, index), 'utf8');

/** A text_mention for a known `tg://user?id=N`, a text_link for a valid URL, else nothing. */
export function linkEntity(
  offset: number,
  length: number,
  url: string,
  users: UserLookup,
): TgMessageEntity | undefined {
  const mention = /^tg:(?:\/\/)?user\/?\?(?:.*&)?id=(\d+)/i.exec(url);
  if (mention) {
    const user = users(Number(mention[1]));
    return user ? { type: 'text_mention', offset, length, user } : undefined;
  }
  const normalized = normalizeUrl(url);
  return normalized === undefined
    ? undefined
    : { type: 'text_link', offset, length, url: normalized };
}

/** Like tdlib's check_url: a scheme-less domain gets http://; garbage is dropped (no error). */
export function normalizeUrl(url: string): string | undefined {
  const trimmed = url.trim();
  if (/^(https?|tg|ton):\/\/\S+$/i.test(trimmed)) return trimmed;
  if (/^[\w-]+(\.[\w-]+)*\.[a-z]{2,}(:\d+)?([/?#]\S*)?$/i.test(trimmed)) return `http://${trimmed}`;
  return undefined;
}

export function sortEntities(entities: TgMessageEntity[]): TgMessageEntity[] {
  return entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
}

/** A one-pass parser: `step` consumes the character at `i`, then the loop moves past it. */
export abstract class MarkupParser<Open> {
  protected i = 0;
  protected out = '';
  protected readonly entities: TgMessageEntity[] = [];
  protected readonly stack: Open[] = [];

  constructor(
    protected readonly src: string,
    protected readonly users: UserLookup,
  ) {}

  parse(): ParsedText {
    for (this.i = 0; this.i < this.src.length; this.i++) this.step();
    this.finish();
    return { text: this.out, entities: sortEntities(this.entities) };
  }

  protected abstract step(): void;

  /** Fails on what is still open at the end of the text (and closes what may stay open). */
  protected abstract finish(): void;

  protected get top(): Open | undefined {
    return this.stack[this.stack.length - 1];
  }
}

/**
 * Reads what follows an opening ``` at `index`: an optional language (a word directly followed
 * by whitespace) and one line break; returns the language ('' for none) and where the code starts.
 */
export function preOpening(src: string, index: number): { language: string; next: number } {
  let i = index;
  let language = '';
  let end = i;
  while (end < src.length && !/\s/.test(src[end] as string) && src[end] !== '`') end++;
  if (end !== i && end < src.length && src[end] !== '`') {
    language = src.slice(i, end);
    i = end;
  }
  if (src[i] === '\n' || src[i] === '\r') {
    const pair = (src[i + 1] === '\n' || src[i + 1] === '\r') && src[i] !== src[i + 1];
    i += pair ? 2 : 1;
  }
  return { language, next: i };
}
