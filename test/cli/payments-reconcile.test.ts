import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeSimulator } from '../../src/sandbox/stripe/index.js';
import { runCli } from '../helpers/cli.js';
import { createMigratedTestDb, testDialect, type TestDb } from '../helpers/db.js';

/** The command wiring of `payments reconcile` (the reconciliation itself: test/payments). */
describe(`premiumbot payments reconcile on ${testDialect}`, () => {
  const sim = createStripeSimulator();
  let t: TestDb;
  let env: Record<string, string>;
  beforeAll(async () => {
    await sim.listen();
    t = await createMigratedTestDb();
    env = {
      DATABASE_URL: t.url,
      STRIPE_API_BASE: sim.apiBase,
      STRIPE_API_KEY: 'sk_test_reconcile',
    };
  });
  afterAll(async () => {
    await t?.destroy();
    await sim.close();
  });

  it('rejects a malformed window with exit 2 and changes nothing', async () => {
    const { code, stderr } = await runCli(['payments', 'reconcile', '--since', 'forever'], { env });
    expect(code).toBe(2);
    expect(stderr).toContain('--since "forever" is not a window like 72h');
    expect(sim.control.requests()).toHaveLength(0);
  });

  it('lists the window, reports what it did, and is idempotent', async () => {
    // A customer event is outside the handled set: listed by Stripe, never applied.
    sim.control.createCustomer();
    const first = await runCli(['payments', 'reconcile', '--since', '72h'], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Reconciling Stripe events since \d{4}-/);
    expect(first.stdout).toMatch(/0 event\(s\) listed: 0 applied, 0 already processed, 0 failed\./);
    const second = await runCli(['payments', 'reconcile'], { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('0 applied');
    expect(sim.control.requests().some((r) => r.path.startsWith('/v1/events'))).toBe(true);
    expect(sim.control.violations()).toEqual([]);
  });
});
