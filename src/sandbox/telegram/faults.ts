/**
 * Fault injection: rules that make the next N matching Bot API calls fail in a chosen way, and
 * an optional seeded random fault rate. Rules are matched in the order they were added.
 */

export type FaultSpec =
  /** 429 Too Many Requests with `retry_after` (simulated seconds). */
  | { type: 'rate_limit'; retryAfter: number }
  /** A 5xx answer; nothing is executed. */
  | { type: 'server_error'; status?: 500 | 502 | 503 | 504 }
  /** The call is executed (a message is stored) but the connection is destroyed without answer. */
  | { type: 'response_lost' }
  /** Nothing is executed; the connection hangs for `holdMs` real ms (default 30 000) then closes. */
  | { type: 'timeout'; holdMs?: number }
  /** Any error envelope, e.g. `{ code: 403, description: 'Forbidden: user is deactivated' }`. */
  | { type: 'error'; code: number; description: string };

export interface FaultRuleInput {
  fault: FaultSpec;
  /** How many matching calls fail (default 1). */
  count?: number;
  /** Only these methods (case-insensitive); default any method. */
  methods?: string[];
  /** Only calls whose `chat_id` is this chat. */
  chatId?: number | string;
}

export interface RandomFaultsInput {
  /** Probability (0–1) that a matching call fails. */
  rate: number;
  /** Seed of the deterministic generator (default 1). */
  seed?: number;
  /** Which faults to draw from (default: 429 only). */
  faults?: ('rate_limit' | 'server_error' | 'response_lost')[];
  /** Range of retry_after for random 429s, simulated seconds (default [1, 5]). */
  retryAfter?: [min: number, max: number];
  /** Only these methods (default: the send-like methods). */
  methods?: string[];
}

interface FaultRule {
  fault: FaultSpec;
  remaining: number;
  methods?: Set<string>;
  chatId?: number | string;
}

/** mulberry32: small, fast, good enough for reproducible fault sequences. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  private rules: FaultRule[] = [];
  private random:
    { input: RandomFaultsInput; next: () => number; methods: Set<string> } | undefined;

  constructor(private readonly defaultRandomMethods: readonly string[]) {}

  inject(input: FaultRuleInput): void {
    const rule: FaultRule = { fault: input.fault, remaining: input.count ?? 1 };
    if (input.methods) rule.methods = new Set(input.methods.map((m) => m.toLowerCase()));
    if (input.chatId !== undefined) rule.chatId = input.chatId;
    this.rules.push(rule);
  }

  setRandom(input: RandomFaultsInput | null): void {
    if (!input) {
      this.random = undefined;
      return;
    }
    this.random = {
      input,
      next: rng(input.seed ?? 1),
      methods: new Set((input.methods ?? this.defaultRandomMethods).map((m) => m.toLowerCase())),
    };
  }

  /** The fault for this call, consuming one use of the first matching rule. */
  take(method: string, chatId: unknown): FaultSpec | undefined {
    const lower = method.toLowerCase();
    for (const rule of this.rules) {
      if (rule.remaining <= 0) continue;
      if (rule.methods && !rule.methods.has(lower)) continue;
      if (rule.chatId !== undefined && String(rule.chatId) !== String(chatId)) continue;
      rule.remaining -= 1;
      this.rules = this.rules.filter((r) => r.remaining > 0);
      return rule.fault;
    }
    const random = this.random;
    if (random && random.methods.has(lower) && random.next() < random.input.rate) {
      const kinds = random.input.faults ?? ['rate_limit'];
      const kind = kinds[Math.floor(random.next() * kinds.length)] ?? 'rate_limit';
      if (kind === 'rate_limit') {
        const [min, max] = random.input.retryAfter ?? [1, 5];
        return {
          type: 'rate_limit',
          retryAfter: min + Math.floor(random.next() * (max - min + 1)),
        };
      }
      if (kind === 'server_error') return { type: 'server_error', status: 502 };
      return { type: 'response_lost' };
    }
    return undefined;
  }

  pending(): number {
    return this.rules.reduce((sum, rule) => sum + rule.remaining, 0);
  }

  clear(): void {
    this.rules = [];
    this.random = undefined;
  }
}
