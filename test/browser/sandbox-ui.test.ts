/**
 * The sandbox page in a real browser (playwright-core driving Debian's chromium): the journey
 * a newcomer clicks through after `npm run demo`, against the built CLI exactly as the demo runs
 * it (`sandbox --ui`, `setup --non-interactive --catalog` with the demo catalog, `serve`). Each step writes a
 * screenshot to docs/screenshots/ (used by the README and the admin guide).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, repoRoot } from '../helpers/cli.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(repoRoot, 'docs/screenshots');
const children: ChildProcess[] = [];
let browser: Browser | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function start(args: string[], cwd: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [binPath, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  children.push(child);
  return { child, output: () => output };
}

async function until<T>(
  what: string,
  check: () => T | Promise<T>,
  output: () => string = () => '',
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface World {
  pageUrl: string;
  telegram: string;
  stripe: string;
}

/** The demo, as scripts/demo.sh runs it, on free ports in a temp folder. */
async function startDemo(): Promise<World> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-ui-'));
  const servePort = await freePort();
  const sandbox = start(
    [
      'sandbox',
      '--telegram-port',
      '0',
      '--stripe-port',
      '0',
      '--ui',
      '--ui-port',
      '0',
      '--serve-port',
      String(servePort),
      '--write-env',
      'sandbox.env',
    ],
    cwd,
    {},
  );
  const pageUrl = await until(
    'the sandbox page',
    () => /Sandbox page:\s+(\S+)/.exec(sandbox.output())?.[1],
    sandbox.output,
  );
  const env = Object.fromEntries(
    fs
      .readFileSync(path.join(cwd, 'sandbox.env'), 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env };
  // As scripts/demo.sh: the demo catalog (card and Telegram Stars prices).
  fs.copyFileSync(
    path.join(repoRoot, 'templates/products.demo.yaml'),
    path.join(cwd, 'products.yaml'),
  );
  const setup = spawnSync(
    process.execPath,
    [binPath, 'setup', '--non-interactive', '--catalog', 'products.yaml'],
    {
      cwd,
      env: base,
      encoding: 'utf8',
    },
  );
  if (setup.status !== 0) throw new Error(`setup failed:\n${setup.stdout}\n${setup.stderr}`);
  const serve = start(['serve'], cwd, { ...env, PORT: String(servePort) });
  await until(
    'premiumbot serve',
    async () => {
      if (serve.child.exitCode !== null) throw new Error(`serve exited:\n${serve.output()}`);
      return fetch(`http://127.0.0.1:${servePort}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
    },
    serve.output,
  );
  return {
    pageUrl: pageUrl as string,
    telegram: env.TELEGRAM_API_ROOT as string,
    stripe: env.STRIPE_API_BASE as string,
  };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

const fanChat = (page: Page) => page.locator('#fan-chat');
const topicLog = (page: Page) => page.locator('#topic-log');

describe('the sandbox page in a browser', () => {
  let world: World;
  let page: Page;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is not installed at ${CHROMIUM}: run \`apt-get install -y chromium\` (.ci/run does) or set CHROMIUM_PATH.`,
      );
    }
    fs.mkdirSync(SHOTS, { recursive: true });
    world = await startDemo();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(world.pageUrl);
    await page.locator('#status', { hasText: 'Live' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    for (const child of children) child.kill('SIGINT');
    await Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)),
    );
  });

  it('a fan buys, writes, the team answers, a locked photo is unlocked, pays in Stars, time moves on, /admin, a refund', async () => {
    // A new fan starts the bot.
    await page.getByLabel("New fan's name").fill('Zoë');
    await page.getByRole('button', { name: 'New fan' }).click();
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await fanChat(page).getByText('welcome').waitFor();
    await fanChat(page).getByRole('button', { name: '▶️ Start' }).click();
    await fanChat(page)
      .getByRole('button', { name: /10 credits/ })
      .click();
    await shot(page, '01-fan-chooses-a-pack');

    // Pays on the simulated Stripe Checkout page.
    await fanChat(page)
      .getByRole('button', { name: /Pay \$5\.00/ })
      .click();
    const checkout: FrameLocator = page.frameLocator('#checkout-frame');
    await checkout.getByRole('button', { name: 'Pay', exact: true }).waitFor();
    await shot(page, '02-stripe-checkout');
    await checkout.getByRole('button', { name: 'Pay', exact: true }).click();
    await fanChat(page).getByText('Payment received').waitFor();
    await expect.poll(() => page.locator('#checkout').getAttribute('open')).toBeNull();
    await fanChat(page).getByText('Your balance: 10 credits').waitFor();

    // Writes; the message lands in the fan's topic, after the fan card (its first message).
    await page.getByLabel('Message from the fan').fill('Hi! Is anyone there?');
    await page.getByLabel('Message from the fan').press('Enter');
    await page
      .getByRole('navigation', { name: 'Topics' })
      .getByRole('button', { name: /Zoë/ })
      .click();
    await topicLog(page).getByText('Hi! Is anyone there?').waitFor();
    await topicLog(page).getByText('Balance:').first().waitFor();
    await shot(page, '03-fan-writes-topic');

    // The team (the owner) answers in the topic; the fan gets it.
    await page.getByLabel('Write as').selectOption({ label: 'Owner (Creator)' });
    await page.getByLabel('Message in the topic').fill('Yes! Welcome, Zoë.');
    await page.getByLabel('Message in the topic').press('Enter');
    await fanChat(page).getByText('Yes! Welcome, Zoë.').waitFor();
    await shot(page, '04-team-answers');

    // A locked photo: the owner posts one in the topic (#note: it stays with the team), replies
    // /ppv 3 to it; the fan gets the blurred teaser and unlocks it with credits.
    await page.getByLabel('Message in the topic').fill('#note sunset set');
    await page.getByRole('button', { name: '📷 Photo' }).click();
    const note = topicLog(page).locator('li.msg', { hasText: '#note sunset set' });
    await note.waitFor();
    await note.getByRole('button', { name: /Reply to message/ }).click();
    await page.getByLabel('Message in the topic').fill('/ppv 3 Sunset');
    await page.getByLabel('Message in the topic').press('Enter');
    const teaser = fanChat(page).locator('li.msg', { hasText: '🔒 Sunset' });
    await teaser.locator('.media.spoiler img').waitFor({ timeout: 20_000 });
    await shot(page, '05-locked-photo-teaser');
    await teaser.getByRole('button', { name: '🔓 Unlock for 3 credits' }).click();
    await topicLog(page).getByText('Zoë unlocked #').waitFor({ timeout: 20_000 });
    await fanChat(page)
      .locator('li.msg:has(.media:not(.spoiler) img)', { hasText: 'Sunset' })
      .waitFor();
    await shot(page, '06-photo-unlocked');

    // A sample photo from the fan reaches the topic as a photo.
    const photos = await topicLog(page).locator('img[alt="Photo"]').count();
    await page.getByRole('button', { name: 'Send the sample photo “sunset”' }).click();
    await expect
      .poll(() => topicLog(page).locator('img[alt="Photo"]').count(), { timeout: 20_000 })
      .toBeGreaterThan(photos);

    // A time pass paid in Telegram Stars: the shop's ⭐ button, the invoice, Pay (pre-checkout).
    const receipts = await fanChat(page).getByText('Payment received').count();
    await fanChat(page)
      .getByRole('button', { name: /⭐\s*900/ })
      .first()
      .click();
    const invoice = fanChat(page)
      .locator('li.msg', { has: page.locator('.invoice') })
      .last();
    await invoice.getByRole('button', { name: /Pay.*900/ }).click();
    await expect
      .poll(() => fanChat(page).getByText('Payment received').count(), { timeout: 20_000 })
      .toBeGreaterThan(receipts);
    await fanChat(page).getByText('1 hour chat: 1 hour for ⭐ 900').waitFor();
    await expect
      .poll(() => topicLog(page).textContent(), { timeout: 20_000 })
      .toMatch(/1 hour chat.*⭐ 900 via Telegram Stars/);
    await expect.poll(() => page.locator('#stars').textContent()).toContain('900');
    await shot(page, '07-stars-payment');

    // The fan writes (the pass starts); nobody answers. The page's clock control moves the
    // sandbox's time, premiumbot's included: the pass ends for the fan, and the team gets a
    // response-time reminder (a paying fan waiting more than 30 minutes) in ⚠️ Alerts.
    await page.getByLabel('Message from the fan').fill('Let me know when you are back.');
    await page.getByLabel('Message from the fan').press('Enter');
    await fanChat(page).getByText('Your time pass has started').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: '+1 hour' }).click();
    await fanChat(page).getByText('Your time pass has ended').waitFor({ timeout: 20_000 });
    await page
      .getByRole('navigation', { name: 'Topics' })
      .getByRole('button', { name: /Alerts/ })
      .click();
    await topicLog(page)
      .getByText(/Zoë has been waiting \d+ min/)
      .waitFor({ timeout: 20_000 });
    await shot(page, '08-clock-pass-ended-alert');

    // /admin in General: the dashboard and its chart.
    await page
      .getByRole('navigation', { name: 'Topics' })
      .getByRole('button', { name: /General/ })
      .click();
    await page.getByRole('button', { name: '/admin' }).click();
    await expect
      .poll(() => topicLog(page).locator('img[alt="Photo"]').count(), { timeout: 20_000 })
      .toBeGreaterThan(0);
    // The chart: wait for its bytes, then show it (the page re-renders on changes, so in-page).
    // (A string: this file is typed for Node, the function runs in the page. Polled from here:
    // waitForFunction re-evaluates a string with eval() in the page, which its CSP forbids.)
    const chartShown = `(() => {
      const imgs = document.querySelectorAll('#topic-log img[alt="Photo"]');
      const chart = imgs[imgs.length - 1];
      if (!chart || !chart.complete || chart.naturalWidth === 0) return false;
      chart.scrollIntoView({ block: 'center' });
      return true;
    })()`;
    await expect.poll(() => page.evaluate<boolean>(chartShown), { timeout: 20_000 }).toBe(true);
    await shot(page, '09-admin-dashboard');

    // Refund from the payments strip: the charge shows refunded and the fan's credits go back.
    await page.locator('#charges').getByRole('button', { name: 'Refund' }).first().click();
    await expect.poll(() => page.locator('#charges').textContent()).toContain('refunded');
    await page
      .getByRole('navigation', { name: 'Topics' })
      .getByRole('button', { name: /Zoë/ })
      .click();
    await expect
      .poll(() => page.locator('#topic-log').textContent(), { timeout: 20_000 })
      .toMatch(/Refund of \$5\.00/);
    await expect.poll(() => fanChat(page).textContent(), { timeout: 20_000 }).toMatch(/refunded/i);
    await shot(page, '10-refund');

    const violations = (await (await fetch(`${world.telegram}/_sim/violations`)).json()) as {
      result: unknown[];
    };
    expect(violations.result).toEqual([]);
  });
});
