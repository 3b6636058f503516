import type { Spec } from './helpers.js';

/**
 * Checks a JSON value against a Bot API type string from the spec ("Message", "Array of
 * MessageId", "Message or Boolean"…): every field exists in the type, required fields are
 * present, and values match recursively. Union types (ChatMember, MessageOrigin…) pass when
 * one subtype matches. Returns the problems found (empty = valid).
 */
export function checkAgainstSpec(spec: Spec, value: unknown, type: string, path = '$'): string[] {
  const options = type.split(' or ').map((t) => t.trim());
  let best: string[] | undefined;
  for (const option of options) {
    const problems: string[] = [];
    checkOne(spec, value, option, path, problems);
    if (problems.length === 0) return [];
    if (!best || problems.length < best.length) best = problems;
  }
  return best ?? [`${path}: no type`];
}

function checkOne(
  spec: Spec,
  value: unknown,
  type: string,
  path: string,
  problems: string[],
): void {
  switch (type) {
    case 'Integer':
      if (!Number.isInteger(value))
        problems.push(`${path}: expected Integer, got ${JSON.stringify(value)}`);
      return;
    case 'Float':
      if (typeof value !== 'number')
        problems.push(`${path}: expected Float, got ${JSON.stringify(value)}`);
      return;
    case 'String':
      if (typeof value !== 'string')
        problems.push(`${path}: expected String, got ${JSON.stringify(value)}`);
      return;
    case 'Boolean':
      if (typeof value !== 'boolean')
        problems.push(`${path}: expected Boolean, got ${JSON.stringify(value)}`);
      return;
    case 'True':
      if (value !== true) problems.push(`${path}: expected True`);
      return;
    default:
      break;
  }
  if (type.startsWith('Array of ')) {
    if (!Array.isArray(value)) {
      problems.push(`${path}: expected ${type}`);
      return;
    }
    const inner = type.slice('Array of '.length);
    value.forEach((item, index) =>
      problems.push(...checkAgainstSpec(spec, item, inner, `${path}[${index}]`)),
    );
    return;
  }
  const definition = spec.types[type];
  if (!definition) {
    problems.push(`${path}: unknown spec type ${type}`);
    return;
  }
  if (definition.subtypes && definition.subtypes.length > 0) {
    const results = definition.subtypes.map((sub) => checkAgainstSpec(spec, value, sub, path));
    if (results.some((r) => r.length === 0)) return;
    problems.push(
      `${path}: matches no subtype of ${type} (${results.map((r) => r[0]).join(' | ')})`,
    );
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path}: expected object ${type}`);
    return;
  }
  const record = value as Record<string, unknown>;
  const fields = new Map((definition.fields ?? []).map((f) => [f.name, f]));
  for (const key of Object.keys(record)) {
    const field = fields.get(key);
    if (!field) {
      problems.push(`${path}.${key}: not a field of ${type}`);
      continue;
    }
    problems.push(
      ...checkAgainstSpec(spec, record[key], field.types.join(' or '), `${path}.${key}`),
    );
  }
  for (const field of fields.values()) {
    if (field.required && !(field.name in record))
      problems.push(`${path}: ${type}.${field.name} is required`);
  }
}

/** Every Message object inside a value (updates, results), for extra rules. */
export function collectMessages(
  value: unknown,
  out: Record<string, unknown>[] = [],
): Record<string, unknown>[] {
  if (Array.isArray(value)) {
    for (const item of value) collectMessages(item, out);
  } else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (
      typeof record.message_id === 'number' &&
      typeof record.chat === 'object' &&
      typeof record.date === 'number'
    ) {
      out.push(record);
    }
    for (const child of Object.values(record)) collectMessages(child, out);
  }
  return out;
}
