import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../../core/logger.js';
import { StripeApi } from './api-server.js';
import { serveEventStream } from '../event-stream.js';
import { serveClockStream } from '../clock-stream.js';
import { createSimClock, type SimClock } from './clock.js';
import { createControl, type StripeSimulatorControl } from './control.js';
import { createControlHttp } from './control-http.js';
import { stripeRoutes } from './resources/index.js';
import { createSim } from './sim.js';
import { WebhookDelivery, type RetryPolicy } from './webhook-delivery.js';

/** The Stripe API version stripe-node 23.1.0 pins (`Stripe.API_VERSION`); events carry it. */
export const DEFAULT_API_VERSION = '2026-10-28.endive';

export interface StripeSimulatorOptions {
  logger?: Logger;
  /** `api_version` of events (default: what stripe-node 23.1.0 pins). */
  apiVersion?: string;
  /** Start the clock at this Unix time (default: real time). */
  clockStart?: number;
  /** A clock shared with other parts of the sandbox (then `clockStart` is ignored). */
  clock?: SimClock;
  /** Webhook retries: attempts and backoff in real ms (default 6 attempts, 500 ms doubling up to 30 s). */
  webhookRetry?: Partial<RetryPolicy>;
  /** Per-attempt timeout of a webhook POST (default 10 s). */
  webhookTimeoutMs?: number;
  /** Sign webhooks with real time instead of the simulator clock (default false). */
  signWithRealTime?: boolean;
  /** Base URL used in hosted links when the simulator sits behind a proxy (default: its own address). */
  publicUrl?: string;
}

export interface StripeSimulator {
  /** Starts serving; port 0 picks a free one. */
  listen(port?: number, host?: string): Promise<{ url: string }>;
  /** Stops serving, cancels pending deliveries and closes every connection. */
  close(): Promise<void>;
  /** `http://host:port` once listening: use it as STRIPE_API_BASE. */
  readonly apiBase: string;
  /** `{ host, port, protocol }` for `new Stripe(key, { ...clientOptions(), apiVersion })`. */
  clientOptions(): { host: string; port: number; protocol: 'http' };
  readonly control: StripeSimulatorControl;
}

const corsHeaders = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers':
    'authorization, content-type, idempotency-key, stripe-version, stripe-account',
  'access-control-expose-headers':
    'request-id, idempotency-key, idempotent-replayed, original-request, stripe-version',
  'access-control-max-age': '600',
};

/** Builds (does not start) a Stripe API simulator with its control surface. */
export function createStripeSimulator(options: StripeSimulatorOptions = {}): StripeSimulator {
  const logger = options.logger ?? silentLogger;
  let address: { host: string; port: number } | null = null;
  const apiBase = () => {
    if (!address)
      throw new Error('The Stripe simulator is not listening yet; call listen() first.');
    const host = address.host.includes(':') ? `[${address.host}]` : address.host;
    return `http://${host}:${address.port}`;
  };
  const publicBase = () => options.publicUrl?.replace(/\/$/, '') ?? apiBase();

  // `GET /_sim/stream` listeners: told after every event and every request that may change state.
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };
  const subscribe = (listener: () => void) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };
  const sim = createSim({
    clock: options.clock ?? createSimClock(options.clockStart),
    apiVersion: options.apiVersion ?? DEFAULT_API_VERSION,
    logger,
    baseUrl: publicBase,
    // Events only exist once a request or action runs, after `delivery` below is built.
    onEvent: (event) => {
      const queued = delivery.enqueue(event);
      notify();
      return queued;
    },
  });
  const delivery = new WebhookDelivery({
    sim,
    retry: { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, ...options.webhookRetry },
    timeoutMs: options.webhookTimeoutMs ?? 10_000,
    signWithRealTime: options.signWithRealTime ?? false,
    logger,
  });
  const api = new StripeApi(sim, stripeRoutes);
  const control = createControl(sim, api, delivery);
  const handleControl = createControlHttp(sim, control);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    for (const [k, v] of Object.entries(corsHeaders)) res.setHeader(k, v);
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const done = (p: Promise<void>) =>
      p.catch((err: unknown) => {
        logger.error({ err }, 'stripe simulator request failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error: { type: 'api_error', message: 'An unknown error occurred' } }),
        );
      });
    if (req.method !== 'GET' && req.method !== 'OPTIONS') res.once('finish', notify);
    if (req.method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
    } else if (url.pathname === '/_sim/stream' && req.method === 'GET') {
      serveEventStream(req, res, { subscribe });
    } else if (url.pathname === '/_sim/clock/stream' && req.method === 'GET') {
      serveClockStream(req, res, sim.clock);
    } else if (url.pathname.startsWith('/_sim/')) {
      void done(handleControl(req, res, url));
    } else {
      void done(api.handle(req, res, url));
    }
  });

  return {
    async listen(port = 0, host = '127.0.0.1') {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const info = server.address() as AddressInfo;
      address = { host: info.address, port: info.port };
      logger.info({ url: apiBase() }, 'stripe simulator listening');
      return { url: apiBase() };
    },
    async close() {
      delivery.close();
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      );
      address = null;
    },
    get apiBase() {
      return apiBase();
    },
    clientOptions() {
      if (!address)
        throw new Error('The Stripe simulator is not listening yet; call listen() first.');
      return { host: address.host, port: address.port, protocol: 'http' as const };
    },
    control,
  };
}
