/**
 * `serve` in the sandbox follows the simulators' clock (SANDBOX_CLOCK_URL): the Stripe
 * simulator's `/_sim/clock/stream` tells how far ahead it is, at once and after every advance,
 * and the product's clock reads real time plus that offset.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { ConfigError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { followSandboxClock, type SandboxClock } from '../../src/cli/sandbox-clock.js';
import { createSimClock } from '../../src/sandbox/stripe/clock.js';
import { createStripeSimulator, type StripeSimulator } from '../../src/sandbox/stripe/index.js';

describe('the sandbox clock followed by serve', () => {
  let stripe: StripeSimulator | undefined;
  let follower: SandboxClock | undefined;

  afterEach(async () => {
    follower?.close();
    await stripe?.close();
  });

  it('starts on the sandbox time and moves when the page advances the clock', async () => {
    const clock = createSimClock();
    clock.advance(600);
    stripe = createStripeSimulator({ clock });
    await stripe.listen();
    follower = await followSandboxClock(`${stripe.apiBase}/_sim/clock/stream`, silentLogger);
    // Read at connection: already 10 minutes ahead (a second of slack for the test machine).
    expect(follower.clock.now().getTime() - Date.now()).toBeGreaterThan(599_000);

    const moved = new Promise<void>((resolve) => follower!.onAdvance(resolve));
    // The page's control: the Stripe simulator's POST /_sim/clock/advance.
    const res = await fetch(`${stripe.apiBase}/_sim/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seconds: 3600 }),
    });
    expect(res.status).toBe(200);
    await moved;
    const ahead = follower.clock.now().getTime() - Date.now();
    expect(ahead).toBeGreaterThan(4_199_000);
    expect(ahead).toBeLessThanOrEqual(4_200_000);
  });

  it('names the URL when the sandbox does not answer', async () => {
    await expect(
      followSandboxClock('http://127.0.0.1:9/_sim/clock/stream', silentLogger),
    ).rejects.toThrow(/127\.0\.0\.1:9/);
  });

  it('SANDBOX_CLOCK_URL is read from the environment and only accepts this machine', () => {
    const url = 'http://127.0.0.1:8082/_sim/clock/stream';
    expect(loadConfig({ SANDBOX_CLOCK_URL: url }).sandboxClockUrl).toBe(url);
    expect(loadConfig({}).sandboxClockUrl).toBeUndefined();
    for (const wrong of ['https://clock.example.com/_sim/clock/stream', 'not a url']) {
      let error: unknown;
      try {
        loadConfig({ SANDBOX_CLOCK_URL: wrong });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.join('\n')).toContain(
        'SANDBOX_CLOCK_URL must be an http:// URL on this machine',
      );
    }
  });
});
