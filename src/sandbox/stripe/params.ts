import { z } from 'zod';
import type { core } from 'zod';
import { invalidParam, missingParam, StripeApiError, unknownParam } from './errors.js';

/**
 * Parameter declarations for each endpoint, as zod schemas over the parsed form. Every object
 * is strict, so a parameter Stripe would reject ("Received unknown parameter") is rejected here
 * too. Leaves are strings on the wire; these helpers check and convert them like Stripe does.
 */

/** A string parameter (Stripe accepts the empty string as "unset" on updates). */
export const str = z.string({ error: (iss) => `Invalid string: ${describe(iss.input)}` });

/** A non-empty id or text. */
export const nonEmpty = str.min(1, { error: (iss) => `Invalid string: ${describe(iss.input)}` });

/** An integer sent as text. */
export const int = str
  .regex(/^-?\d+$/, { error: (iss) => `Invalid integer: ${describe(iss.input)}` })
  .transform(Number);

/** A boolean sent as `true`/`false`. */
export const bool = z
  .enum(['true', 'false'], { error: (iss) => `Invalid boolean: ${describe(iss.input)}` })
  .transform((v) => v === 'true');

/** One of `values`, with Stripe's wording. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (iss) =>
      `Invalid ${lastPathKey(iss.path)}: must be one of ${values.slice(0, -1).join(', ')}${values.length > 1 ? ', or ' : ''}${values[values.length - 1]}`,
  });
}

/** A list parameter (`expand[]=…` or `expand[0]=…`). */
export function list<T extends z.ZodType>(item: T) {
  return z.array(item, { error: 'Invalid array' });
}

/** A nested hash of known keys. */
export function hash<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject(shape, { error: 'Invalid object' });
}

/** `metadata[key]=value`; an empty value on update removes the key. */
export const metadata = z.record(z.string(), str, { error: 'Invalid object' });

/** `created=…` or `created[gte]=…` range filters on lists. */
export const rangeFilter = z.union([
  int,
  hash({ gt: int.optional(), gte: int.optional(), lt: int.optional(), lte: int.optional() }),
]);

/** `limit`, `starting_after`, `ending_before` on every list. */
export const pagination = {
  limit: int.optional(),
  starting_after: str.optional(),
  ending_before: str.optional(),
};

/** `expand[]` is accepted by every endpoint. */
export const expand = list(str).optional();

/** A strict endpoint schema: the declared parameters plus `expand`. */
export function endpoint<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject({ ...shape, expand });
}

/** Formats a zod path as a Stripe param name: `line_items[0][price]`. */
export function paramName(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return `${head ?? ''}${rest.map((p) => `[${p}]`).join('')}`;
}

function lastPathKey(path: readonly PropertyKey[] | undefined): string {
  const keys = (path ?? []).filter((p) => typeof p === 'string');
  return String(keys[keys.length - 1] ?? 'value');
}

function describe(input: unknown): string {
  return typeof input === 'string' ? input : JSON.stringify(input);
}

/**
 * Validates `input` against `schema` and returns the typed result, or throws the error Stripe
 * would answer with: unknown parameters first, then missing ones, then invalid values.
 */
export function parseParams<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw toStripeError(result.error.issues);
}

function toStripeError(issues: readonly core.$ZodIssue[]): StripeApiError {
  const unknown = issues.find((i) => i.code === 'unrecognized_keys');
  if (unknown && unknown.code === 'unrecognized_keys') {
    return unknownParam(paramName([...unknown.path, unknown.keys[0] ?? '']));
  }
  const missing = issues.find((i) => i.code === 'invalid_type' && i.input === undefined);
  if (missing) return missingParam(paramName(missing.path));
  const first = issues[0];
  if (!first) return invalidParam('', 'Invalid request');
  // Unions report their branches; the most specific branch message is the useful one.
  if (first.code === 'invalid_union') {
    const inner = first.errors.flat()[0];
    if (inner) return invalidParam(paramName([...first.path, ...inner.path]), inner.message);
  }
  let message = first.message;
  if (first.code === 'invalid_type' && first.expected === 'object') message = 'Invalid object';
  if (first.code === 'invalid_type' && first.expected === 'array') message = 'Invalid array';
  return invalidParam(paramName(first.path), message);
}
