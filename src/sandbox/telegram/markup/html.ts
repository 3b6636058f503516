/** HTML: the tags and attributes Telegram accepts, with its error messages and byte offsets. */
import {
  byteOffset,
  fail,
  linkEntity,
  MarkupParser,
  type ParsedText,
  type UserLookup,
} from './common.js';

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

const isSpace = (ch: string | undefined) => ch !== undefined && /\s/.test(ch);

class HtmlParser extends MarkupParser<OpenTag> {
  protected finish(): void {
    const open = this.top;
    if (open) fail(`Can't find end tag corresponding to start tag "${open.name}"`);
  }

  /** Consumes a character, an HTML entity or a whole tag starting at `i`. */
  protected step(): void {
    const c = this.src[this.i] as string;
    if (c === '&') {
      const decoded = decodeEntity(this.src, this.i);
      if (decoded) {
        this.out += decoded.char;
        this.i = decoded.next - 1;
        return;
      }
    }
    if (c !== '<') {
      this.out += c;
      return;
    }
    const begin = this.i;
    this.i++;
    if (this.src[this.i] !== '/') this.startTag(begin);
    else this.endTag(begin);
  }

  private at(begin: number): string {
    return `at byte offset ${byteOffset(this.src, begin)}`;
  }

  private skipSpaces(): void {
    while (this.i < this.src.length && isSpace(this.src[this.i])) this.i++;
  }

  /** Moves `i` to the next whitespace, `>` or (with `stopAtEquals`) `=`. */
  private skipWord(stopAtEquals = false): void {
    const { src } = this;
    while (
      this.i < src.length &&
      !isSpace(src[this.i]) &&
      src[this.i] !== '>' &&
      !(stopAtEquals && src[this.i] === '=')
    )
      this.i++;
  }

  private startTag(begin: number): void {
    const { src } = this;
    this.skipWord();
    if (this.i >= src.length) fail(`Unclosed start tag ${this.at(begin)}`);
    const name = src.slice(begin + 1, this.i).toLowerCase();
    if (!(name in HTML_TAGS)) fail(`Unsupported start tag "${name}" ${this.at(begin)}`);
    const attributes: Record<string, string> = {};
    while (src[this.i] !== '>') {
      this.skipSpaces();
      if (src[this.i] === '>') break;
      this.readAttribute(name, begin, attributes);
    }
    if (name === 'span' && attributes.class !== 'tg-spoiler') {
      fail(`Tag "span" must have class "tg-spoiler" ${this.at(begin)}`);
    }
    this.stack.push({ name, offset: this.out.length, attributes });
  }

  private readAttribute(name: string, begin: number, attributes: Record<string, string>): void {
    const { src } = this;
    const attrBegin = this.i;
    this.skipWord(true);
    const attrName = src.slice(attrBegin, this.i).toLowerCase();
    if (attrName === '') fail(`Empty attribute name in the tag "${name}" ${this.at(begin)}`);
    this.skipSpaces();
    if (src[this.i] !== '=') {
      // Valueless attributes (e.g. <blockquote expandable>) are accepted.
      attributes[attrName] = '';
      return;
    }
    this.i++;
    this.skipSpaces();
    if (this.i >= src.length) fail(`Unclosed start tag "${name}" ${this.at(begin)}`);
    const value =
      src[this.i] !== "'" && src[this.i] !== '"' ? this.nameToken() : this.quotedValue();
    if (this.i >= src.length) fail(`Unclosed start tag ${this.at(begin)}`);
    attributes[attrName] = value;
  }

  /** An unquoted attribute value: letters, digits, dots and dashes only. */
  private nameToken(): string {
    const { src } = this;
    const tokenBegin = this.i;
    while (this.i < src.length && /[A-Za-z0-9.-]/.test(src[this.i] as string)) this.i++;
    const value = src.slice(tokenBegin, this.i).toLowerCase();
    if (!isSpace(src[this.i]) && src[this.i] !== '>') {
      fail(`Unexpected end of name token ${this.at(tokenBegin)}`);
    }
    return value;
  }

  /** A quoted attribute value, HTML entities decoded. */
  private quotedValue(): string {
    const { src } = this;
    const quoteChar = src[this.i];
    this.i++;
    let value = '';
    while (this.i < src.length && src[this.i] !== quoteChar) {
      if (src[this.i] === '&') {
        const decoded = decodeEntity(src, this.i);
        if (decoded) {
          value += decoded.char;
          this.i = decoded.next;
          continue;
        }
      }
      value += src[this.i];
      this.i++;
    }
    if (src[this.i] === quoteChar) this.i++;
    return value;
  }

  private endTag(begin: number): void {
    const { src } = this;
    if (this.stack.length === 0) fail(`Unexpected end tag ${this.at(begin)}`);
    this.skipWord();
    const endName = src.slice(begin + 2, this.i).toLowerCase();
    this.skipSpaces();
    if (src[this.i] !== '>') fail(`Unclosed end tag ${this.at(begin)}`);
    const open = this.stack.pop() as OpenTag;
    if (endName !== '' && endName !== open.name) {
      fail(
        `Unmatched end tag ${this.at(begin)}, expected "</${open.name}>", found "</${endName}>"`,
      );
    }
    const length = this.out.length - open.offset;
    if (length > 0) this.addEntity(open, length);
  }

  private addEntity(open: OpenTag, length: number): void {
    const { offset, attributes } = open;
    const type = HTML_TAGS[open.name] as string;
    switch (type) {
      case 'text_link': {
        const url = attributes.href || this.out.slice(offset);
        const entity = linkEntity(offset, length, url, this.users);
        if (entity) this.entities.push(entity);
        return;
      }
      case 'custom_emoji': {
        const id = attributes['emoji-id'];
        if (!id || !/^\d+$/.test(id)) fail(`Invalid custom emoji identifier specified`);
        this.entities.push({ type, offset, length, custom_emoji_id: id });
        return;
      }
      case 'blockquote':
        this.entities.push({
          type: 'expandable' in attributes ? 'expandable_blockquote' : 'blockquote',
          offset,
          length,
        });
        return;
      case 'code':
        this.addCode(open, length);
        return;
      case 'pre':
        if (!this.repeatsLastPre(offset, length)) this.entities.push({ type, offset, length });
        return;
      default:
        this.entities.push({ type, offset, length });
    }
  }

  /** <pre><code class="language-x">…</code></pre> is a pre entity with a language. */
  private addCode(open: OpenTag, length: number): void {
    const { offset, attributes } = open;
    const language = attributes.class?.startsWith('language-')
      ? attributes.class.slice('language-'.length)
      : '';
    const pre = this.top;
    if (language && pre?.name === 'pre' && pre.offset === offset) {
      this.entities.push({ type: 'pre', offset, length, language });
    } else if (!this.repeatsLastPre(offset, length)) {
      this.entities.push({ type: 'code', offset, length });
    }
  }

  private repeatsLastPre(offset: number, length: number): boolean {
    const last = this.entities[this.entities.length - 1];
    return last?.type === 'pre' && last.offset === offset && last.length === length;
  }
}

export function parseHtml(src: string, users: UserLookup): ParsedText {
  return new HtmlParser(src, users).parse();
}
