import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { tempDir } from './operator-harness.js';

function sh(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'sh',
      [path.join(repoRoot, 'install.sh'), ...args],
      { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', ...env } },
      (error, stdout, stderr) => {
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stdout,
          stderr,
        });
      },
    );
  });
}

/** Every file and folder under `dir`, relative. */
function tree(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map(String).sort();
}

describe('install.sh', () => {
  it('--dry-run prints the plan and changes nothing (all paths under a fake root)', async () => {
    const root = tempDir('pb-install-');
    const unitBefore = fs.readFileSync(path.join(repoRoot, 'templates/premiumbot.service'), 'utf8');
    const result = await sh(['--dry-run'], { PREMIUMBOT_ROOT: root });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Dry run: this is the plan; nothing is changed.');
    expect(result.stdout).toContain(
      `app in ${root}/opt/premiumbot, data in ${root}/var/lib/premiumbot`,
    );
    expect(result.stdout).toMatch(/Node\.js .*(present|Installing Node\.js 22)/);
    expect(result.stdout).toContain('npm ci');
    expect(result.stdout).toContain(`${root}/etc/systemd/system/premiumbot.service`);
    expect(result.stdout).toContain('Dry run complete: nothing was changed.');
    expect(tree(root)).toEqual([]);
    expect(fs.readFileSync(path.join(repoRoot, 'templates/premiumbot.service'), 'utf8')).toBe(
      unitBefore,
    );
  });

  it('installs only what the product needs: no demo/, .env, data or .git from the checkout', async () => {
    const root = tempDir('pb-install-');
    const result = await sh(['--dry-run'], { PREMIUMBOT_ROOT: root });
    expect(result.code).toBe(0);
    const copies = result.stdout.split('\n').filter((line) => line.includes('+ cp '));
    const copied = copies.map((line) => path.basename(line.trim().split(' ').at(-2)!));
    expect(copied.sort()).toEqual(
      [
        'README.md',
        'bin',
        'migrations',
        'package-lock.json',
        'package.json',
        'src',
        'templates',
        'tsconfig.build.json',
        'tsconfig.json',
      ].sort(),
    );
    expect(result.stdout).not.toMatch(/demo|\.env\b/);
  });

  it('rejects an unknown option with a hint', async () => {
    const result = await sh(['--frobnicate'], { PREMIUMBOT_ROOT: tempDir('pb-install-') });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown option: --frobnicate');
    expect(result.stderr).toContain('hint: Run: sh install.sh --help');
  });

  it('is POSIX sh with set -eu and all logic in main, called on the last line', () => {
    const script = fs.readFileSync(path.join(repoRoot, 'install.sh'), 'utf8');
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toMatch(/^set -eu$/m);
    expect(script.trimEnd().split('\n').at(-1)).toBe('main "$@"');
  });
});
