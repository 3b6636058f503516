/**
 * A small Prometheus registry (counters, gauges, histograms) rendered in the text
 * exposition format. Kept dependency-free so any layer can count things; the HTTP adapter
 * only renders it at GET /metrics.
 */
export type Labels = Record<string, string | number>;

function labelKey(labels: Labels | undefined): string {
  if (!labels) return '';
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  return `{${keys.map((k) => `${k}="${escape(String(labels[k]))}"`).join(',')}}`;
}

interface Metric {
  render(): Promise<string[]> | string[];
}

export class Counter implements Metric {
  private readonly values = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels?: Labels, by = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  get(labels?: Labels): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.values.size === 0) lines.push(`${this.name} 0`);
    for (const [key, value] of this.values) lines.push(`${this.name}${key} ${value}`);
    return lines;
  }
}

/** A gauge whose samples are read when /metrics is scraped. */
export class Gauge implements Metric {
  private readonly values = new Map<string, number>();
  private collector: (() => Promise<Array<{ labels?: Labels; value: number }>>) | undefined;

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  set(value: number, labels?: Labels): void {
    this.values.set(labelKey(labels), value);
  }

  /** Replaces stored values by a callback evaluated at each scrape. */
  collect(fn: () => Promise<Array<{ labels?: Labels; value: number }>>): void {
    this.collector = fn;
  }

  async render(): Promise<string[]> {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    if (this.collector) {
      const samples = await this.collector();
      for (const s of samples) lines.push(`${this.name}${labelKey(s.labels)} ${s.value}`);
      return lines;
    }
    if (this.values.size === 0) lines.push(`${this.name} 0`);
    for (const [key, value] of this.values) lines.push(`${this.name}${key} ${value}`);
    return lines;
  }
}

export class Histogram implements Metric {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) this.counts[i]!++;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket{le="${b}"} ${this.counts[i]}`));
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`);
    lines.push(`${this.name}_sum ${this.sum}`, `${this.name}_count ${this.count}`);
    return lines;
  }
}

/** Every metric of the process; features register theirs at build time. */
export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>();

  counter(name: string, help: string): Counter {
    return this.getOrAdd(name, () => new Counter(name, help)) as Counter;
  }

  gauge(name: string, help: string): Gauge {
    return this.getOrAdd(name, () => new Gauge(name, help)) as Gauge;
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.getOrAdd(name, () => new Histogram(name, help, buckets)) as Histogram;
  }

  /** The Prometheus text exposition of every metric. */
  async render(): Promise<string> {
    const out: string[] = [];
    for (const metric of this.metrics.values()) {
      try {
        out.push(...(await metric.render()));
      } catch {
        // A failing collector (database down) must not break the whole scrape.
      }
    }
    return `${out.join('\n')}\n`;
  }

  private getOrAdd(name: string, make: () => Metric): Metric {
    let metric = this.metrics.get(name);
    if (!metric) {
      metric = make();
      this.metrics.set(name, metric);
    }
    return metric;
  }
}

/** The runtime's metrics, created once per process and shared by intake, sender and HTTP. */
export function runtimeMetrics(registry: MetricsRegistry) {
  return {
    updates: registry.counter(
      'premiumbot_telegram_updates_total',
      'Telegram updates received, by result',
    ),
    webhookLatency: registry.histogram(
      'premiumbot_webhook_latency_seconds',
      'Time to acknowledge a Telegram webhook',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    ),
    relays: registry.counter('premiumbot_relays_total', 'Messages relayed, by direction'),
    sends: registry.counter('premiumbot_telegram_sends_total', 'Bot API send calls, by result'),
    tooManyRequests: registry.counter(
      'premiumbot_telegram_429_total',
      '429 answers from Telegram, by chat kind',
    ),
    outboxDepth: registry.gauge('premiumbot_outbox_depth', 'Outbox jobs by status'),
    pausedChats: registry.gauge(
      'premiumbot_telegram_chat_pause_seconds',
      'Seconds left on a chat paused by a 429 (one sample per paused chat)',
    ),
    alerts: registry.counter('premiumbot_alerts_total', 'Admin alerts, by result'),
  };
}

export type RuntimeMetrics = ReturnType<typeof runtimeMetrics>;
