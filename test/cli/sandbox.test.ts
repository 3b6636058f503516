import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binPath } from '../helpers/cli.js';

describe('premiumbot sandbox', () => {
  it('starts both simulators, answers getMe, and stops cleanly on Ctrl-C', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-sandbox-'));
    const child = spawn(
      process.execPath,
      [
        binPath,
        'sandbox',
        '--telegram-port',
        '0',
        '--stripe-port',
        '0',
        '--write-env',
        'sandbox.env',
      ],
      { cwd, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );

    const deadline = Date.now() + 20_000;
    while (!/STRIPE_API_KEY=/.test(stdout)) {
      if (Date.now() > deadline) throw new Error(`sandbox did not start:\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const value = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(stdout)?.[1] ?? '';
    const apiRoot = value('TELEGRAM_API_ROOT');
    const token = value('BOT_TOKEN');
    const me = (await (await fetch(`${apiRoot}/bot${token}/getMe`)).json()) as {
      ok: boolean;
      result: { is_bot: boolean };
    };
    expect(me.ok).toBe(true);
    expect(me.result.is_bot).toBe(true);

    const chat = (await (
      await fetch(`${apiRoot}/bot${token}/getChat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: Number(value('ADMIN_CHAT_ID')) }),
      })
    ).json()) as { ok: boolean; result: { is_forum?: boolean } };
    expect(chat.ok).toBe(true);
    expect(chat.result.is_forum).toBe(true);

    const stripe = await fetch(`${value('STRIPE_API_BASE')}/v1/customers`, {
      headers: { authorization: `Bearer ${value('STRIPE_API_KEY')}` },
    });
    expect(stripe.status).toBe(200);
    expect(fs.readFileSync(path.join(cwd, 'sandbox.env'), 'utf8')).toContain(
      `TELEGRAM_API_ROOT=${apiRoot}`,
    );

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toContain('Sandbox stopped.');
    expect(stderr).toBe('');
  });
});
