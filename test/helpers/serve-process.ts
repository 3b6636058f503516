import { spawn, type ChildProcess } from 'node:child_process';
import { binPath } from './cli.js';

/** A `premiumbot serve` child process, with its combined output and exit. */
export interface ServeProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

/**
 * Spawns the built `premiumbot serve` with a clean environment (PATH/HOME plus `env`) in
 * `cwd`; every child is pushed on `children` so the test can SIGKILL leftovers.
 */
export function spawnServe(
  args: string[],
  options: { env: Record<string, string>; cwd: string; children: ChildProcess[] },
): ServeProcess {
  const child = spawn(process.execPath, [binPath, 'serve', ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  options.children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited, output: () => output };
}
