import { invalidParam, invalidRequest, noSuch } from './errors.js';
import type { Sim } from './sim.js';
import type { StripeObject } from './store.js';

export interface ListParams {
  limit?: number | undefined;
  starting_after?: string | undefined;
  ending_before?: string | undefined;
}

export interface ListObject {
  object: 'list';
  data: StripeObject[];
  has_more: boolean;
  url: string;
}

/**
 * Stripe's cursor pagination over `items` (already filtered, newest first): `starting_after`
 * goes to older objects, `ending_before` to newer ones; cursors are positions in the full list
 * of `type`, so a cursor object need not match the filter.
 */
export function paginate(
  sim: Sim,
  type: string,
  items: readonly StripeObject[],
  params: ListParams,
  url: string,
): ListObject {
  const limit = params.limit ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidParam(
      'limit',
      'This value must be greater than or equal to 1 and less than or equal to 100.',
    );
  }
  if (params.starting_after && params.ending_before) {
    throw invalidRequest(
      'You may only specify one of these parameters: starting_after, ending_before.',
    );
  }
  const rank = new Map(sim.store.all(type).map((o, i) => [o.id, i]));
  const cursorRank = (id: string, param: string): number => {
    const r = rank.get(id);
    if (r === undefined) throw noSuch(type, id, param, 400);
    return r;
  };
  let page: StripeObject[];
  let hasMore: boolean;
  if (params.ending_before) {
    const at = cursorRank(params.ending_before, 'ending_before');
    const newer = items.filter((o) => (rank.get(o.id) ?? 0) < at);
    page = newer.slice(-limit);
    hasMore = newer.length > limit;
  } else {
    const older = params.starting_after
      ? items.filter(
          (o) =>
            (rank.get(o.id) ?? 0) > cursorRank(params.starting_after as string, 'starting_after'),
        )
      : [...items];
    page = older.slice(0, limit);
    hasMore = older.length > limit;
  }
  return { object: 'list', data: page, has_more: hasMore, url };
}

export interface RangeFilter {
  gt?: number | undefined;
  gte?: number | undefined;
  lt?: number | undefined;
  lte?: number | undefined;
}

/** True when `value` is inside a `created=…` / `created[gte]=…` filter. */
export function inRange(value: number, filter: number | RangeFilter | undefined): boolean {
  if (filter === undefined) return true;
  if (typeof filter === 'number') return value === filter;
  return (
    (filter.gt === undefined || value > filter.gt) &&
    (filter.gte === undefined || value >= filter.gte) &&
    (filter.lt === undefined || value < filter.lt) &&
    (filter.lte === undefined || value <= filter.lte)
  );
}

export interface SearchResult {
  object: 'search_result';
  data: StripeObject[];
  has_more: boolean;
  next_page: string | null;
  url: string;
}

type Clause = {
  field: string;
  op: ':' | '~' | '>' | '<' | '>=' | '<=';
  value: string;
  negate: boolean;
};

/**
 * A subset of Stripe's search query language: `field:'value'`, `metadata['key']:'value'`,
 * `field~'substring'`, numeric `>`/`<`, `-` negation, joined by all-AND or all-OR.
 */
export function search(
  items: readonly StripeObject[],
  query: string,
  fields: readonly string[],
  params: { limit?: number | undefined; page?: string | undefined },
  url: string,
): SearchResult {
  const hasAnd = / AND /.test(query);
  const hasOr = / OR /.test(query);
  if (hasAnd && hasOr)
    throw invalidParam('query', 'Mixing AND and OR in one search query is not supported.');
  const clauses = query
    .split(hasOr ? / OR / : / AND /)
    .map((part) => parseClause(part.trim(), fields));
  const matches = items.filter((o) =>
    hasOr ? clauses.some((c) => clauseMatches(o, c)) : clauses.every((c) => clauseMatches(o, c)),
  );
  const limit = params.limit ?? 10;
  const offset = params.page ? Number(Buffer.from(params.page, 'base64url').toString()) || 0 : 0;
  const data = matches.slice(offset, offset + limit);
  const hasMore = matches.length > offset + limit;
  return {
    object: 'search_result',
    data,
    has_more: hasMore,
    next_page: hasMore ? Buffer.from(String(offset + limit)).toString('base64url') : null,
    url,
  };
}

function parseClause(text: string, fields: readonly string[]): Clause {
  const m = /^(-?)([a-z_]+(?:\['[^']+'\])?)(:|~|>=|<=|>|<)(?:'([^']*)'|"([^"]*)"|(\S+))$/.exec(
    text,
  );
  if (!m) throw invalidParam('query', `Invalid search query: ${text}`);
  const field = m[2] as string;
  const base = field.startsWith('metadata[') ? 'metadata' : field;
  if (!fields.includes(base)) {
    throw invalidParam(
      'query',
      `Field \`${base}\` is an unsupported search field for this resource.`,
    );
  }
  return {
    negate: m[1] === '-',
    field,
    op: m[3] as Clause['op'],
    value: m[4] ?? m[5] ?? m[6] ?? '',
  };
}

function clauseMatches(obj: StripeObject, c: Clause): boolean {
  const meta = /^metadata\['([^']+)'\]$/.exec(c.field);
  const raw = meta
    ? (obj.metadata as Record<string, string> | undefined)?.[meta[1] as string]
    : obj[c.field];
  const actual = raw === null || raw === undefined ? '' : String(raw);
  let result: boolean;
  switch (c.op) {
    case ':':
      result = actual === c.value;
      break;
    case '~':
      result = actual.toLowerCase().includes(c.value.toLowerCase());
      break;
    default: {
      const a = Number(actual);
      const b = Number(c.value);
      result = c.op === '>' ? a > b : c.op === '<' ? a < b : c.op === '>=' ? a >= b : a <= b;
    }
  }
  return c.negate ? !result : result;
}

/** What a `GET /v1/<resource>` list takes: pagination, `created` and filters by field. */
export type ListQuery = ListParams & { created?: number | RangeFilter | undefined } & Record<
    string,
    unknown
  >;

/**
 * A `GET /v1/<resource>` list: the objects of `type` whose `fields` equal the params of the same
 * name (a param left out matches everything), created inside `params.created` and accepted by
 * `also`, newest first and paginated.
 */
export function listWhere<T extends StripeObject>(
  sim: Sim,
  type: string,
  url: string,
  params: ListQuery,
  fields: readonly string[],
  also: (item: T) => boolean = () => true,
): ListObject {
  const items = sim.store
    .all<T>(type)
    .filter(
      (o) =>
        fields.every((f) => params[f] === undefined || o[f] === params[f]) &&
        also(o) &&
        inRange(o.created as number, params.created),
    );
  return paginate(sim, type, items, params, url);
}
