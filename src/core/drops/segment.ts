/**
 * Who a drop goes to: all fans, a tier, fans who spent at least an amount, fans active in
 * the last N days, or fans who never bought the item. Stored as JSON on the drop.
 */
import { z } from 'zod';
import { parseMoney } from '../money.js';
import { TIERS } from '../tiers.js';

/** The longest "active in the last N days" window offered. */
export const MAX_ACTIVE_DAYS = 365;

export const dropSegmentSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('all') }),
  z.strictObject({ kind: z.literal('tier'), tier: z.enum(TIERS) }),
  z.strictObject({ kind: z.literal('spent'), minCents: z.number().int().min(0) }),
  z.strictObject({
    kind: z.literal('active'),
    days: z.number().int().min(1).max(MAX_ACTIVE_DAYS),
  }),
  z.strictObject({ kind: z.literal('not_bought') }),
]);

export type DropSegment = z.infer<typeof dropSegmentSchema>;

/** Reads a stored segment (untrusted JSON); null when it is not one. */
export function parseSegment(value: unknown): DropSegment | null {
  const parsed = dropSegmentSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The start of an "active in the last `days` days" window. */
export function activeSince(days: number, now: Date): Date {
  return new Date(now.getTime() - days * 86_400_000);
}

export type ParsedInput<T> = { ok: true; value: T } | { ok: false; problem: string };

/** "Spent at least …": an amount in `currency` ("50", "49.99"). */
export function parseSpentInput(text: string, currency: string): ParsedInput<number> {
  const parsed = parseMoney(text.replace(/^[^\d]+/, ''), currency);
  return parsed.ok ? { ok: true, value: parsed.minor } : { ok: false, problem: parsed.problem };
}

/** "Active in the last N days": a whole number of days from 1 to MAX_ACTIVE_DAYS. */
export function parseDaysInput(text: string): ParsedInput<number> {
  const trimmed = text.trim();
  const days = /^\d{1,4}$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isInteger(days) || days < 1 || days > MAX_ACTIVE_DAYS) {
    return { ok: false, problem: `"${text}" is not a number of days from 1 to ${MAX_ACTIVE_DAYS}` };
  }
  return { ok: true, value: days };
}
