/** `payments reconcile` after a webhook outage: exactly the missing events, then nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRIPE_EVENTS } from '../../src/adapters/stripe/webhook-endpoint.js';
import { parseWindow, reconcilePayments } from '../../src/cli/commands/payments.js';
import { loadMessageCatalog } from '../../src/config/message-templates.js';
import { silentLogger } from '../../src/core/logger.js';
import {
  ADMIN_CHAT_ID,
  OWNER_ID,
  buyAndPay,
  fanState,
  newFan,
  sessionIdOf,
  startPaymentsEnv,
  type PaymentsEnv,
} from './helpers.js';

describe('payments reconcile', () => {
  let env: PaymentsEnv;
  beforeAll(async () => {
    env = await startPaymentsEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  const run = async () => {
    const lines: string[] = [];
    const output = { out: (l = '') => lines.push(l), err: (l = '') => lines.push(l), isTTY: false };
    const summary = await reconcilePayments({
      db: env.db,
      stripe: env.stripe,
      sinceSeconds: 3600,
      nowSeconds: env.sim.control.clock.now(),
      adminChatId: ADMIN_CHAT_ID,
      ownerIds: [OWNER_ID],
      logger: silentLogger,
      output,
      templates: loadMessageCatalog(),
    });
    return { summary, lines };
  };

  it('applies exactly the events missed during an outage; a second run does nothing', async () => {
    const before = newFan('Pre');
    await buyAndPay(env, before, env.products.credits10);

    env.sim.control.pauseDeliveries();
    const firstEvent = env.sim.control.events().length;
    const a = newFan('Ola');
    const b = newFan('Pia');
    const sa = sessionIdOf((await env.payments.service.buy(a, env.products.credits10)).reply);
    const sb = sessionIdOf((await env.payments.service.buy(b, env.products.credits25)).reply);
    env.sim.control.payCheckoutSession(sa, { saveCard: true });
    const paid = env.sim.control.payCheckoutSession(sb);
    env.sim.control.refund(paid.paymentIntent.id, 400);
    expect(env.sim.control.dropPendingDeliveries()).toBeGreaterThan(0);
    env.sim.control.resumeDeliveries();
    const missing = env.sim.control
      .events()
      .slice(firstEvent)
      .filter((e) => (STRIPE_EVENTS as readonly string[]).includes(e.type))
      .map((e) => e.id);
    expect(await fanState(env.db, a.id)).toMatchObject({ credits: 0 });

    const first = await run();
    expect(first.summary.failed).toBe(0);
    expect([...first.summary.appliedEvents].sort()).toEqual([...missing].sort());
    expect(await fanState(env.db, a.id)).toMatchObject({ credits: 10, grants: 1, totalSpent: 500 });
    expect(await fanState(env.db, b.id)).toMatchObject({ credits: 15, grants: 1, totalSpent: 600 });
    expect(await fanState(env.db, before.id)).toMatchObject({ credits: 10, grants: 1 });
    const saved = (await env.db('users').where('id', a.id).first()) as {
      saved_payment_method_id: string;
    };
    expect(saved.saved_payment_method_id).toMatch(/^pm_/);

    const second = await run();
    expect(second.summary.applied).toBe(0);
    expect(second.summary.alreadyProcessed).toBe(second.summary.listed);
    expect(await fanState(env.db, a.id)).toMatchObject({ credits: 10, grants: 1 });
    expect(env.sim.control.violations()).toEqual([]);
  });

  it('parses --since windows', () => {
    expect(parseWindow('72h')).toBe(72 * 3600);
    expect(parseWindow('3d')).toBe(3 * 86400);
    expect(parseWindow('90m')).toBe(5400);
    expect(() => parseWindow('forever')).toThrow(/--since/);
    expect(() => parseWindow('31d')).toThrow(/30d/);
  });
});
