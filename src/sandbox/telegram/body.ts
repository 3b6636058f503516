/**
 * Request bodies the Bot API accepts: JSON, application/x-www-form-urlencoded and
 * multipart/form-data (what telegraf sends when it uploads files). Multipart is parsed over the
 * buffered body: parts are separated by `--boundary`, each with headers, a blank line and a body.
 */
import type { UploadedFile } from './validate.js';

export interface ParsedBody {
  /** Text parameters (values are strings for form bodies, any JSON value for JSON bodies). */
  fields: Record<string, unknown>;
  /** File parts by field name. */
  files: Map<string, UploadedFile>;
}

export class BodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BodyError';
  }
}

/** Parses `body` according to its content type. */
export function parseBody(contentType: string | undefined, body: Buffer): ParsedBody {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (body.length === 0) return { fields: {}, files: new Map() };
  if (type === 'application/json') {
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      throw new BodyError("can't parse JSON object");
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new BodyError("can't parse JSON object");
    }
    return { fields: value as Record<string, unknown>, files: new Map() };
  }
  if (type === 'multipart/form-data') {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
    const value = boundary?.[1] ?? boundary?.[2];
    if (!value) throw new BodyError('multipart boundary is missing');
    return parseMultipart(body, value.trim());
  }
  // Telegram treats anything else as a urlencoded form (curl -d sends that).
  return { fields: parseQuery(body.toString('utf8')), files: new Map() };
}

/** Parses a query string or urlencoded form into string values. */
export function parseQuery(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) out[key] = value;
  return out;
}

function parseMultipart(body: Buffer, boundary: string): ParsedBody {
  const fields: Record<string, unknown> = {};
  const files = new Map<string, UploadedFile>();
  const delimiter = Buffer.from(`--${boundary}`);
  let position = body.indexOf(delimiter);
  if (position < 0) throw new BodyError('multipart body has no parts');
  while (position >= 0) {
    let start = position + delimiter.length;
    // "--" right after a delimiter closes the body.
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break;
    if (body[start] === 0x0d && body[start + 1] === 0x0a) start += 2;
    else if (body[start] === 0x0a) start += 1;
    const next = body.indexOf(delimiter, start);
    if (next < 0) throw new BodyError('multipart body is truncated');
    let end = next;
    // The CRLF before the next delimiter belongs to the delimiter.
    if (body[end - 2] === 0x0d && body[end - 1] === 0x0a) end -= 2;
    else if (body[end - 1] === 0x0a) end -= 1;
    const part = body.subarray(start, end);
    let headerEnd = part.indexOf('\r\n\r\n');
    let separator = 4;
    if (headerEnd < 0) {
      headerEnd = part.indexOf('\n\n');
      separator = 2;
    }
    if (headerEnd < 0) throw new BodyError('multipart part has no headers');
    const headers = parseHeaders(part.subarray(0, headerEnd).toString('utf8'));
    const content = part.subarray(headerEnd + separator);
    const disposition = headers['content-disposition'] ?? '';
    const name = dispositionParam(disposition, 'name');
    if (name === undefined) throw new BodyError('multipart part has no name');
    const filename = dispositionParam(disposition, 'filename');
    if (filename !== undefined) {
      files.set(name, {
        kind: 'upload',
        field: name,
        filename,
        contentType: headers['content-type'] ?? 'application/octet-stream',
        data: Buffer.from(content),
      });
    } else {
      fields[name] = content.toString('utf8');
    }
    position = next;
  }
  return { fields, files };
}

function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function dispositionParam(disposition: string, key: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(disposition);
  if (match) return (match[1] as string).replace(/\\(.)/g, '$1');
  const bare = new RegExp(`(?:^|;)\\s*${key}=([^;]*)`, 'i').exec(disposition);
  return bare ? (bare[1] as string).trim() : undefined;
}
