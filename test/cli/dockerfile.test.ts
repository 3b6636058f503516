/**
 * The container image and the wizard agree on where the database lives: whatever the
 * wizard's default or the image's own DATABASE_URL, SQLite lands on the volume, which the
 * image's non-root user owns; the docs' `docker run` lines mount that volume. (No Docker
 * daemon is needed: this reads the Dockerfile as the build would.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATABASE_URL, parseDatabaseUrl } from '../../src/config/database-url.js';
import { repoRoot } from '../helpers/cli.js';

interface RuntimeStage {
  workdir: string;
  user: string;
  volumes: string[];
  env: Record<string, string>;
  /** Symlinks made by `ln -s TARGET LINK`: link → target. */
  links: Map<string, string>;
  /** Directories `chown`ed, with their owner. */
  owners: Map<string, string>;
}

/** The last stage of the Dockerfile, as far as paths, user and env go. */
function runtimeStage(dockerfile: string): RuntimeStage {
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const last = instructions.findLastIndex((line) => /^FROM\s/i.test(line));
  const stage: RuntimeStage = {
    workdir: '/',
    user: 'root',
    volumes: [],
    env: {},
    links: new Map(),
    owners: new Map(),
  };
  for (const line of instructions.slice(last + 1)) {
    const [keyword, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    switch (keyword!.toUpperCase()) {
      case 'WORKDIR':
        stage.workdir = path.posix.resolve(stage.workdir, args);
        break;
      case 'USER':
        stage.user = args;
        break;
      case 'VOLUME':
        stage.volumes.push(...(JSON.parse(args) as string[]));
        break;
      case 'ENV':
        for (const match of args.matchAll(/(\w+)=(\S+)/g)) stage.env[match[1]!] = match[2]!;
        break;
      case 'RUN':
        for (const match of args.matchAll(/ln -s (\S+) (\S+)/g)) {
          stage.links.set(path.posix.resolve(stage.workdir, match[2]!), match[1]!);
        }
        for (const match of args.matchAll(/chown (?:-R )?(\w+):\w+ (\S+)/g)) {
          stage.owners.set(match[2]!, match[1]!);
        }
        break;
    }
  }
  return stage;
}

/** Where a path really is, following the stage's symlinks. */
function realPath(stage: RuntimeStage, file: string): string {
  for (const [link, target] of stage.links) {
    if (file === link || file.startsWith(`${link}/`)) return target + file.slice(link.length);
  }
  return file;
}

function sqliteFileOf(stage: RuntimeStage, url: string): string {
  const target = parseDatabaseUrl(url, stage.workdir);
  if (target.dialect !== 'sqlite') throw new Error(`${url} is not SQLite`);
  return realPath(stage, path.posix.resolve(stage.workdir, target.filename));
}

describe('Dockerfile', () => {
  const stage = runtimeStage(fs.readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8'));
  const onVolume = (file: string) => stage.volumes.some((volume) => file.startsWith(`${volume}/`));

  it('runs as a non-root user who owns the volume', () => {
    expect(stage.user).not.toBe('root');
    expect(stage.volumes).toHaveLength(1);
    expect(stage.owners.get(stage.volumes[0]!)).toBe(stage.user);
  });

  it("puts the image's DATABASE_URL and the wizard's default on the volume", () => {
    expect(onVolume(sqliteFileOf(stage, stage.env.DATABASE_URL!))).toBe(true);
    // The wizard writes its default into .env, which `docker run --env-file .env` passes in.
    expect(onVolume(sqliteFileOf(stage, DEFAULT_DATABASE_URL))).toBe(true);
  });

  it('mounts that volume in every documented `docker run` line', () => {
    const guide = fs.readFileSync(path.join(repoRoot, 'docs/operator-guide.md'), 'utf8');
    const runs = guide.split('\n').filter((line) => line.startsWith('docker run'));
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) expect(run).toContain(`:${stage.volumes[0]}`);
  });
});
