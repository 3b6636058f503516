/**
 * Runs the drop engine's step while drops are open: every `tickMs` while one is, every
 * `idleMs` otherwise (a drop started on another instance, or left by a stopped process, is
 * picked up), at once when woken. A failed step is logged and tried again at the next tick.
 */
import type { Logger } from '../../../core/logger.js';

export interface DropRunnerDeps {
  step(): Promise<boolean>;
  logger: Logger;
  tickMs: number;
  idleMs: number;
}

export class DropRunner {
  private running = false;
  private loop: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;

  constructor(private readonly deps: DropRunnerDeps) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Steps again now (a drop started or was cancelled). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let busy = true;
      try {
        busy = await this.deps.step();
      } catch (err) {
        this.deps.logger.warn({ err }, 'drops: a step failed; trying again');
      }
      if (!this.running) break;
      if (!this.woken) await this.sleep(busy ? this.deps.tickMs : this.deps.idleMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
        this.wakeUp = null;
        resolve();
      };
      this.wakeUp = done;
      this.timer = setTimeout(done, ms);
      this.timer.unref?.();
    });
  }
}
