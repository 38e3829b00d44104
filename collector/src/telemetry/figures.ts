// The collector's figures, read when scraped or exported from the stores, the tallies kept
// beside them in each unit of work (undone with it), and counters, so they cannot drift from
// the truth: findings (open, by status, transitions, backlog), posture scores, agents
// (connected, status, heartbeat age, lag), ingest, the feed's sinks and OTLP export. The
// same list feeds /metrics and the OTLP metric exporter.
import type { FindingsService } from '../findings/findings-service.js';
import type { IngestPipeline } from '../ingest/pipeline.js';
import type { AgentStore } from '../store/agents.js';
import { AGENT_STATUSES, agentStatus, type AgentStatus } from './agent-status.js';
import type { ExportStats } from './export-stats.js';
import type { FindingMetrics } from './finding-metrics.js';
import { memo, type HistogramFanout, type Label, type ObservedMetric, type Sample } from './metric-catalog.js';

export interface FiguresDeps {
  findings: FindingsService;
  pipeline: IngestPipeline;
  agents: AgentStore;
  heartbeatIntervalMs: number;
  findingMetrics: FindingMetrics;
  exports: ExportStats;
  /** Agent streams refused before Hello, by reason (ingest/refusal-log.ts). */
  refusals?: ReadonlyMap<string, number>;
  /** False while writes fail (disk full). */
  storageHealthy?: () => boolean;
  /** Changes and findings risk has not caught up with (collector/src/risk). */
  riskBacklog?: () => number;
}

export interface Figures {
  observed: ObservedMetric[];
  histograms: HistogramFanout[];
}

function metric(kind: 'gauge' | 'counter', prom: string, otel: string, unit: string, help: string, labels: readonly Label[], read: () => Sample[]): ObservedMetric {
  return { kind, prom, otel, unit, help, labels, read };
}

const one = (value: number): Sample[] => [{ labels: {}, value }];

/** Posture scopes as labels: "namespace:shop" → scope=namespace, namespace=shop. */
function scopeLabels(scope: string): Sample['labels'] {
  const i = scope.indexOf(':');
  if (i < 0) return { scope };
  const kind = scope.slice(0, i);
  return kind === 'namespace' ? { scope: kind, namespace: scope.slice(i + 1) } : { scope: kind, framework: scope.slice(i + 1) };
}

interface AgentGroup {
  labels: { cluster: string; mode: string };
  status: Record<AgentStatus, number>;
  heartbeatAgeS: number;
  lagS: number;
  buffered: number;
}

