/**
 * Core's metrics port implemented with prom-client, plus the standard process metrics
 * (`process_cpu_seconds_total`, `process_resident_memory_bytes`, `nodejs_eventloop_lag_*`,
 * `nodejs_gc_duration_seconds`, heap, handles…) that Node dashboards expect.
 */
import client from 'prom-client';
import type {
  CounterMetric,
  GaugeMetric,
  GaugeSample,
  HistogramMetric,
  Labels,
  MetricsPort,
} from '../../core/metrics.js';

/** What GET /metrics needs: the text exposition and its content type. */
export interface MetricsExposition {
  readonly contentType: string;
  render(): Promise<string>;
}

type LabelValues = Record<string, string | number>;

let processRegistry: client.Registry | undefined;

/**
 * The process metrics, collected once per process: they describe the process, not one
 * runtime, and each collection starts an event-loop monitor and a GC observer that live as
 * long as the process (several runtimes in one test process share them).
 */
function processMetrics(): client.Registry {
  if (!processRegistry) {
    processRegistry = new client.Registry();
    // The event-loop monitor samples every 100 ms, not every 10 ms (prom-client's default):
    // an idle process then spends ~0.03 % of a core on it instead of ~0.6 %.
    client.collectDefaultMetrics({ register: processRegistry, eventLoopMonitoringPrecision: 100 });
  }
  return processRegistry;
}

/** A stable key for a label set, for the in-process `get`. */
function labelKey(labels: Labels | undefined): string {
  if (!labels) return '';
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, String(labels[k])]),
  );
}

class PromCounter implements CounterMetric {
  private readonly totals = new Map<string, number>();

  constructor(private readonly counter: client.Counter) {}

  inc(labels?: Labels, by = 1): void {
    if (labels) this.counter.inc({ ...labels } as LabelValues, by);
    else this.counter.inc(by);
    const key = labelKey(labels);
    this.totals.set(key, (this.totals.get(key) ?? 0) + by);
  }

  get(labels?: Labels): number {
    return this.totals.get(labelKey(labels)) ?? 0;
  }
}

class PromGauge implements GaugeMetric {
  private collector: (() => Promise<readonly GaugeSample[]>) | undefined;
  readonly gauge: client.Gauge;

  constructor(config: client.GaugeConfiguration<string>) {
    const read = async () => {
      if (!this.collector) return;
      this.gauge.reset();
      let samples: readonly GaugeSample[];
      try {
        samples = await this.collector();
      } catch {
        // A failing collector (database down) must not break the whole scrape.
        return;
      }
      for (const s of samples) this.set(s.value, s.labels);
    };
    this.gauge = new client.Gauge({ ...config, collect: read });
  }

  set(value: number, labels?: Labels): void {
    if (labels) this.gauge.set({ ...labels } as LabelValues, value);
    else this.gauge.set(value);
  }

  collect(fn: () => Promise<readonly GaugeSample[]>): void {
    this.collector = fn;
  }
}

class PromHistogram implements HistogramMetric {
  constructor(private readonly histogram: client.Histogram) {}

  observe(value: number, labels?: Labels): void {
    if (labels) this.histogram.observe({ ...labels } as LabelValues, value);
    else this.histogram.observe(value);
  }
}

export interface PrometheusOptions {
  /** Include the process metrics (CPU, memory, event loop, GC); default true. */
  processMetrics?: boolean;
}

/**
 * The metrics of one runtime, rendered with the process metrics at GET /metrics. A name is
 * registered once: asking again returns the same metric.
 */
export class MetricsRegistry implements MetricsPort, MetricsExposition {
  private readonly registry = new client.Registry();
  private readonly metrics = new Map<string, CounterMetric | GaugeMetric | HistogramMetric>();
  private readonly withProcess: boolean;

  constructor(options: PrometheusOptions = {}) {
    this.withProcess = options.processMetrics ?? true;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): CounterMetric {
    return this.getOrAdd(
      name,
      () =>
        new PromCounter(new client.Counter({ name, help, labelNames, registers: [this.registry] })),
    );
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): GaugeMetric {
    return this.getOrAdd(
      name,
      () => new PromGauge({ name, help, labelNames, registers: [this.registry] }),
    );
  }

  histogram(
    name: string,
    help: string,
    buckets: readonly number[],
    labelNames: readonly string[] = [],
  ): HistogramMetric {
    return this.getOrAdd(
      name,
      () =>
        new PromHistogram(
          new client.Histogram({
            name,
            help,
            labelNames,
            buckets: [...buckets],
            registers: [this.registry],
          }),
        ),
    );
  }

  /** The Prometheus text exposition: this runtime's metrics, then the process metrics. */
  async render(): Promise<string> {
    const own = await this.registry.metrics();
    if (!this.withProcess) return own;
    const process = await processMetrics().metrics();
    return own.trim() ? `${own.trimEnd()}\n${process}` : process;
  }

  private getOrAdd<M extends CounterMetric | GaugeMetric | HistogramMetric>(
    name: string,
    make: () => M,
  ): M {
    let metric = this.metrics.get(name);
    if (!metric) {
      metric = make();
      this.metrics.set(name, metric);
    }
    return metric as M;
  }
}
