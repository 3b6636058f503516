import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { findSecrets } from '../../scripts/check-secrets.mjs';
import { repoRoot } from '../helpers/cli.js';

// Secrets are assembled at run time so this file itself passes the guard.
const liveKey = ['sk', 'live', '51HabcdefGHIJKLMNOP'].join('_');
const restricted = ['rk', 'live', '51HabcdefGHIJKLMNOP'].join('_');
const botToken = `${'1234567890'}:${'AA'}${'H'.repeat(33)}`;

function write(name: string, content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-secrets-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

describe('pre-commit secret guard', () => {
  it('refuses live keys, real-looking bot tokens and .env files', () => {
    expect(
      (findSecrets as (f: string[]) => string[])([write('a.ts', `const k = '${liveKey}';`)]),
    ).toHaveLength(1);
    expect(findSecrets([write('b.ts', `k=${restricted}`)])).toHaveLength(1);
    expect(findSecrets([write('c.md', `token: ${botToken}`)])).toHaveLength(1);
    expect(findSecrets([write('.env', 'PORT=1')])).toHaveLength(1);
    expect(findSecrets([write('.env.production', 'PORT=1')])).toHaveLength(1);
  });

  it('allows test placeholders and example env files', () => {
    expect(
      findSecrets([
        write('ok.ts', "const k = 'sk_test_abcdefghijklmnop'; const t = '123456:TEST-TOKEN';"),
      ]),
    ).toEqual([]);
    expect(
      findSecrets([write('env.example', 'BOT_TOKEN=123456789:replace-with-your-bot-token')]),
    ).toEqual([]);
    expect(findSecrets([write('.env.example', 'STRIPE_API_KEY=sk_test_x')])).toEqual([]);
  });

  it('exits 1 with the findings when run as the lint-staged command', async () => {
    const bad = write('leak.ts', `export const k = '${liveKey}';`);
    const result = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [path.join(repoRoot, 'scripts/check-secrets.mjs'), bad],
        (err, _out, stderr) => resolve({ code: err ? Number(err.code) : 0, stderr }),
      ),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('live Stripe secret key');
  });

  it('the repository itself contains no live secrets', () => {
    const tracked = ['src', 'test', 'templates', 'docs', 'migrations', 'scripts']
      .flatMap((dir) => walk(path.join(repoRoot, dir)))
      .concat(
        ['README.md', 'package.json']
          .map((f) => path.join(repoRoot, f))
          .filter((f) => fs.existsSync(f)),
      );
    expect(findSecrets(tracked)).toEqual([]);
  });
});

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}
