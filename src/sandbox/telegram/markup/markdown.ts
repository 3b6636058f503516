/** Legacy Markdown: _italic_, *bold*, `code`, ```pre```, [text](url); no nesting. */
import type { TgMessageEntity } from '../types.js';
import {
  byteOffset,
  fail,
  linkEntity,
  preOpening,
  sortEntities,
  type ParsedText,
  type UserLookup,
} from './common.js';

export function parseMarkdownLegacy(src: string, users: UserLookup): ParsedText {
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
      isPre = true;
      ({ language, next: i } = preOpening(src, i + 2));
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
      fail(`Can't find end of the entity starting at byte offset ${byteOffset(src, begin)}`);
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
