// The metrics sink of the findings feed: transitions counted per cluster, kind and
// severity, and change → finding latency recorded to every attached backend.
import { SEVERITIES } from '@stance/shared/engine/index';
import { TRANSITIONS, type FindingTransition, type TransitionSink } from '../findings/feed/transition.js';
import { HistogramFanout, type Sample } from './metric-catalog.js';

/** Seconds: the latency objective is sub-second, the tail is worth seeing up to a minute. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class FindingMetrics implements TransitionSink {
  readonly name = 'metrics';
  private readonly transitions = new Map<string, Sample>();
  readonly latency = new HistogramFanout({
    kind: 'histogram',
    prom: 'stance_finding_latency_seconds',
    otel: 'stance.finding.latency',
    help: 'Change → finding latency: from the commit of a change to the finding transition it caused',
    unit: 's',
    labels: ['cluster'],
    buckets: LATENCY_BUCKETS,
  });

  deliver(batch: readonly FindingTransition[]): void {
    for (const t of batch) {
      this.counter(t.cluster.id, t.type, t.finding.severity).value += 1;
      if (t.latencyMs !== undefined) this.latency.record(t.latencyMs / 1000, { cluster: t.cluster.id });
    }
  }

  /**
   * Running totals per cluster, transition and severity; every combination of the given
   * clusters starts at 0, so that an alert on the increase sees the first transition too.
   */
  transitionTotals(clusterIds: readonly string[]): Sample[] {
    for (const cluster of clusterIds) {
      for (const transition of TRANSITIONS) {
        for (const severity of SEVERITIES) this.counter(cluster, transition, severity);
      }
    }
    return [...this.transitions.values()].map((s) => ({ labels: s.labels, value: s.value }));
  }

  private counter(cluster: string, transition: string, severity: string): Sample {
    const key = `${cluster}\0${transition}\0${severity}`;
    let s = this.transitions.get(key);
    if (!s) this.transitions.set(key, (s = { labels: { cluster, transition, severity }, value: 0 }));
    return s;
  }
}
