/**
 * `serve --polling`: getUpdates instead of a webhook (development, no public URL). An
 * offset is confirmed only after every update of the batch was processed, so a crash
 * re-fetches them and the intake drops the ones already done.
 */
import type { Logger } from '../../core/logger.js';
import { BotApiError, type BotApi } from './bot-api.js';
import { ALLOWED_UPDATES } from './operator-api.js';
import type { IncomingUpdate, IntakeResult } from './intake.js';
import { sleep } from './sender.js';

export interface PollerDeps {
  api: BotApi;
  intake: { accept(update: IncomingUpdate): Promise<IntakeResult> };
  logger: Logger;
  /** Long-poll timeout in seconds (Telegram holds the request this long when idle). */
  timeoutSeconds?: number;
  /** Real milliseconds to wait after an error. */
  errorDelayMs?: number;
}

export class Poller {
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private abort = new AbortController();
  private offset = 0;

  constructor(private readonly deps: PollerDeps) {}

  /** Removes any webhook (getUpdates refuses to work while one is set) and starts polling. */
  async start(): Promise<void> {
    await this.deps.api.call('deleteWebhook', { drop_pending_updates: false });
    this.running = true;
    this.loopDone = this.loop();
  }

  /** Stops fetching; updates already fetched finish first. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.abort.abort(new Error('shutdown'));
    await this.loopDone;
  }

  private async loop(): Promise<void> {
    const timeout = this.deps.timeoutSeconds ?? 25;
    const errorDelay = this.deps.errorDelayMs ?? 2_000;
    while (this.running) {
      let updates: IncomingUpdate[];
      try {
        updates = await this.deps.api.call<IncomingUpdate[]>(
          'getUpdates',
          { offset: this.offset, timeout, allowed_updates: [...ALLOWED_UPDATES] },
          { signal: this.abort.signal, timeoutMs: (timeout + 15) * 1000 },
        );
      } catch (err) {
        if (!this.running) return;
        const conflict =
          err instanceof BotApiError && err.failure.type === 'api' && err.failure.code === 409;
        this.deps.logger.error(
          { err },
          conflict
            ? 'getUpdates conflict: another instance is polling or a webhook is set (run one poller, or use webhooks)'
            : 'getUpdates failed; retrying',
        );
        await sleep(errorDelay).catch(() => {});
        continue;
      }
      if (updates.length === 0) continue;
      const results = await Promise.all(updates.map((u) => this.deps.intake.accept(u)));
      if (results.includes('failed') || results.includes('closed')) {
        // Not confirmed: the same batch comes again and processed updates are skipped.
        await sleep(errorDelay).catch(() => {});
        continue;
      }
      this.offset = Math.max(...updates.map((u) => u.update_id)) + 1;
    }
  }
}
