/** Stripe-Signature verification (the route tests in test/adapters/http deliver real events). */
import { describe, expect, it } from 'vitest';
import { verifyStripeSignature } from '../../../src/adapters/stripe/webhook.js';
import { signatureHeader } from '../../../src/sandbox/stripe/index.js';

describe('Stripe webhook signatures', () => {
  it('verifyStripeSignature: a header with several v1 signatures matches any', () => {
    const t = 1_800_000_000;
    const good = signatureHeader('{}', 'whsec_a', t).split(',')[1]!;
    const header = `t=${t},v1=${'0'.repeat(64)},${good}`;
    expect(verifyStripeSignature('{}', header, ['whsec_a'], t)).toEqual({ ok: true, timestamp: t });
    expect(verifyStripeSignature('{}', header, ['whsec_a'], t + 301)).toEqual({
      ok: false,
      reason: 'too_old',
    });
    expect(verifyStripeSignature('{}', header, ['whsec_a'], t - 301)).toEqual({
      ok: false,
      reason: 'in_future',
    });
  });
});
