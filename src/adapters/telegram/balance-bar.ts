/**
 * The compact balance update after relayed messages: one per burst. Each spend asks for an
 * update and requests close together share one, so five quick messages give the fan one
 * `Credits: 75/100 [████████░░] 75%` line showing the balance after the last of them; when
 * the burst crossed the low-balance threshold, the alert (which shows the bar) is its only
 * balance message. It is a courtesy, not paid work: kept in memory.
 */
import { renderBalance } from '../../core/balance.js';
import type { FanAccount, FanAccounts } from '../../core/fan-account.js';
import type { Logger } from '../../core/logger.js';
import { passIsRunning } from '../../core/passes.js';
import type { MessageCatalog } from '../../core/templates.js';
import type { BalanceBarPort } from '../../core/relay/ports.js';
import { PRIORITY, type NewOutboxJob, type OutboxStore } from '../../core/traffic/outbox.js';

export interface BalanceBarDeps {
  accounts: FanAccounts;
  outbox: Pick<OutboxStore, 'enqueue'>;
  templates: MessageCatalog;
  logger: Logger;
  delayMs: number;
  wake: () => void;
  /** The time of day (is a pass running?); the system's when absent. */
  now?: () => Date;
  /**
   * Several fans' accounts in one read (issue 17): the bars due within `batchMs` of each
   * other are read together and queued in one call. Without it each is read on its own.
   */
  accountsOf?: (fanIds: readonly number[]) => Promise<Map<number, FanAccount>>;
  /** How long a due bar waits for others to share its read (default 250 ms, at most `delayMs`). */
  batchMs?: number;
}

export class BalanceBar implements BalanceBarPort {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  /** Fans whose burst's balance was shown in a low-balance alert: the burst ends quietly. */
  private readonly covered = new Map<number, NodeJS.Timeout>();
  private readonly firstRequest = new Map<number, number>();
  private readonly running = new Set<Promise<void>>();
  /** Fans whose bar is due, waiting for the batch to leave. */
  private readonly due = new Set<number>();
  private batchTimer: NodeJS.Timeout | undefined;
  private readonly batchMs: number;

  constructor(private readonly deps: BalanceBarDeps) {
    this.batchMs = Math.max(0, Math.min(deps.batchMs ?? 250, deps.delayMs));
  }

  /**
   * Asks for a balance update for the fan. The update goes out once the fan paused for
   * `delayMs` (each request pushes it back), but never later than 4 × `delayMs` after the
   * first request of the burst.
   */
  request(fanId: number): void {
    if (this.covered.has(fanId)) return this.shownInAlert(fanId);
    const pending = this.timers.get(fanId);
    const now = Date.now();
    const firstAt = pending ? (this.firstRequest.get(fanId) ?? now) : now;
    if (pending) clearTimeout(pending);
    this.firstRequest.set(fanId, firstAt);
    const due = Math.min(now + this.deps.delayMs, firstAt + 4 * this.deps.delayMs);
    const timer = setTimeout(
      () => {
        this.timers.delete(fanId);
        this.firstRequest.delete(fanId);
        this.markDue(fanId);
      },
      Math.max(0, due - now),
    );
    timer.unref();
    this.timers.set(fanId, timer);
  }

  /**
   * The low-balance alert showed the bar: drop the pending update, and let requests of the
   * same burst (until the fan pauses for `delayMs`) send nothing more.
   */
  shownInAlert(fanId: number): void {
    const pending = this.timers.get(fanId);
    if (pending) clearTimeout(pending);
    this.timers.delete(fanId);
    this.due.delete(fanId);
    this.firstRequest.delete(fanId);
    const quiet = this.covered.get(fanId);
    if (quiet) clearTimeout(quiet);
    const timer = setTimeout(() => this.covered.delete(fanId), this.deps.delayMs);
    timer.unref();
    this.covered.set(fanId, timer);
  }

  /** Sends what is scheduled now (shutdown) and waits for it. */
  async flush(): Promise<void> {
    for (const [fanId, timer] of this.timers) {
      clearTimeout(timer);
      this.timers.delete(fanId);
      this.firstRequest.delete(fanId);
      this.due.add(fanId);
    }
    this.sendDue();
    await Promise.all([...this.running]);
  }

  /** A fan's bar is due: it leaves with the others due within `batchMs`. */
  private markDue(fanId: number): void {
    this.due.add(fanId);
    if (this.batchTimer) return;
    this.batchTimer = setTimeout(() => this.sendDue(), this.batchMs);
    this.batchTimer.unref();
  }

  private sendDue(): void {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    if (this.due.size === 0) return;
    const fanIds = [...this.due];
    this.due.clear();
    const run = this.send(fanIds)
      .catch((err: unknown) => this.deps.logger.warn({ err, fanIds }, 'balance update failed'))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  private async accounts(fanIds: readonly number[]): Promise<Map<number, FanAccount>> {
    if (this.deps.accountsOf) return this.deps.accountsOf(fanIds);
    const accounts = new Map<number, FanAccount>();
    for (const fanId of fanIds) {
      const account = await this.deps.accounts.get(fanId);
      if (account) accounts.set(fanId, account);
    }
    return accounts;
  }

  private async send(fanIds: readonly number[]): Promise<void> {
    const accounts = await this.accounts(fanIds);
    // During a pass credits do not move; the pass notices say what matters.
    const now = this.deps.now?.() ?? new Date();
    const jobs: NewOutboxJob[] = [];
    for (const fanId of fanIds) {
      const account = accounts.get(fanId);
      if (!account) continue;
      if (passIsRunning({ startedAt: account.passStartedAt, endsAt: account.passEndsAt }, now))
        continue;
      const t = this.deps.templates.forLanguage(account.languageCode);
      jobs.push({
        kind: 'notice.balance',
        target: { type: 'chat', chatId: fanId },
        method: 'sendMessage',
        params: {
          text: renderBalance(account, t('balance.label')),
          disable_notification: true,
        },
        priority: PRIORITY.fan,
        fanId,
      });
    }
    if (jobs.length === 0) return;
    await this.deps.outbox.enqueue(jobs);
    this.deps.wake();
  }
}
