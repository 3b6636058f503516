/**
 * Telegram's formatting options (MarkdownV2, legacy Markdown, HTML) parsed the way the Bot API
 * server does it (modelled on tdlib's MessageEntity.cpp): the same accepted syntax and the same
 * "can't parse entities: …" messages with UTF-8 byte offsets. Offsets and lengths of the produced
 * entities are in UTF-16 code units, like JavaScript string indexes.
 */
import type { TgMessageEntity, TgUser } from './types.js';

export type ParseMode = 'MarkdownV2' | 'Markdown' | 'HTML';

export const PARSE_MODES: readonly ParseMode[] = ['MarkdownV2', 'Markdown', 'HTML'];

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

const byteOffset = (source: string, index: number): number =>
  Buffer.byteLength(source.slice(0, index), 'utf8');

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

function linkEntity(
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

function sortEntities(entities: TgMessageEntity[]): TgMessageEntity[] {
  return entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
}

const V2_RESERVED = '_*[]()~`>#+-=|{}.!';

type V2Kind =
  | 'Bold'
  | 'Italic'
  | 'Underline'
  | 'Strikethrough'
  | 'Spoiler'
  | 'TextUrl'
  | 'CustomEmoji'
  | 'Code'
  | 'Pre'
  | 'PreCode';

interface OpenV2 {
  kind: V2Kind;
  offset: number;
  byte: number;
  argument: string;
}

const V2_ENTITY_TYPES: Record<Exclude<V2Kind, 'TextUrl' | 'CustomEmoji'>, string> = {
  Bold: 'bold',
  Italic: 'italic',
  Underline: 'underline',
  Strikethrough: 'strikethrough',
  Spoiler: 'spoiler',
  Code: 'code',
  Pre: 'pre',
  PreCode: 'pre',
};

function parseMarkdownV2(src: string, users: UserLookup): ParsedText {
  let out = '';
  const entities: TgMessageEntity[] = [];
  const stack: OpenV2[] = [];
  let quote: { offset: number; byte: number; expandable: boolean } | undefined;
  const fail = (message: string): never => {
    throw new EntityParseError(message);
  };
  const closeQuote = () => {
    if (quote && out.length > quote.offset) {
      entities.push({
        type: quote.expandable ? 'expandable_blockquote' : 'blockquote',
        offset: quote.offset,
        length: out.length - quote.offset,
      });
    }
    quote = undefined;
  };

  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    const top = stack[stack.length - 1];
    const inCode =
      top !== undefined && (top.kind === 'Code' || top.kind === 'Pre' || top.kind === 'PreCode');
    const lineStart = i === 0 || src[i - 1] === '\n';

    if (c === '\\') {
      const next = src.charCodeAt(i + 1);
      if (next > 0 && next <= 126) {
        out += src[i + 1];
        i++;
        continue;
      }
    }
    if (!inCode && lineStart && stack.length === 0) {
      if (c === '>') {
        if (!quote) quote = { offset: out.length, byte: byteOffset(src, i), expandable: false };
        continue;
      }
      if (src.startsWith('**>', i)) {
        closeQuote();
        quote = { offset: out.length, byte: byteOffset(src, i), expandable: true };
        i += 2;
        continue;
      }
    }
    if (c === '\n' && quote && !inCode) {
      const nextIsQuote = src[i + 1] === '>';
      if (!nextIsQuote) {
        if (stack.length > 0) {
          // Entities can't span past the end of a quotation.
          const open = stack[stack.length - 1] as OpenV2;
          fail(`Can't find end of ${open.kind} entity at byte offset ${open.byte}`);
        }
        closeQuote();
      }
      out += c;
      continue;
    }
    if (quote?.expandable && !inCode && src.startsWith('||', i) && stack.length === 0) {
      const after = src[i + 2];
      if (after === undefined || after === '\n') {
        closeQuote();
        i += 1;
        continue;
      }
    }

    const reserved = inCode ? '`' : V2_RESERVED;
    if (!reserved.includes(c)) {
      out += c;
      continue;
    }

    let closes = false;
    if (top) {
      switch (top.kind) {
        case 'Bold':
          closes = c === '*';
          break;
        case 'Italic':
          closes = c === '_' && src[i + 1] !== '_';
          break;
        case 'Underline':
          closes = c === '_' && src[i + 1] === '_';
          break;
        case 'Strikethrough':
          closes = c === '~';
          break;
        case 'Spoiler':
          closes = c === '|' && src[i + 1] === '|';
          break;
        case 'Code':
          closes = c === '`';
          break;
        case 'Pre':
        case 'PreCode':
          closes = src.startsWith('```', i);
          break;
        case 'TextUrl':
        case 'CustomEmoji':
          closes = c === ']';
          break;
      }
    }

    if (!closes) {
      const byte = byteOffset(src, i);
      let kind: V2Kind;
      let argument = '';
      if (c === '_') {
        if (src[i + 1] === '_') {
          kind = 'Underline';
          i++;
        } else {
          kind = 'Italic';
        }
      } else if (c === '*') {
        kind = 'Bold';
      } else if (c === '~') {
        kind = 'Strikethrough';
      } else if (c === '|' && src[i + 1] === '|') {
        kind = 'Spoiler';
        i++;
      } else if (c === '[') {
        kind = 'TextUrl';
      } else if (c === '!' && src[i + 1] === '[') {
        kind = 'CustomEmoji';
        i++;
      } else if (c === '`') {
        if (src.startsWith('```', i)) {
          i += 3;
          kind = 'Pre';
          let end = i;
          while (end < src.length && !/\s/.test(src[end] as string) && src[end] !== '`') end++;
          if (end !== i && end < src.length && src[end] !== '`') {
            kind = 'PreCode';
            argument = src.slice(i, end);
            i = end;
          }
          if (src[i] === '\n' || src[i] === '\r') {
            const pair = (src[i + 1] === '\n' || src[i + 1] === '\r') && src[i] !== src[i + 1];
            i += pair ? 2 : 1;
          }
          i--;
        } else {
          kind = 'Code';
        }
      } else {
        return fail(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
      }
      stack.push({ kind, offset: out.length, byte, argument });
      continue;
    }

    const open = stack.pop() as OpenV2;
    let skip = out.length === open.offset;
    let entity: TgMessageEntity | undefined;
    const length = out.length - open.offset;
    switch (open.kind) {
      case 'Underline':
      case 'Spoiler':
        i++;
        break;
      case 'Pre':
      case 'PreCode':
        i += 2;
        break;
      default:
        break;
    }
    if (open.kind === 'TextUrl' || open.kind === 'CustomEmoji') {
      let url: string;
      if (src[i + 1] !== '(') {
        if (open.kind === 'CustomEmoji')
          return fail(`Custom emoji entity must contain a tg://emoji URL`);
        url = out.slice(open.offset);
      } else {
        i += 2;
        const urlBegin = i;
        url = '';
        while (i < src.length && src[i] !== ')') {
          const next = src.charCodeAt(i + 1);
          if (src[i] === '\\' && next > 0 && next <= 126) {
            url += src[i + 1];
            i += 2;
            continue;
          }
          url += src[i];
          i++;
        }
        if (src[i] !== ')')
          return fail(`Can't find end of a URL at byte offset ${byteOffset(src, urlBegin)}`);
      }
      if (open.kind === 'CustomEmoji') {
        const id = /^tg:\/\/emoji\?id=(\d+)$/.exec(url);
        if (!id) return fail(`Custom emoji URL must have scheme tg`);
        entity = {
          type: 'custom_emoji',
          offset: open.offset,
          length,
          custom_emoji_id: id[1] as string,
        };
      } else {
        entity = linkEntity(open.offset, length, url, users);
        if (!entity) skip = true;
      }
    } else if (open.kind === 'PreCode') {
      entity = { type: 'pre', offset: open.offset, length, language: open.argument };
    } else {
      entity = { type: V2_ENTITY_TYPES[open.kind], offset: open.offset, length };
    }
    if (!skip && entity) entities.push(entity);
  }
  const open = stack[stack.length - 1];
  if (open) fail(`Can't find end of ${open.kind} entity at byte offset ${open.byte}`);
  closeQuote();
  return { text: out, entities: sortEntities(entities) };
}

function parseMarkdownLegacy(src: string, users: UserLookup): ParsedText {
  let out = '';
  const entities: TgMessageEntity[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (c === '\\' && '_*`['.includes(src[i + 1] ?? '\u0000')) {
      out += src[i + 1];
      i++;
      continue;
    }
    if (!'_*`['.includes(c)) {
      out += c;
      continue;
    }
    const begin = i;
    const endChar = c === '[' ? ']' : c;
    let isPre = false;
    let language = '';
    i++;
    if (c === '`' && src[i] === '`' && src[i + 1] === '`') {
      i += 2;
      isPre = true;
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
    }
    const offset = out.length;
    while (
      i < src.length &&
      (src[i] !== endChar || (isPre && !(src[i + 1] === '`' && src[i + 2] === '`')))
    ) {
      out += src[i];
      i++;
    }
    if (i >= src.length) {
      throw new EntityParseError(
        `Can't find end of the entity starting at byte offset ${byteOffset(src, begin)}`,
      );
    }
    const length = out.length - offset;
    if (length > 0) {
      if (c === '_') entities.push({ type: 'italic', offset, length });
      else if (c === '*') entities.push({ type: 'bold', offset, length });
      else if (c === '`') {
        if (isPre) {
          entities.push(
            language ? { type: 'pre', offset, length, language } : { type: 'pre', offset, length },
          );
        } else {
          entities.push({ type: 'code', offset, length });
        }
      } else {
        let url: string;
        if (src[i + 1] !== '(') {
          url = out.slice(offset);
        } else {
          i += 2;
          url = '';
          while (i < src.length && src[i] !== ')') {
            url += src[i];
            i++;
          }
        }
        const entity = linkEntity(offset, length, url, users);
        if (entity) entities.push(entity);
      }
    }
    if (isPre) i += 2;
  }
  return { text: out, entities: sortEntities(entities) };
}

const HTML_TAGS: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  span: 'spoiler',
  a: 'text_link',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
};

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** Decodes an HTML entity at src[i] === '&'; returns undefined when it is a literal '&'. */
function decodeEntity(src: string, i: number): { char: string; next: number } | undefined {
  const match = /^&(#x[0-9a-f]+|#[0-9]+|[a-z]+);?/i.exec(src.slice(i, i + 12));
  if (!match) return undefined;
  const body = match[1] as string;
  let char: string | undefined;
  if (body.startsWith('#x') || body.startsWith('#X')) {
    const code = parseInt(body.slice(2), 16);
    char = code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
  } else if (body.startsWith('#')) {
    const code = parseInt(body.slice(1), 10);
    char = code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
  } else {
    // Named entities must end with ';' and be one of the four supported ones.
    if (!match[0].endsWith(';')) return undefined;
    char = NAMED_ENTITIES[body.toLowerCase()];
  }
  return char === undefined ? undefined : { char, next: i + match[0].length };
}

interface OpenTag {
  name: string;
  offset: number;
  attributes: Record<string, string>;
}

function parseHtml(src: string, users: UserLookup): ParsedText {
  let out = '';
  const entities: TgMessageEntity[] = [];
  const stack: OpenTag[] = [];
  const fail = (message: string): never => {
    throw new EntityParseError(message);
  };
  const isSpace = (ch: string | undefined) => ch !== undefined && /\s/.test(ch);

  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (c === '&') {
      const decoded = decodeEntity(src, i);
      if (decoded) {
        out += decoded.char;
        i = decoded.next - 1;
        continue;
      }
    }
    if (c !== '<') {
      out += c;
      continue;
    }
    const begin = i;
    i++;
    if (src[i] !== '/') {
      while (i < src.length && !isSpace(src[i]) && src[i] !== '>') i++;
      if (i >= src.length) fail(`Unclosed start tag at byte offset ${byteOffset(src, begin)}`);
      const name = src.slice(begin + 1, i).toLowerCase();
      if (!(name in HTML_TAGS)) {
        fail(`Unsupported start tag "${name}" at byte offset ${byteOffset(src, begin)}`);
      }
      const attributes: Record<string, string> = {};
      while (src[i] !== '>') {
        while (i < src.length && isSpace(src[i])) i++;
        if (src[i] === '>') break;
        const attrBegin = i;
        while (i < src.length && !isSpace(src[i]) && src[i] !== '=' && src[i] !== '>') i++;
        const attrName = src.slice(attrBegin, i).toLowerCase();
        if (attrName === '') {
          fail(
            `Empty attribute name in the tag "${name}" at byte offset ${byteOffset(src, begin)}`,
          );
        }
        while (i < src.length && isSpace(src[i])) i++;
        if (src[i] !== '=') {
          // Valueless attributes (e.g. <blockquote expandable>) are accepted.
          attributes[attrName] = '';
          continue;
        }
        i++;
        while (i < src.length && isSpace(src[i])) i++;
        if (i >= src.length)
          fail(`Unclosed start tag "${name}" at byte offset ${byteOffset(src, begin)}`);
        let value = '';
        if (src[i] !== "'" && src[i] !== '"') {
          const tokenBegin = i;
          while (i < src.length && /[A-Za-z0-9.-]/.test(src[i] as string)) i++;
          value = src.slice(tokenBegin, i).toLowerCase();
          if (!isSpace(src[i]) && src[i] !== '>') {
            fail(`Unexpected end of name token at byte offset ${byteOffset(src, tokenBegin)}`);
          }
        } else {
          const quoteChar = src[i];
          i++;
          while (i < src.length && src[i] !== quoteChar) {
            if (src[i] === '&') {
              const decoded = decodeEntity(src, i);
              if (decoded) {
                value += decoded.char;
                i = decoded.next;
                continue;
              }
            }
            value += src[i];
            i++;
          }
          if (src[i] === quoteChar) i++;
        }
        if (i >= src.length) fail(`Unclosed start tag at byte offset ${byteOffset(src, begin)}`);
        attributes[attrName] = value;
      }
      if (name === 'span' && attributes.class !== 'tg-spoiler') {
        fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(src, begin)}`);
      }
      stack.push({ name, offset: out.length, attributes });
      continue;
    }
    // End tag.
    if (stack.length === 0) fail(`Unexpected end tag at byte offset ${byteOffset(src, begin)}`);
    while (i < src.length && !isSpace(src[i]) && src[i] !== '>') i++;
    const endName = src.slice(begin + 2, i).toLowerCase();
    while (i < src.length && isSpace(src[i])) i++;
    if (src[i] !== '>') fail(`Unclosed end tag at byte offset ${byteOffset(src, begin)}`);
    const open = stack.pop() as OpenTag;
    if (endName !== '' && endName !== open.name) {
      fail(
        `Unmatched end tag at byte offset ${byteOffset(src, begin)}, expected "</${open.name}>", found "</${endName}>"`,
      );
    }
    const length = out.length - open.offset;
    if (length <= 0) continue;
    const type = HTML_TAGS[open.name] as string;
    if (type === 'text_link') {
      const url = open.attributes.href || out.slice(open.offset);
      const entity = linkEntity(open.offset, length, url, users);
      if (entity) entities.push(entity);
    } else if (type === 'custom_emoji') {
      const id = open.attributes['emoji-id'];
      if (!id || !/^\d+$/.test(id)) fail(`Invalid custom emoji identifier specified`);
      entities.push({ type, offset: open.offset, length, custom_emoji_id: id as string });
    } else if (type === 'blockquote') {
      entities.push({
        type: 'expandable' in open.attributes ? 'expandable_blockquote' : 'blockquote',
        offset: open.offset,
        length,
      });
    } else if (type === 'code') {
      const language = open.attributes.class?.startsWith('language-')
        ? open.attributes.class.slice('language-'.length)
        : '';
      const pre = stack[stack.length - 1];
      const last = entities[entities.length - 1];
      // <pre><code class="language-x">…</code></pre> is a pre entity with a language.
      if (language && pre?.name === 'pre' && pre.offset === open.offset) {
        entities.push({ type: 'pre', offset: open.offset, length, language });
      } else if (!(last?.type === 'pre' && last.offset === open.offset && last.length === length)) {
        entities.push({ type: 'code', offset: open.offset, length });
      }
    } else if (type === 'pre') {
      const last = entities[entities.length - 1];
      if (!(last?.type === 'pre' && last.offset === open.offset && last.length === length)) {
        entities.push({ type: 'pre', offset: open.offset, length });
      }
    } else {
      entities.push({ type, offset: open.offset, length });
    }
  }
  const open = stack[stack.length - 1];
  if (open) fail(`Can't find end tag corresponding to start tag "${open.name}"`);
  return { text: out, entities: sortEntities(entities) };
}

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

/** Telegram's limits count UTF-16 code units here (stricter than code points, never looser). */
export const textLength = (text: string): number => text.length;
