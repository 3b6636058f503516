/**
 * MarkdownV2: nested entities, backslash escapes, every reserved character escaped outside
 * entities, `>` and `**>` block quotations. One pass over the source with a stack of open entities.
 */
import type { TgMessageEntity } from '../types.js';
import {
  byteOffset,
  fail,
  linkEntity,
  MarkupParser,
  preOpening,
  type ParsedText,
  type UserLookup,
} from './common.js';

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

/** The two-character openers, tried before the one-character ones (`__` before `_`). */
const V2_PAIR_OPENERS = new Map<string, V2Kind>([
  ['__', 'Underline'],
  ['||', 'Spoiler'],
  ['![', 'CustomEmoji'],
]);

const V2_OPENERS = new Map<string, V2Kind>([
  ['_', 'Italic'],
  ['*', 'Bold'],
  ['~', 'Strikethrough'],
  ['[', 'TextUrl'],
  ['`', 'Code'],
]);

/** What closes each entity (Italic: a `_` not followed by another, see `closes`). */
const V2_CLOSERS: Record<V2Kind, string> = {
  Bold: '*',
  Italic: '_',
  Underline: '__',
  Strikethrough: '~',
  Spoiler: '||',
  Code: '`',
  Pre: '```',
  PreCode: '```',
  TextUrl: ']',
  CustomEmoji: ']',
};

class MarkdownV2Parser extends MarkupParser<OpenV2> {
  private quote: { offset: number; byte: number; expandable: boolean } | undefined;

  protected finish(): void {
    this.failOnOpenEntity();
    this.closeQuote();
  }

  private failOnOpenEntity(): void {
    const open = this.top;
    if (open) fail(`Can't find end of ${open.kind} entity at byte offset ${open.byte}`);
  }

  protected step(): void {
    const c = this.src[this.i] as string;
    const top = this.top;
    const inCode =
      top !== undefined && (top.kind === 'Code' || top.kind === 'Pre' || top.kind === 'PreCode');
    if (this.escape(c)) return;
    if (!inCode && this.quoteSyntax(c)) return;
    const reserved = inCode ? '`' : V2_RESERVED;
    if (!reserved.includes(c)) {
      this.out += c;
      return;
    }
    if (top && this.closes(top.kind)) this.closeEntity();
    else this.openEntity(c);
  }

  private escape(c: string): boolean {
    if (c !== '\\') return false;
    const next = this.src.charCodeAt(this.i + 1);
    if (!(next > 0 && next <= 126)) return false;
    this.out += this.src[this.i + 1];
    this.i++;
    return true;
  }

  /** `>` and `**>` at the start of a line, the line breaks inside a quote, and its closing `||`. */
  private quoteSyntax(c: string): boolean {
    const { src, i } = this;
    const lineStart = i === 0 || src[i - 1] === '\n';
    if (lineStart && this.stack.length === 0) {
      if (c === '>') {
        if (!this.quote)
          this.quote = { offset: this.out.length, byte: byteOffset(src, i), expandable: false };
        return true;
      }
      if (src.startsWith('**>', i)) {
        this.closeQuote();
        this.quote = { offset: this.out.length, byte: byteOffset(src, i), expandable: true };
        this.i += 2;
        return true;
      }
    }
    if (c === '\n' && this.quote) {
      if (src[i + 1] !== '>') {
        // Entities can't span past the end of a quotation.
        this.failOnOpenEntity();
        this.closeQuote();
      }
      this.out += c;
      return true;
    }
    if (this.quote?.expandable && src.startsWith('||', i) && this.stack.length === 0) {
      const after = src[i + 2];
      if (after === undefined || after === '\n') {
        this.closeQuote();
        this.i += 1;
        return true;
      }
    }
    return false;
  }

  private closeQuote(): void {
    const quote = this.quote;
    if (quote && this.out.length > quote.offset) {
      this.entities.push({
        type: quote.expandable ? 'expandable_blockquote' : 'blockquote',
        offset: quote.offset,
        length: this.out.length - quote.offset,
      });
    }
    this.quote = undefined;
  }

  private closes(kind: V2Kind): boolean {
    if (kind === 'Italic') return this.src[this.i] === '_' && this.src[this.i + 1] !== '_';
    return this.src.startsWith(V2_CLOSERS[kind], this.i);
  }

  private openEntity(c: string): void {
    const { src } = this;
    const byte = byteOffset(src, this.i);
    let kind: V2Kind | undefined;
    let argument = '';
    if (src.startsWith('```', this.i)) {
      const pre = preOpening(src, this.i + 3);
      kind = pre.language ? 'PreCode' : 'Pre';
      argument = pre.language;
      this.i = pre.next - 1;
    } else if ((kind = V2_PAIR_OPENERS.get(src.slice(this.i, this.i + 2)))) {
      this.i++;
    } else {
      kind = V2_OPENERS.get(c);
      if (!kind) fail(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
    }
    this.stack.push({ kind, offset: this.out.length, byte, argument });
  }

  private closeEntity(): void {
    const open = this.stack.pop() as OpenV2;
    const length = this.out.length - open.offset;
    this.i += V2_CLOSERS[open.kind].length - 1;
    const entity = this.entityOf(open, length);
    // Empty entities are dropped, but a link's URL is still read (and checked).
    if (length > 0 && entity) this.entities.push(entity);
  }

  private entityOf(open: OpenV2, length: number): TgMessageEntity | undefined {
    const { offset } = open;
    if (open.kind === 'TextUrl' || open.kind === 'CustomEmoji') {
      const url = this.linkUrl(open);
      if (open.kind === 'TextUrl') return linkEntity(offset, length, url, this.users);
      const id = /^tg:\/\/emoji\?id=(\d+)$/.exec(url);
      if (!id) return fail(`Custom emoji URL must have scheme tg`);
      return { type: 'custom_emoji', offset, length, custom_emoji_id: id[1] as string };
    }
    if (open.kind === 'PreCode') return { type: 'pre', offset, length, language: open.argument };
    return { type: V2_ENTITY_TYPES[open.kind], offset, length };
  }

  /** The `(url)` after a closing `]` (a bare `[text]` links to its own text). */
  private linkUrl(open: OpenV2): string {
    const { src } = this;
    if (src[this.i + 1] !== '(') {
      if (open.kind === 'CustomEmoji') fail(`Custom emoji entity must contain a tg://emoji URL`);
      return this.out.slice(open.offset);
    }
    this.i += 2;
    const urlBegin = this.i;
    let url = '';
    while (this.i < src.length && src[this.i] !== ')') {
      const next = src.charCodeAt(this.i + 1);
      if (src[this.i] === '\\' && next > 0 && next <= 126) {
        url += src[this.i + 1];
        this.i += 2;
        continue;
      }
      url += src[this.i];
      this.i++;
    }
    if (src[this.i] !== ')')
      fail(`Can't find end of a URL at byte offset ${byteOffset(src, urlBegin)}`);
    return url;
  }
}

export function parseMarkdownV2(src: string, users: UserLookup): ParsedText {
  return new MarkdownV2Parser(src, users).parse();
}
