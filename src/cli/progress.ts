/**
 * Progress for network waits: a spinner on a terminal, plain lines otherwise (logs, CI,
 * tests), so every wait says what it waits for and how it ended.
 */
import type { Output } from './ui.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface Progress {
  /** Changes the text while waiting. */
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  warn(text?: string): void;
  /** Stops the spinner without a final line (before printing something else). */
  stop(): void;
}

/** Starts a progress indicator for `text`. */
export function startProgress(output: Output, text: string): Progress {
  let current = text;
  let timer: ReturnType<typeof setInterval> | undefined;
  let frame = 0;
  const tty = output.isTTY && process.stdout.isTTY;
  if (tty) {
    const draw = () => {
      process.stdout.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${current}`);
    };
    draw();
    timer = setInterval(draw, 80);
    timer.unref();
  } else {
    output.out(`… ${text}`);
  }
  const clear = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (tty) process.stdout.write('\r\x1b[2K');
  };
  const finish = (mark: string, final: string | undefined) => {
    clear();
    output.out(`${mark} ${final ?? current}`);
  };
  return {
    update(next) {
      current = next;
      if (!tty) output.out(`… ${next}`);
    },
    succeed: (final) => finish('✔', final),
    fail: (final) => finish('✖', final),
    warn: (final) => finish('⚠', final),
    stop: clear,
  };
}

/** Runs `work` under a progress indicator; the final line comes from `done` (or the text). */
export async function withProgress<T>(
  output: Output,
  text: string,
  work: () => Promise<T>,
  done?: (result: T) => string,
): Promise<T> {
  const progress = startProgress(output, text);
  try {
    const result = await work();
    progress.succeed(done ? done(result) : text);
    return result;
  } catch (err) {
    progress.fail(`${text}: failed`);
    throw err;
  }
}
