/**
 * Writes `.env` safely: the new content goes to a temp file (mode 600) in the same folder,
 * is flushed, then renamed over the old file, so an interrupted write (Ctrl-C, crash, full
 * disk) leaves the previous file whole. Comments, blank lines and unknown keys are kept.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import type { CliContext } from './context.js';

/** The `.env` a command reads and writes: `--env-file PATH` or `.env` in the working directory. */
export function envFilePathOf(ctx: Pick<CliContext, 'cwd' | 'envFile'>): string {
  return path.resolve(ctx.cwd, ctx.envFile ?? '.env');
}

/** The values of an env file (empty when it does not exist). */
export function readEnvFile(file: string): Record<string, string> {
  return fs.existsSync(file) ? dotenv.parse(fs.readFileSync(file)) : {};
}

/** Quotes a value only when dotenv would otherwise misread it. */
export function formatEnvValue(value: string): string {
  if (/^[A-Za-z0-9_\-.:/@,+=~%]*$/.test(value)) return value;
  if (!value.includes("'") && !value.includes('\n')) return `'${value}'`;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export interface WriteEnvOptions {
  /** Content to start from when the file does not exist yet (templates/env.example). */
  template?: string;
}

/**
 * Sets `updates` in the env file (undefined values are left alone): an existing `KEY=` line
 * is replaced in place, a commented `# KEY=` line from the template is uncommented, anything
 * else is appended. Returns the keys whose value changed.
 */
export function updateEnvFile(
  file: string,
  updates: Record<string, string | undefined>,
  options: WriteEnvOptions = {},
): string[] {
  const exists = fs.existsSync(file);
  const before = exists ? fs.readFileSync(file, 'utf8') : (options.template ?? '');
  const current = exists ? dotenv.parse(before) : {};
  const lines = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const changed: string[] = [];
  for (const [key, value] of Object.entries(updates)) {
    if (value === undefined) continue;
    if (current[key] === value) continue;
    changed.push(key);
    const line = `${key}=${formatEnvValue(value)}`;
    const active = new RegExp(`^\\s*(export\\s+)?${key}\\s*=`);
    const commented = new RegExp(`^\\s*#\\s*${key}\\s*=`);
    const activeIndexes = lines.flatMap((l, i) => (active.test(l) ? [i] : []));
    if (activeIndexes.length > 0) {
      // dotenv keeps the last occurrence; rewrite it and drop earlier duplicates.
      const last = activeIndexes.at(-1) as number;
      lines[last] = line;
      for (const i of activeIndexes.slice(0, -1).reverse()) lines.splice(i, 1);
      continue;
    }
    const commentIndex = lines.findIndex((l) => commented.test(l));
    if (commentIndex >= 0) lines[commentIndex] = line;
    else lines.push(line);
  }
  if (changed.length === 0 && exists) {
    ensurePrivate(file);
    return changed;
  }
  writeFileAtomic(file, `${lines.join('\n')}\n`);
  return changed;
}

/** Tightens the mode of an existing secrets file to 600. */
function ensurePrivate(file: string): void {
  if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
}

/** Writes `content` to `file` atomically with mode 600 (temp file + fsync + rename). */
export function writeFileAtomic(file: string, content: string): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const temp = path.join(
    dir,
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx', 0o600);
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.chmodSync(temp, 0o600);
    fs.renameSync(temp, file);
  } catch (err) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw err;
  }
  try {
    const dirFd = fs.openSync(dir, 'r');
    fs.fsyncSync(dirFd);
    fs.closeSync(dirFd);
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
  }
}
