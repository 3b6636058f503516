/**
 * The metrics port: the counters, gauges and histograms the product counts with. Core only
 * declares what it needs (names, help, label names); an adapter implements the port (with
 * prom-client, `adapters/http/prometheus.ts`) and renders it at GET /metrics.
 */
export type Labels = Readonly<Record<string, string | number>>;

/** A monotonic count, optionally split by labels. */
export interface CounterMetric {
  inc(labels?: Labels, by?: number): void;
  /** The value counted so far for `labels` in this process (0 when never counted). */
  get(labels?: Labels): number;
}

/** One sample, read from a gauge's collector at each scrape. */
export interface GaugeSample {
  labels?: Labels;
  value: number;
}

/** A value that goes up and down. */
export interface GaugeMetric {
  set(value: number, labels?: Labels): void;
  /**
   * Replaces stored values by `fn`, evaluated at each scrape. A collector that throws (the
   * database is down) leaves the gauge empty for that scrape, never breaks the whole scrape.
   */
  collect(fn: () => Promise<readonly GaugeSample[]>): void;
}

/** A distribution of observed values (seconds, sizes) in fixed buckets. */
export interface HistogramMetric {
  observe(value: number, labels?: Labels): void;
}

/** What a metrics implementation offers: a named metric, created once and shared. */
export interface MetricsPort {
  counter(name: string, help: string, labelNames?: readonly string[]): CounterMetric;
  gauge(name: string, help: string, labelNames?: readonly string[]): GaugeMetric;
  histogram(
    name: string,
    help: string,
    buckets: readonly number[],
    labelNames?: readonly string[],
  ): HistogramMetric;
}

/** The runtime's metrics, created once per process and shared by intake, sender and HTTP. */
export function runtimeMetrics(registry: MetricsPort) {
  return {
    updates: registry.counter(
      'premiumbot_telegram_updates_total',
      'Telegram updates received, by result',
      ['result'],
    ),
    webhookLatency: registry.histogram(
      'premiumbot_webhook_latency_seconds',
      'Time to acknowledge a Telegram webhook',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    ),
    relays: registry.counter('premiumbot_relays_total', 'Messages relayed, by direction', [
      'direction',
    ]),
    sends: registry.counter('premiumbot_telegram_sends_total', 'Bot API send calls, by result', [
      'result',
    ]),
    tooManyRequests: registry.counter(
      'premiumbot_telegram_429_total',
      '429 answers from Telegram, by chat kind',
      ['chat'],
    ),
    outboxDepth: registry.gauge('premiumbot_outbox_depth', 'Outbox jobs by status', ['status']),
    pausedChats: registry.gauge(
      'premiumbot_telegram_chat_pause_seconds',
      'Seconds left on a chat paused by a 429 (one sample per paused chat)',
      ['chat_id'],
    ),
    alerts: registry.counter('premiumbot_alerts_total', 'Admin alerts, by result', ['result']),
  };
}

export type RuntimeMetrics = ReturnType<typeof runtimeMetrics>;
