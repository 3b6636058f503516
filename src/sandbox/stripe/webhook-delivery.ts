import type { Logger } from '../../core/logger.js';
import { SimulatorControlError } from './control-error.js';
import { seededShuffle } from './random.js';
import { eventTypeMatches } from './resources/events.js';
import type { WebhookEndpointObject } from './objects/index.js';
import type { EventObject, Sim } from './sim.js';
import { signatureHeader } from './signature.js';
import { renderEventFor } from './versions.js';

/** One POST of an event to an endpoint, as `control.deliveries()` reports it. */
export interface DeliveryAttempt {
  deliveryId: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  url: string;
  /** 1 for the first try of this delivery, 2 for its first retry… */
  attempt: number;
  /** A redelivery or injected duplicate rather than the event's own delivery. */
  duplicate: boolean;
  /** Simulator time (Unix seconds) of the attempt. */
  at: number;
  status: number | null;
  error: string | null;
  ok: boolean;
}

/** Bounded exponential backoff between attempts of one delivery. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Faults applied to deliveries of events created from now on. */
export interface DeliveryFaults {
  /** Extra copies of each delivery. */
  duplicate?: number;
  /** Send the copies at the same time instead of one after another. */
  concurrent?: boolean;
  /** Hold each delivery this long (real ms) before its first attempt. */
  delayMs?: number;
}

type State = 'waiting' | 'queued' | 'in_flight' | 'held' | 'succeeded' | 'failed' | 'dropped';

interface Delivery {
  id: string;
  event: EventObject;
  endpointId: string;
  attempts: number;
  duplicate: boolean;
  /** Bypasses the per-endpoint queue (concurrent duplicates). */
  concurrent: boolean;
  state: State;
  timer?: NodeJS.Timeout;
}

const active: readonly State[] = ['waiting', 'queued', 'in_flight'];

export interface WebhookDeliveryDeps {
  sim: Sim;
  retry: RetryPolicy;
  timeoutMs: number;
  /** Sign with real time instead of the simulator clock. */
  signWithRealTime: boolean;
  logger: Logger;
}

/**
 * Delivers events to webhook endpoints like Stripe: signed JSON POSTs, one at a time per
 * endpoint, retried with backoff on non-2xx or network errors, with switchable faults
 * (outage, duplicates, delays, a seeded reordering of what piled up during an outage).
 */
export class WebhookDelivery {
  private readonly deliveries: Delivery[] = [];
  private readonly log: DeliveryAttempt[] = [];
  private readonly queues = new Map<string, Delivery[]>();
  private readonly busy = new Set<string>();
  private readonly held: Delivery[] = [];
  private readonly idleWaiters: Array<() => void> = [];
  private readonly abort = new AbortController();
  private faults: DeliveryFaults = {};
  private paused = false;
  private expedite = 0;
  private closed = false;
  private seq = 0;

  constructor(private readonly deps: WebhookDeliveryDeps) {}

  /** Fans a new event out to every enabled endpoint that wants it; returns how many. */
  enqueue(event: EventObject): number {
    const endpoints = this.endpointsFor(event.type);
    const copies = 1 + Math.max(0, this.faults.duplicate ?? 0);
    const concurrent = copies > 1 && this.faults.concurrent === true;
    for (const endpoint of endpoints) {
      for (let i = 0; i < copies; i++) {
        this.start(this.create(event, endpoint.id, i > 0, concurrent), this.faults.delayMs ?? 0);
      }
    }
    return endpoints.length;
  }

  /** Sends `eventId` again `times` times to every endpoint that wants it (or only `endpointId`). */
  redeliver(
    eventId: string,
    options: { times?: number; concurrent?: boolean; endpointId?: string } = {},
  ): number {
    const event = this.deps.sim.store.find<EventObject>('event', eventId);
    if (!event) throw new SimulatorControlError(`No such event: '${eventId}'`, 404);
    const endpoints = this.endpointsFor(event.type).filter(
      (e) => !options.endpointId || e.id === options.endpointId,
    );
    let count = 0;
    for (const endpoint of endpoints) {
      for (let i = 0; i < (options.times ?? 1); i++) {
        this.start(this.create(event, endpoint.id, true, options.concurrent === true), 0);
        count++;
      }
    }
    return count;
  }

  setFaults(faults: DeliveryFaults): void {
    this.faults = { ...faults };
  }

  /** Simulates an outage: nothing is sent until `resume()`; queued deliveries are held. */
  pause(): void {
    this.paused = true;
    for (const [, queue] of this.queues) {
      for (const d of queue.splice(0)) this.hold(d);
    }
    this.checkIdle();
  }

  /** Ends an outage; held deliveries go out in order, or shuffled by `shuffleSeed`. */
  resume(options: { shuffleSeed?: number } = {}): number {
    this.paused = false;
    const batch = this.held.splice(0);
    const ordered =
      options.shuffleSeed === undefined ? batch : seededShuffle(batch, options.shuffleSeed);
    for (const d of ordered) this.ready(d);
    return batch.length;
  }

  /** Abandons every delivery not yet sent (held, queued or waiting); the events stay listed. */
  dropPending(): number {
    let count = 0;
    for (const d of this.deliveries) {
      if (d.state === 'held' || d.state === 'queued' || d.state === 'waiting') {
        if (d.timer) clearTimeout(d.timer);
        d.state = 'dropped';
        count++;
      }
    }
    this.held.length = 0;
    for (const [, queue] of this.queues) queue.length = 0;
    this.checkIdle();
    return count;
  }

  /** Every attempt so far, oldest first. */
  attempts(): DeliveryAttempt[] {
    return this.log.map((a) => ({ ...a }));
  }

