// Prometheus metrics of the collector: ingest throughput, agents, findings and posture.
// Gauges are read at scrape time from the stores, so they cannot drift from the truth.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { FindingsService } from '../findings/findings-service.js';
import type { IngestPipeline } from '../ingest/pipeline.js';
import type { AgentStore } from '../store/agents.js';

export interface MetricsDeps {
  pipeline: IngestPipeline;
  agents: AgentStore;
  findings: FindingsService;
}

export function createMetrics(deps: MetricsDeps): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'stance_collector_' });
  const stat = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  stat('stance_ingest_messages_total', 'Agent messages committed', () => deps.pipeline.stats.messages);
  stat('stance_ingest_batches_total', 'Ingest transactions committed', () => deps.pipeline.stats.batches);
  stat('stance_ingest_rejected_total', 'Agent messages rejected (invalid, too large)', () => deps.pipeline.stats.rejected);
  stat('stance_findings_opened_total', 'Findings opened (including reopened)', () => deps.findings.stats.opened);
  stat('stance_findings_resolved_total', 'Findings resolved', () => deps.findings.stats.resolved);
  new Gauge({
    name: 'stance_ingest_queue_depth',
    help: 'Messages waiting for the ingest transaction',
    registers: [registry],
    collect() {
      this.set(deps.pipeline.depth);
    },
  });
  new Gauge({
    name: 'stance_findings_backlog',
    help: 'Changes and dependent subjects not yet evaluated (how far findings lag the state)',
    registers: [registry],
    collect() {
      this.set(deps.findings.backlog);
    },
  });
  new Gauge({
    name: 'stance_agents_connected',
    help: 'Connected agents by cluster and mode',
    labelNames: ['cluster', 'mode'],
    registers: [registry],
    collect() {
      this.reset();
      for (const a of deps.agents.agents()) if (a.connected) this.inc({ cluster: a.clusterId, mode: a.mode });
    },
  });
  new Gauge({
    name: 'stance_findings',
    help: 'Findings by cluster and status',
    labelNames: ['cluster', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of deps.agents.clusters()) {
        for (const [status, n] of Object.entries(deps.findings.store.countByStatus(c.id))) this.set({ cluster: c.id, status }, n);
      }
    },
  });
  new Gauge({
    name: 'stance_posture_score',
    help: 'Posture score (0–100) by cluster and scope (cluster, namespace:<ns>, framework:<id>)',
    labelNames: ['cluster', 'scope'],
    registers: [registry],
    collect() {
      this.reset();
      const t = deps.findings.tallies;
      for (const c of deps.agents.clusters()) for (const scope of t.scopes(c.id)) this.set({ cluster: c.id, scope }, t.view(c.id, scope).score);
    },
  });
  return registry;
}
