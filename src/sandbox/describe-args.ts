/**
 * The control APIs' self-description: `GET /_sim/` on either simulator lists every operation
 * with its arguments (read from the zod schema that checks them) and a copy-paste example.
 */
import { z } from 'zod';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  items?: JsonSchema;
  const?: unknown;
};

/** A compact type: "integer", "string", "'a' | 'b'", "integer[]", "{ kind: string, … }". */
function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.anyOf) return [...new Set(schema.anyOf.map(typeOf))].join(' | ');
  if (schema.type === 'array') return `${schema.items ? typeOf(schema.items) : 'any'}[]`;
  if (schema.type === 'object' || schema.properties) {
    const fields = Object.entries(schema.properties ?? {}).map(
      ([name, value]) => `${name}${schema.required?.includes(name) ? '' : '?'}: ${typeOf(value)}`,
    );
    return fields.length > 0 ? `{ ${fields.join(', ')} }` : 'object';
  }
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  return schema.type ?? 'any';
}

/** Plausible example values by argument name. */
const EXAMPLES: Record<string, unknown> = {
  userId: 100001,
  adminId: 100002,
  byUserId: 100002,
  ownerId: 100002,
  chatId: -1001000000001,
  threadId: 2,
  messageId: 5,
  text: 'Hello!',
  first_name: 'Ana',
  name: 'Ana',
  title: 'Fans inbox',
  latitude: 48.8584,
  longitude: 2.2945,
  callbackData: 'gift',
  emoji: '👍',
  seconds: 30,
  question: 'Which day?',
  options: ['Monday', 'Tuesday'],
  content: 'Hello!',
  rate: 0.1,
  // Stripe: ids come from GET /_sim/objects?type=charge (or the webhook log).
  target: 'ch_from_GET_/_sim/objects?type=charge',
  charge: 'ch_from_GET_/_sim/objects?type=charge',
  url: 'http://127.0.0.1:3000/stripe/webhook',
  path: '/v1/refunds',
};

function exampleOf(name: string, schema: JsonSchema): unknown {
  if (name in EXAMPLES) return EXAMPLES[name];
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return exampleOf(name, schema.anyOf.find((s) => s.type !== 'null') ?? {});
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'integer':
      return 1;
    case 'number':
      return 1.5;
    case 'boolean':
      return true;
    case 'string':
      return name.endsWith('Id') || name === 'id' ? 'id_from_a_listing' : 'text';
    case 'array':
      return [exampleOf(name, schema.items ?? {})];
    case 'object':
      return exampleObject(schema);
    default:
      return null;
  }
}

function exampleObject(schema: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of schema.required ?? []) {
    out[name] = exampleOf(name, schema.properties?.[name] ?? {});
  }
  return out;
}

export interface OperationDescription {
  /** What the arguments look like: `{ userId: integer, text: string, replyTo?: integer }`. */
  args: string;
  /** A body (or query) with every required argument filled in. */
  example: unknown;
}

/** Describes the arguments a zod schema accepts, with an example. */
export function describeArgs(schema: z.ZodType): OperationDescription {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const objectLike = json.anyOf?.find((s) => s.type === 'object') ?? json;
  return {
    args: typeOf(json),
    example: objectLike.type === 'object' ? exampleObject(objectLike) : null,
  };
}
