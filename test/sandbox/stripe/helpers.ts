import fs from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Stripe from 'stripe';
import {
  createStripeSimulator,
  type StripeSimulator,
  type StripeSimulatorOptions,
} from '../../../src/sandbox/stripe/index.js';

/** Parsed JSON a test reads freely (raw HTTP answers). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions walk arbitrary JSON
export type JsonBody = Record<string, any>;

/** A listening simulator plus a stripe-node client pointed at it. */
export async function startSimulator(
  options: StripeSimulatorOptions = {},
): Promise<{ sim: StripeSimulator; stripe: Stripe }> {
  const sim = createStripeSimulator({
    webhookRetry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 4 },
    ...options,
  });
  await sim.listen();
  return { sim, stripe: stripeFor(sim) };
}

/** stripe-node 23.1.0 as the bot builds it: host/port/protocol from the simulator, pinned apiVersion. */
export function stripeFor(
  sim: StripeSimulator,
  key = 'sk_test_premiumbot',
  maxNetworkRetries = 0,
): Stripe {
  return new Stripe(key, {
    ...sim.clientOptions(),
    apiVersion: Stripe.API_VERSION,
    maxNetworkRetries,
  });
}

export interface Received {
  raw: string;
  headers: IncomingHttpHeaders;
  /** The event as `stripe.webhooks.constructEvent` returned it, or null when verification failed. */
  event: Stripe.Event | null;
  verifyError: string | null;
}

/** A tiny real webhook receiver that verifies every delivery with stripe-node. */
export async function startReceiver(
  options: { secret?: () => string; status?: (n: number, raw: string) => number } = {},
) {
  const received: Received[] = [];
  const verifier = new Stripe('sk_test_verifier');
  let count = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let event: Stripe.Event | null = null;
      let verifyError: string | null = null;
      try {
        const secret = options.secret?.() ?? '';
        event = verifier.webhooks.constructEvent(
          raw,
          req.headers['stripe-signature'] as string,
          secret,
        );
      } catch (err) {
        verifyError = (err as Error).message;
      }
      received.push({ raw, headers: req.headers, event, verifyError });
      const status = options.status?.(count++, raw) ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stripe-webhook`;
  return {
    url,
    received,
    events: () => received.map((r) => r.event).filter((e): e is Stripe.Event => e !== null),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Stripe's OpenAPI fixtures (`resources` by type) from the shared spec folder, or null when absent. */
export function loadStripeFixtures(): Record<string, Record<string, unknown>> | null {
  const dir = process.env.PREMIUMBOT_SPEC_DIR ?? path.resolve(repoRoot, '../shared/spec');
  const file = path.join(dir, 'stripe-openapi-fixtures3.json');
  if (!fs.existsSync(file)) return null;
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    resources: Record<string, Record<string, unknown>>;
  };
  return parsed.resources;
}