export function collectorFigures(deps: FiguresDeps): Figures {
  const { findings, pipeline, agents } = deps;
  // Open and excepted findings are counted in memory from the outcome codes (PostureTallies):
  // grouping every finding row took ~250 ms of the collector's one thread per scrape at 100k.
  const openCounts = () => findings.tallies.openFindings();
  const byStatus = memo(() => agents.clusters().flatMap((c) => Object.entries(findings.countByStatus(c.id)).map(([status, n]) => ({ labels: { cluster: c.id, status }, value: n }))), 1_000);
  const agentGroups = memo(() => {
    const now = Date.now();
    const groups = new Map<string, AgentGroup>();
    for (const a of agents.agents()) {
      const key = `${a.clusterId}\0${a.mode}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { labels: { cluster: a.clusterId, mode: a.mode }, status: { connected: 0, stale: 0, disconnected: 0 }, heartbeatAgeS: 0, lagS: 0, buffered: 0 }));
      g.status[agentStatus(a, now, deps.heartbeatIntervalMs)] += 1;
      if (!a.connected) continue;
      g.heartbeatAgeS = Math.max(g.heartbeatAgeS, Math.max(0, now - (a.lastHeartbeat ?? a.connectedAt ?? 0)) / 1000);
      const hb = (a.heartbeat ?? {}) as { lagMs?: number | string; buffered?: number | string };
      g.lagS = Math.max(g.lagS, Number(hb.lagMs ?? 0) / 1000);
      g.buffered += Number(hb.buffered ?? 0);
    }
    return [...groups.values()];
  }, 1_000);
  const perGroup = (read: (g: AgentGroup) => number) => () => agentGroups().map((g) => ({ labels: g.labels, value: read(g) }));
  const feed = () => Object.entries(findings.feed.stats()).map(([sink, s]) => ({ sink, ...s }));
  const signals = () => (['logs', 'metrics'] as const).map((signal) => ({ signal, ...deps.exports.bySignal[signal], queued: deps.exports.queued[signal]?.() ?? 0 }));

  const observed: ObservedMetric[] = [
    metric('gauge', 'stance_findings_open', 'stance.findings.open', '{finding}', 'Open findings by cluster, namespace, severity and control', ['cluster', 'namespace', 'severity', 'control'], () =>
      openCounts().map((r) => ({ labels: { cluster: r.clusterId, namespace: r.namespace, severity: r.severity, control: r.controlId }, value: r.n })),
    ),
    metric('gauge', 'stance_findings', 'stance.findings', '{finding}', 'Findings by cluster and status (open, resolved, excepted)', ['cluster', 'status'], byStatus),
    metric('gauge', 'stance_posture_score', 'stance.posture.score', '%', 'Posture score (0-100) per cluster, and per namespace and framework within it', ['cluster', 'scope', 'namespace', 'framework'], () =>
      agents.clusters().flatMap((c) => findings.tallies.scopes(c.id).map((scope) => ({ labels: { cluster: c.id, ...scopeLabels(scope) }, value: findings.tallies.view(c.id, scope).score }))),
    ),
    metric('counter', 'stance_finding_transitions_total', 'stance.finding.transitions', '{transition}', 'Finding transitions (opened, reopened, updated, excepted, unexcepted, resolved) by cluster and severity', ['cluster', 'transition', 'severity'], () =>
      deps.findingMetrics.transitionTotals(agents.clusters().map((c) => c.id)),
    ),
    metric('counter', 'stance_findings_opened_total', 'stance.findings.opened', '{finding}', 'Findings opened (including reopened)', [], () => one(findings.stats.opened)),
    metric('counter', 'stance_findings_resolved_total', 'stance.findings.resolved', '{finding}', 'Findings resolved', [], () => one(findings.stats.resolved)),
    metric('gauge', 'stance_findings_backlog', 'stance.findings.backlog', '{change}', 'Changes and dependent subjects not yet evaluated (how far findings lag the state)', [], () => one(findings.backlog)),
    ...(deps.riskBacklog
      ? [metric('gauge', 'stance_risk_backlog', 'stance.risk.backlog', '{item}', 'Changes not yet applied to the risk contexts and findings not yet scored (how far risk lags the state)', [], () => one(deps.riskBacklog!()))]
      : []),
    metric('gauge', 'stance_agents_connected', 'stance.agents.connected', '{agent}', 'Connected agents by cluster and mode', ['cluster', 'mode'], () =>
      agentGroups().filter((g) => g.status.connected + g.status.stale > 0).map((g) => ({ labels: g.labels, value: g.status.connected + g.status.stale })),
    ),
    metric('gauge', 'stance_agents', 'stance.agents', '{agent}', 'Agents by cluster, mode and status (connected, stale: no heartbeat for 3 intervals, disconnected)', ['cluster', 'mode', 'status'], () =>
      agentGroups().flatMap((g) => AGENT_STATUSES.map((status) => ({ labels: { ...g.labels, status }, value: g.status[status] }))),
    ),
    metric('gauge', 'stance_agent_heartbeat_age_seconds', 'stance.agent.heartbeat.age', 's', 'Oldest heartbeat among the connected agents of a cluster and mode', ['cluster', 'mode'], perGroup((g) => g.heartbeatAgeS)),
    metric('gauge', 'stance_agent_lag_seconds', 'stance.agent.lag', 's', 'Age of the oldest message an agent has not had acknowledged (largest per cluster and mode)', ['cluster', 'mode'], perGroup((g) => g.lagS)),
    metric('gauge', 'stance_agent_buffered_messages', 'stance.agent.buffered', '{message}', 'Messages buffered in agents, waiting to be acknowledged', ['cluster', 'mode'], perGroup((g) => g.buffered)),
    metric('counter', 'stance_ingest_messages_total', 'stance.ingest.messages', '{message}', 'Agent messages committed', [], () => one(pipeline.stats.messages)),
    metric('counter', 'stance_ingest_batches_total', 'stance.ingest.batches', '{batch}', 'Ingest transactions committed', [], () => one(pipeline.stats.batches)),
    metric('counter', 'stance_ingest_rejected_total', 'stance.ingest.rejected', '{message}', 'Agent messages rejected (invalid, too large)', [], () => one(pipeline.stats.rejected)),
    metric('counter', 'stance_agent_streams_refused_total', 'stance.agent.streams.refused', '{stream}', 'Agent streams refused before Hello (no or a wrong credential, too many waiting)', ['reason'], () =>
      [...(deps.refusals ?? new Map<string, number>())].map(([reason, value]) => ({ labels: { reason }, value })),
    ),
    metric('gauge', 'stance_storage_healthy', 'stance.storage.healthy', '1', 'Whether the database takes writes (0: disk full or I/O errors; nothing is acknowledged)', [], () => one(deps.storageHealthy?.() === false ? 0 : 1)),
    metric('gauge', 'stance_ingest_queue_depth', 'stance.ingest.queue.depth', '{message}', 'Messages waiting for the ingest transaction', [], () => one(pipeline.depth)),
    metric('counter', 'stance_feed_delivered_total', 'stance.feed.delivered', '{transition}', 'Finding transitions handed to each feed sink', ['sink'], () => feed().map((s) => ({ labels: { sink: s.sink }, value: s.delivered }))),
    metric('counter', 'stance_feed_dropped_total', 'stance.feed.dropped', '{transition}', 'Finding transitions a feed sink lost (its queue was full, or its delivery failed)', ['sink'], () =>
      feed().map((s) => ({ labels: { sink: s.sink }, value: s.dropped + s.failed })),
    ),
    metric('gauge', 'stance_feed_queued', 'stance.feed.queued', '{transition}', 'Finding transitions waiting in each feed sink queue', ['sink'], () => feed().map((s) => ({ labels: { sink: s.sink }, value: s.queued }))),
    metric('counter', 'stance_otlp_exported_total', 'stance.otlp.exported', '{item}', 'Log records and metric exports sent over OTLP', ['signal'], () => signals().map((s) => ({ labels: { signal: s.signal }, value: s.exported }))),
    metric('counter', 'stance_otlp_export_failures_total', 'stance.otlp.export.failures', '{export}', 'OTLP export attempts that failed (each is retried with backoff)', ['signal'], () =>
      signals().map((s) => ({ labels: { signal: s.signal }, value: s.failures })),
    ),
    metric('counter', 'stance_otlp_dropped_total', 'stance.otlp.dropped', '{item}', 'Log records (or metric exports) given up on: queue full, or export failed', ['signal'], () =>
      signals().map((s) => ({ labels: { signal: s.signal }, value: s.dropped })),
    ),
    metric('gauge', 'stance_otlp_queued', 'stance.otlp.queued', '{item}', 'Log records waiting to be exported over OTLP', ['signal'], () => signals().map((s) => ({ labels: { signal: s.signal }, value: s.queued }))),
  ];
  return { observed, histograms: [deps.findingMetrics.latency] };
}
