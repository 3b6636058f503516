/**
 * Stuck events (issue 12, item 8, the processor half): an event whose handler keeps failing
 * raises ONE owner alert when it reaches STUCK_EVENT_ATTEMPTS failed attempts, through the
 * outbox; when the cause is fixed the next delivery applies it as usual.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STUCK_EVENT_ATTEMPTS } from '../../src/core/payments/processor.js';
import {
  OWNER_ID,
  fanState,
  newFan,
  sessionIdOf,
  startPaymentsEnv,
  type PaymentsEnv,
} from './helpers.js';

describe('an event that keeps failing', () => {
  let env: PaymentsEnv;
  let failing = false;
  beforeAll(async () => {
    env = await startPaymentsEnv({
      ledger: (ledger) => ({
        ...ledger,
        grantCredits: (...args: Parameters<typeof ledger.grantCredits>) =>
          failing ? Promise.reject(new Error('disk full')) : ledger.grantCredits(...args),
      }),
    });
  });
  afterAll(async () => {
    await env?.close();
  });

  it(`alerts the owners once after ${STUCK_EVENT_ATTEMPTS} failed attempts, then applies when fixed`, async () => {
    const fan = newFan('Stu');
    env.sim.control.pauseDeliveries();
    const sessionId = sessionIdOf(
      (await env.payments.service.buy(fan, env.products.credits10)).reply,
    );
    env.sim.control.payCheckoutSession(sessionId);
    env.sim.control.dropPendingDeliveries();
    env.sim.control.resumeDeliveries();
    const event = env.sim.control
      .events()
      .find(
        (e) =>
          e.type === 'checkout.session.completed' &&
          (e.data.object as { id: string }).id === sessionId,
      )!;
    const payload = JSON.stringify(event);
    const alerts = async () =>
      (await env.db('outbox').where('kind', 'alert').where('chat_id', OWNER_ID)) as Array<{
        dedupe_key: string;
        payload: string;
      }>;
    const stuckAlerts = async () =>
      (await alerts()).filter((a) => a.dedupe_key.startsWith(`stripe_stuck:${event.id}`));

    failing = true;
    for (let i = 1; i <= STUCK_EVENT_ATTEMPTS + 2; i++) {
      await expect(env.payments.handlePayload(payload)).rejects.toThrow('disk full');
      expect(await stuckAlerts()).toHaveLength(i < STUCK_EVENT_ATTEMPTS ? 0 : 1);
    }
    const row = (await env.db('stripe_events').where('id', event.id).first()) as {
      attempts: number | string;
      processed_at: unknown;
    };
    expect(Number(row.attempts)).toBe(STUCK_EVENT_ATTEMPTS + 2);
    expect(row.processed_at).toBeNull();
    const [alert] = await stuckAlerts();
    const text = (JSON.parse(alert!.payload) as { params: { text: string } }).params.text;
    expect(text).toContain(event.id);
    expect(text).toContain('checkout.session.completed');
    expect(text).toContain('premiumbot payments reconcile');
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 0 });

    failing = false;
    expect(await env.payments.handlePayload(payload)).toEqual({ status: 'processed' });
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 10, grants: 1 });
    expect(await stuckAlerts()).toHaveLength(1);
  });
});