  /** Resolves when nothing is waiting, queued or in flight (held deliveries do not count). */
  waitForIdle(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const pending = this.deliveries.filter((d) => active.includes(d.state)).length;
        reject(
          new Error(
            `Stripe simulator: ${pending} webhook deliveries still pending after ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      timer.unref();
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      setImmediate(() => this.checkIdle());
    });
  }

  /** Sends everything due now, skipping backoff and injected delays, and waits until idle. */
  async flush(timeoutMs = 10_000): Promise<void> {
    this.expedite++;
    try {
      for (const d of this.deliveries) {
        if (d.state === 'waiting' && d.timer) {
          clearTimeout(d.timer);
          d.timer = undefined;
          this.ready(d);
        }
      }
      await this.waitForIdle(timeoutMs);
    } finally {
      this.expedite--;
    }
  }

  close(): void {
    this.closed = true;
    this.abort.abort();
    for (const d of this.deliveries) if (d.timer) clearTimeout(d.timer);
    for (const waiter of this.idleWaiters.splice(0)) waiter();
  }

  private endpointsFor(type: string): WebhookEndpointObject[] {
    return this.deps.sim.store
      .all<WebhookEndpointObject>('webhook_endpoint')
      .filter(
        (e) => e.status === 'enabled' && e.enabled_events.some((p) => eventTypeMatches(p, type)),
      )
      .reverse();
  }

  private create(
    event: EventObject,
    endpointId: string,
    duplicate: boolean,
    concurrent: boolean,
  ): Delivery {
    const d: Delivery = {
      id: `whd_${++this.seq}`,
      event,
      endpointId,
      attempts: 0,
      duplicate,
      concurrent,
      state: 'waiting',
    };
    this.deliveries.push(d);
    return d;
  }

  /**
   * First attempt: after `delayMs` (unless flushing), and never before the request that made the
   * event returns. During an outage it is held at once, so the held batch is in creation order.
   */
  private start(d: Delivery, delayMs: number): void {
    if (this.paused && delayMs === 0) this.hold(d);
    else this.wait(d, delayMs);
  }

  private wait(d: Delivery, ms: number): void {
    d.state = 'waiting';
    const delay = this.expedite > 0 ? 0 : ms;
    d.timer = setTimeout(() => {
      d.timer = undefined;
      this.ready(d);
    }, delay);
    d.timer.unref();
  }

  private hold(d: Delivery): void {
    d.state = 'held';
    this.held.push(d);
  }

  /** A delivery due now: held during an outage, else sent (concurrent) or queued. */
  private ready(d: Delivery): void {
    if (this.closed || d.state === 'dropped') return;
    if (this.paused) {
      this.hold(d);
      this.checkIdle();
      return;
    }
    if (d.concurrent) {
      void this.attempt(d);
      return;
    }
    d.state = 'queued';
    const queue = this.queues.get(d.endpointId) ?? [];
    queue.push(d);
    this.queues.set(d.endpointId, queue);
    this.pump(d.endpointId);
  }

  private pump(endpointId: string): void {
    if (this.busy.has(endpointId) || this.paused || this.closed) return;
    const next = this.queues.get(endpointId)?.shift();
    if (!next) return;
    this.busy.add(endpointId);
    void this.attempt(next).finally(() => {
      this.busy.delete(endpointId);
      this.pump(endpointId);
    });
  }

  private async attempt(d: Delivery): Promise<void> {
    const sim = this.deps.sim;
    const endpoint = sim.store.find<WebhookEndpointObject>('webhook_endpoint', d.endpointId);
    const secret = sim.webhookSecrets.get(d.endpointId);
    if (!endpoint || !secret || endpoint.status !== 'enabled') {
      d.state = 'dropped';
      this.checkIdle();
      return;
    }
    d.state = 'in_flight';
    d.attempts++;
    const payload = JSON.stringify(renderEventFor(d.event, endpoint.api_version), null, 2);
    const t = this.deps.signWithRealTime ? Math.floor(Date.now() / 1000) : sim.clock.now();
    const record: DeliveryAttempt = {
      deliveryId: d.id,
      eventId: d.event.id,
      eventType: d.event.type,
      endpointId: d.endpointId,
      url: endpoint.url,
      attempt: d.attempts,
      duplicate: d.duplicate,
      at: sim.clock.now(),
      status: null,
      error: null,
      ok: false,
    };
    try {
      const res = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'cache-control': 'no-cache',
          accept: '*/*; q=0.5, application/xml',
          'stripe-signature': signatureHeader(payload, secret, t),
        },
        body: payload,
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.deps.timeoutMs)]),
      });
      await res.arrayBuffer().catch(() => undefined);
      record.status = res.status;
      record.ok = res.status >= 200 && res.status < 300;
    } catch (err) {
      record.error =
        err instanceof Error
          ? err.cause instanceof Error
            ? err.cause.message
            : err.message
          : String(err);
    }
    this.log.push(record);
    if (this.closed) return;
    if (record.ok) {
      d.state = 'succeeded';
      if (!d.duplicate) d.event.pending_webhooks = Math.max(0, d.event.pending_webhooks - 1);
    } else if (d.attempts < this.deps.retry.maxAttempts) {
      const { baseDelayMs, maxDelayMs } = this.deps.retry;
      this.wait(d, Math.min(baseDelayMs * 2 ** (d.attempts - 1), maxDelayMs));
    } else {
      d.state = 'failed';
      this.deps.logger.warn(
        { event: d.event.id, endpoint: d.endpointId },
        'stripe simulator gave up on a webhook delivery',
      );
    }
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.deliveries.some((d) => active.includes(d.state))) return;
    for (const waiter of this.idleWaiters.splice(0)) waiter();
  }
}
