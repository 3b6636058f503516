/**
 * Stripe's v1 wire format: `application/x-www-form-urlencoded` with bracket nesting
 * (`line_items[0][price]=price_x&metadata[fan_id]=42&expand[]=data.product`), the same for
 * GET query strings. This turns it into plain JSON-like values (strings, objects, arrays).
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };

/** Thrown when a body cannot be a Stripe form (a key used both as a value and as a hash). */
export class FormShapeError extends Error {
  constructor(readonly param: string) {
    super(`Invalid hash`);
    this.name = 'FormShapeError';
  }
}

const pushMarker = '\u0000push:';

interface Draft {
  [key: string]: string | Draft;
}

/** Splits `a[b][0][]` into `['a', 'b', '0', '']`. */
function segmentsOf(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const out = [key.slice(0, open)];
  const re = /\[([^\]]*)\]/g;
  let m: RegExpExecArray | null;
  let consumed = open;
  while ((m = re.exec(key)) !== null) {
    if (m.index !== consumed) break;
    out.push(m[1] ?? '');
    consumed = m.index + m[0].length;
  }
  // A key like `a[b]c` is not bracket syntax after all: keep it literal, as Stripe would.
  return consumed === key.length ? out : [key];
}

/** Parses form or query text into nested values; bracketed integer keys and `[]` make arrays. */
export function parseForm(text: string): Record<string, FormValue> {
  const root: Draft = {};
  let pushes = 0;
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const segments = segmentsOf(rawKey);
    let node: Draft = root;
    for (let i = 0; i < segments.length; i++) {
      let segment = segments[i] as string;
      if (segment === '') segment = `${pushMarker}${pushes++}`;
      const last = i === segments.length - 1;
      const existing = node[segment];
      if (last) {
        if (typeof existing === 'object') throw new FormShapeError(rawKey);
        node[segment] = value;
      } else {
        if (typeof existing === 'string') throw new FormShapeError(rawKey);
        if (existing === undefined) node[segment] = {};
        node = node[segment] as Draft;
      }
    }
  }
  const out: Record<string, FormValue> = {};
  for (const [k, v] of Object.entries(root)) out[k] = finalizeValue(v, k);
  return out;
}

/** Turns drafts whose keys are all indexes into arrays, except metadata hashes (`metadata[0]` is a key). */
function finalize(draft: Draft, name: string): FormValue {
  const keys = Object.keys(draft);
  const arrayLike =
    name !== 'metadata' &&
    keys.length > 0 &&
    keys.every((k) => /^\d+$/.test(k) || k.startsWith(pushMarker));
  if (arrayLike) {
    const ordered = keys
      .map((k) => ({ k, order: k.startsWith(pushMarker) ? Number.MAX_SAFE_INTEGER : Number(k) }))
      .sort((a, b) => a.order - b.order);
    return ordered.map(({ k }) => finalizeValue(draft[k] as string | Draft, name));
  }
  const out: Record<string, FormValue> = {};
  for (const k of keys) out[k] = finalizeValue(draft[k] as string | Draft, k);
  return out;
}

function finalizeValue(value: string | Draft, name: string): FormValue {
  return typeof value === 'string' ? value : finalize(value, name);
}

/** The inverse, for tests and the control API: nested values to bracket form text. */
export function encodeForm(data: Record<string, unknown>): string {
  const pairs: string[] = [];
  const encode = (key: string, value: unknown): void => {
    if (value === undefined) return;
    if (value === null || typeof value !== 'object') {
      pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value ?? ''))}`);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => encode(`${key}[${i}]`, v));
    } else {
      for (const [k, v] of Object.entries(value)) encode(`${key}[${k}]`, v);
    }
  };
  for (const [k, v] of Object.entries(data)) encode(k, v);
  return pairs.join('&');
}
