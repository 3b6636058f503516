/** Group commit for the writes of the delivery path (outbox status rows, message links). */

/** Most rows one statement carries (bound parameters stay far below the limits). */
const MAX_ROWS_PER_STATEMENT = 400;

/**
 * Group commit: a write while none is running goes out in the event loop's next check phase
 * (`setImmediate`), with the writes asked for in the same turn — the deliveries whose answers
 * arrived in one poll of the sockets (on SQLite a statement runs synchronously, so writing at
 * once left nothing to group: 3,000 links took ~1,400 statements); writes that arrive while
 * one runs wait for it and then go out together. One statement per `MAX_ROWS_PER_STATEMENT`
 * rows. Each caller resolves once its rows are written (or rejects with the statement's
 * error), exactly as if it had written alone.
 */
export class GroupWriter<T> {
  private queue: Array<{ items: readonly T[]; done: (err?: unknown) => void }> = [];
  private running = false;

  /**
   * With `isolateFailures`, a shared statement that fails is written again caller by caller,
   * so one bad row (a constraint) fails only the write that brought it.
   */
  constructor(
    private readonly writeAll: (items: readonly T[]) => Promise<void>,
    private readonly options: { isolateFailures?: boolean } = {},
  ) {}

  write(items: readonly T[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ items, done: (err) => (err === undefined ? resolve() : reject(err)) });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      const failure = await this.writeChunks(batch.flatMap((w) => w.items));
      if (failure !== undefined && batch.length > 1 && this.options.isolateFailures) {
        for (const w of batch) w.done(await this.writeChunks(w.items));
      } else for (const w of batch) w.done(failure);
    }
    this.running = false;
  }

  /** Writes `items`, `MAX_ROWS_PER_STATEMENT` at a time; the error, if any. */
  private async writeChunks(items: readonly T[]): Promise<unknown> {
    try {
      for (let i = 0; i < items.length; i += MAX_ROWS_PER_STATEMENT) {
        await this.writeAll(items.slice(i, i + MAX_ROWS_PER_STATEMENT));
      }
      return undefined;
    } catch (err) {
      return err ?? new Error('group write failed');
    }
  }
}
