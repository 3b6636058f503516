/**
 * The team's lost-sales line (core/relay/lost-sales.ts), coalesced per fan: each refused
 * message is stored at once (the count is persisted and shared by every instance); the line
 * is posted or edited once the fan paused for `delayMs` (never later than 4 × `delayMs`
 * after the burst's first attempt), so a burst costs the admin group one message. A line
 * still waiting in the outbox is looked at again later, and edited once it was sent.
 */
import type { Logger } from '../../core/logger.js';
import {
  flushLostSale,
  recordLostSale,
  type LostSaleAttempt,
  type LostSalesDeps,
  type LostSalesPort,
} from '../../core/relay/lost-sales.js';

export interface LostSaleLinesDeps extends LostSalesDeps {
  logger: Logger;
  delayMs: number;
  /** Wakes the outbox worker after an enqueue. */
  wake: () => void;
}

/** How often a flush waits for a line still queued before it gives up. */
const MAX_WAITS = 20;

export class LostSaleLines implements LostSalesPort {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly firstAttempt = new Map<number, number>();
  /** Per fan: when the latest attempt was (the window its line belongs to). */
  private readonly latest = new Map<number, Date>();
  /** Per fan: the attempts being stored, so a flush counts them. */
  private readonly recording = new Map<number, Promise<void>>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: LostSaleLinesDeps) {}

  attempted(attempt: LostSaleAttempt): void {
    const { fanId } = attempt;
    const previous = this.recording.get(fanId) ?? Promise.resolve();
    const stored = previous
      .then(() => recordLostSale(this.deps, attempt))
      .catch((err: unknown) => this.deps.logger.warn({ err, fanId }, 'lost sale not recorded'));
    this.recording.set(fanId, stored);
    void stored.finally(() => {
      if (this.recording.get(fanId) === stored) this.recording.delete(fanId);
    });
    this.schedule(fanId, attempt.at, 0);
  }

  /** Posts what is scheduled now (shutdown) and waits for it. */
  async flush(): Promise<void> {
    for (const [fanId, timer] of this.timers) {
      clearTimeout(timer);
      this.timers.delete(fanId);
      this.firstAttempt.delete(fanId);
      this.track(this.run(fanId, this.latest.get(fanId) ?? new Date(), MAX_WAITS));
    }
    await Promise.all([...this.running]);
  }

  private schedule(fanId: number, at: Date, waits: number): void {
    const pending = this.timers.get(fanId);
    const now = Date.now();
    const firstAt = pending ? (this.firstAttempt.get(fanId) ?? now) : now;
    if (pending) clearTimeout(pending);
    this.firstAttempt.set(fanId, firstAt);
    this.latest.set(fanId, at);
    const due = Math.min(now + this.deps.delayMs, firstAt + 4 * this.deps.delayMs);
    const timer = setTimeout(
      () => {
        this.timers.delete(fanId);
        this.firstAttempt.delete(fanId);
        this.latest.delete(fanId);
        this.track(this.run(fanId, at, waits));
      },
      Math.max(0, due - now),
    );
    timer.unref();
    this.timers.set(fanId, timer);
  }

  private async run(fanId: number, at: Date, waits: number): Promise<void> {
    try {
      await this.recording.get(fanId);
      const result = await flushLostSale(this.deps, fanId, at);
      if (result === 'posted' || result === 'edited') this.deps.wake();
      // The line is still queued (the group is busy): edit it once it was sent.
      if (result === 'wait' && waits < MAX_WAITS && !this.timers.has(fanId)) {
        this.schedule(fanId, at, waits + 1);
      }
    } catch (err) {
      this.deps.logger.warn({ err, fanId }, 'lost sale line failed');
    }
  }

  private track(run: Promise<void>): void {
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }
}
