// /metrics: the collector's figures in Prometheus naming (plus the process's own), read at
// scrape time; histograms are recorded as their events happen.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Figures } from './figures.js';

const PROCESS_PREFIX = 'stance_collector_';
const MISNAMED_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export function prometheusRegistry(figures: Figures): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PROCESS_PREFIX });
  // Gauges that prom-client names like counters: `promtool check metrics` rightly objects.
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(`${PROCESS_PREFIX}${name}`);
  for (const m of figures.observed) {
    const opts = { name: m.prom, help: m.help, labelNames: [...m.labels], registers: [registry] };
    if (m.kind === 'gauge') {
      new Gauge({
        ...opts,
        collect() {
          this.reset();
          for (const s of m.read()) this.set(s.labels, s.value);
        },
      });
    } else {
      new Counter({
        ...opts,
        collect() {
          this.reset();
          for (const s of m.read()) this.inc(s.labels, s.value);
        },
      });
    }
  }
  for (const h of figures.histograms) {
    const histogram = new Histogram({ name: h.def.prom, help: h.def.help, labelNames: [...h.def.labels], buckets: [...h.def.buckets], registers: [registry] });
    h.attach((value, labels) => histogram.observe(labels, value));
  }
  return registry;
}
