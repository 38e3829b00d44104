// The collector's metrics, defined once and served twice: on /metrics in Prometheus naming
// and over OTLP in OpenTelemetry naming, from the same readings. Labels are bounded: per
// cluster, namespace, control, severity, framework or agent mode — never per resource.

/** Each label's Prometheus name (the key) and OpenTelemetry attribute. */
export const LABELS = {
  cluster: 'k8s.cluster.uid',
  namespace: 'k8s.namespace.name',
  severity: 'stance.severity',
  control: 'security_rule.uuid',
  framework: 'stance.framework',
  scope: 'stance.posture.scope',
  mode: 'stance.agent.mode',
  status: 'stance.status',
  transition: 'stance.finding.transition',
  signal: 'stance.otlp.signal',
  sink: 'stance.feed.sink',
  reason: 'stance.refusal.reason',
} as const;

export type Label = keyof typeof LABELS;
export type Labels = Partial<Record<Label, string>>;

export interface Sample {
  labels: Labels;
  value: number;
}

interface MetricBase {
  prom: string;
  otel: string;
  help: string;
  /** UCUM, for OpenTelemetry; the Prometheus name carries the base unit as a suffix. */
  unit: string;
  labels: readonly Label[];
}

/** Read when scraped or exported: a gauge, or a counter read from a running total. */
export interface ObservedMetric extends MetricBase {
  kind: 'gauge' | 'counter';
  read(): Sample[];
}

/** Recorded as events happen, to every backend attached. */
export interface HistogramMetric extends MetricBase {
  kind: 'histogram';
  buckets: readonly number[];
}

export type HistogramRecorder = (value: number, labels: Labels) => void;

/** A histogram recorded once, delivered to each backend (Prometheus, OTLP) that attached. */
export class HistogramFanout {
  private readonly recorders: HistogramRecorder[] = [];

  constructor(readonly def: HistogramMetric) {}

  attach(r: HistogramRecorder): void {
    this.recorders.push(r);
  }

  record(value: number, labels: Labels): void {
    for (const r of this.recorders) r(value, labels);
  }
}

/** OpenTelemetry attributes of a sample's labels. */
export function otelAttributes(labels: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (v !== undefined) out[LABELS[k as Label]] = v;
  return out;
}

/** A reading memoised for `ttlMs`: a scrape and an export moments apart cost one query. */
export function memo<T>(read: () => T, ttlMs: number): () => T {
  let at = -Infinity;
  let value: T;
  return () => {
    const now = performance.now();
    if (now - at > ttlMs) {
      value = read();
      at = now;
    }
    return value;
  };
}
