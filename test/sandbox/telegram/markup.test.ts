import { describe, expect, it } from 'vitest';
import { EntityParseError, parseMarkup } from '../../../src/sandbox/telegram/index.js';

const fails = (text: string, mode: 'MarkdownV2' | 'Markdown' | 'HTML') => {
  try {
    parseMarkup(text, mode);
  } catch (error) {
    expect(error).toBeInstanceOf(EntityParseError);
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(text)} parsed without error in ${mode}`);
};

describe('MarkdownV2', () => {
  it('parses nested entities with UTF-16 offsets', () => {
    expect(
      parseMarkup('*bold _it_* 🎉 __u__ ~s~ ||sp|| `c` [l](https://t.me)', 'MarkdownV2'),
    ).toEqual({
      text: 'bold it 🎉 u s sp c l',
      entities: [
        { type: 'bold', offset: 0, length: 7 },
        { type: 'italic', offset: 5, length: 2 },
        { type: 'underline', offset: 11, length: 1 },
        { type: 'strikethrough', offset: 13, length: 1 },
        { type: 'spoiler', offset: 15, length: 2 },
        { type: 'code', offset: 18, length: 1 },
        { type: 'text_link', offset: 20, length: 1, url: 'https://t.me' },
      ],
    });
  });

  it('rejects unescaped reserved characters the way fan names trigger it', () => {
    expect(fails('Hello Fan_Name', 'MarkdownV2')).toBe(
      "Can't find end of Italic entity at byte offset 9",
    );
    expect(fails('Hello Fan_Name!', 'MarkdownV2')).toBe(
      "Character '!' is reserved and must be escaped with the preceding '\\'",
    );
    expect(fails('Price: 5.00', 'MarkdownV2')).toBe(
      "Character '.' is reserved and must be escaped with the preceding '\\'",
    );
    expect(fails('a *b', 'MarkdownV2')).toBe("Can't find end of Bold entity at byte offset 2");
    expect(fails('é *b', 'MarkdownV2')).toBe("Can't find end of Bold entity at byte offset 3");
    expect(fails('[x](https://t.me', 'MarkdownV2')).toBe(
      "Can't find end of a URL at byte offset 4",
    );
  });

  it('accepts escaped text and pre blocks with a language', () => {
    expect(parseMarkup('Fan\\_Name \\*5\\.00\\!', 'MarkdownV2').text).toBe('Fan_Name *5.00!');
    expect(parseMarkup('```js\nlet a = 1;```', 'MarkdownV2')).toEqual({
      text: 'let a = 1;',
      entities: [{ type: 'pre', offset: 0, length: 10, language: 'js' }],
    });
  });

  it('parses block quotations', () => {
    expect(parseMarkup('>quoted\n>lines\nafter', 'MarkdownV2')).toEqual({
      text: 'quoted\nlines\nafter',
      entities: [{ type: 'blockquote', offset: 0, length: 12 }],
    });
  });
});

describe('HTML', () => {
  it('parses tags and entities', () => {
    expect(
      parseMarkup(
        '<b>Hi</b> &lt;Fan&gt; &amp; <a href="https://x.io">x</a> <tg-spoiler>s</tg-spoiler>',
        'HTML',
      ),
    ).toEqual({
      text: 'Hi <Fan> & x s',
      entities: [
        { type: 'bold', offset: 0, length: 2 },
        { type: 'text_link', offset: 11, length: 1, url: 'https://x.io' },
        { type: 'spoiler', offset: 13, length: 1 },
      ],
    });
    expect(parseMarkup('<pre><code class="language-ts">x</code></pre>', 'HTML').entities).toEqual([
      { type: 'pre', offset: 0, length: 1, language: 'ts' },
    ]);
  });

  it('rejects raw < in fan names and unbalanced tags with Telegram wording', () => {
    expect(fails('Fan <3', 'HTML')).toBe('Unclosed start tag at byte offset 4');
    expect(fails('a < b', 'HTML')).toBe('Unsupported start tag "" at byte offset 2');
    expect(fails('<Fan>', 'HTML')).toBe('Unsupported start tag "fan" at byte offset 0');
    expect(fails('<b>open', 'HTML')).toBe('Can\'t find end tag corresponding to start tag "b"');
    expect(fails('<b>x</i>', 'HTML')).toBe(
      'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"',
    );
    expect(fails('x</b>', 'HTML')).toBe('Unexpected end tag at byte offset 1');
  });

  it('keeps a lone & as text', () => {
    expect(parseMarkup('Tom & Jerry', 'HTML').text).toBe('Tom & Jerry');
  });
});

describe('Markdown (legacy)', () => {
  it('parses and rejects like Telegram', () => {
    expect(
      parseMarkup('*b* _i_ `c` [t](http://a.b)', 'Markdown').entities.map((e) => e.type),
    ).toEqual(['bold', 'italic', 'code', 'text_link']);
    expect(fails('snake_case', 'Markdown')).toBe(
      "Can't find end of the entity starting at byte offset 5",
    );
  });
});
