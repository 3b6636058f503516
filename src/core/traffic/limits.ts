/**
 * Telegram's send limits. The numbers are approximate (Telegram does not publish exact
 * ones), so they are configurable; `timeScale` lets the sandbox run simulated time faster.
 */
export interface TrafficLimits {
  /** Sends per second across all chats (Telegram: about 30). */
  globalPerSecond: number;
  /** Sends per second to one private chat (Telegram: about 1). */
  privatePerSecond: number;
  /** Sends a private chat may receive in a short burst before the 1/s pace applies. */
  privateBurst: number;
  /** Sends per minute to one group, shared by all its topics, topic creation included (about 20). */
  groupPerMinute: number;
  /** Extra fraction added to every window, absorbing network jitter between us and Telegram. */
  safetyRatio: number;
  /**
   * Real milliseconds per simulated millisecond (1 in production). The sandbox runs time
   * faster: with 0.01 a 60 s window passes in 0.6 s and a retry_after of 5 s is 50 ms.
   */
  timeScale: number;
  /**
   * How many sends a copyMessages call costs: one per call, or one per message copied.
   * Telegram does not document it, so the safe default counts every message.
   */
  batchCost: 'per_call' | 'per_message';
  /** A 429 whose retry_after (seconds) is above this is persisted and raises an alert. */
  longPauseSeconds: number;
}

export const DEFAULT_TRAFFIC_LIMITS: TrafficLimits = {
  globalPerSecond: 30,
  privatePerSecond: 1,
  privateBurst: 3,
  groupPerMinute: 20,
  safetyRatio: 0.05,
  timeScale: 1,
  batchCost: 'per_message',
  longPauseSeconds: 60,
};

/** A sliding window: at most `limit` sends in any `windowMs` (real milliseconds). */
export interface WindowRule {
  limit: number;
  windowMs: number;
}

/** The three windows the limits translate to, in real milliseconds. */
export interface WindowRules {
  global: WindowRule;
  privateChat: WindowRule;
  group: WindowRule;
}

/** Converts limits into sliding-window rules in real time, including the safety margin. */
export function windowRules(limits: TrafficLimits): WindowRules {
  const scale = limits.timeScale > 0 ? limits.timeScale : 1;
  const widen = (simulatedMs: number) => Math.ceil(simulatedMs * (1 + limits.safetyRatio) * scale);
  const burst = Math.max(1, Math.floor(limits.privateBurst));
  return {
    global: { limit: Math.max(1, Math.floor(limits.globalPerSecond)), windowMs: widen(1000) },
    privateChat: { limit: burst, windowMs: widen((burst * 1000) / limits.privatePerSecond) },
    group: { limit: Math.max(1, Math.floor(limits.groupPerMinute)), windowMs: widen(60_000) },
  };
}

/** Simulated seconds → real milliseconds. */
export function simulatedSecondsToMs(
  seconds: number,
  limits: Pick<TrafficLimits, 'timeScale'>,
): number {
  const scale = limits.timeScale > 0 ? limits.timeScale : 1;
  return Math.ceil(seconds * 1000 * scale);
}

/** Validates limits loaded from a file or settings; returns the problems, if any. */
export function limitProblems(limits: TrafficLimits): string[] {
  const problems: string[] = [];
  const positive: Array<Exclude<keyof TrafficLimits, 'batchCost'>> = [
    'globalPerSecond',
    'privatePerSecond',
    'privateBurst',
    'groupPerMinute',
    'timeScale',
    'longPauseSeconds',
  ];
  for (const key of positive) {
    const value = limits[key];
    if (!Number.isFinite(value) || value <= 0) problems.push(`${key} must be a positive number`);
  }
  if (limits.batchCost !== 'per_call' && limits.batchCost !== 'per_message') {
    problems.push("batchCost must be 'per_call' or 'per_message'");
  }
  if (!Number.isFinite(limits.safetyRatio) || limits.safetyRatio < 0 || limits.safetyRatio > 1) {
    problems.push('safetyRatio must be between 0 and 1');
  }
  return problems;
}

/** Telegram chat ids: users are positive, groups, supergroups and channels negative. */
export function isGroupChat(chatId: number): boolean {
  return chatId < 0;
}
