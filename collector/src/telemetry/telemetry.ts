// Composes what leaves the collector for the user's observability stack: the metrics sink
// of the findings feed, the Prometheus registry for /metrics, and — when an OTLP endpoint
// is configured — OTLP logs (one record per finding transition) and metrics.
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import type { Logger } from '@stance/shared/log/index';
import type { Registry } from 'prom-client';
import type { ChangeFeed } from '../findings/feed/change-feed.js';
import type { FindingsService } from '../findings/findings-service.js';
import type { IngestPipeline } from '../ingest/pipeline.js';
import type { AgentStore } from '../store/agents.js';
import { ExportStats } from './export-stats.js';
import { collectorFigures } from './figures.js';
import { FindingMetrics } from './finding-metrics.js';
import { describeOtel, type OtelConfig } from './otel-config.js';
import { startOtlpLogs } from './otlp-logs.js';
import { startOtlpMetrics } from './otlp-metrics.js';
import { prometheusRegistry } from './prometheus.js';

export interface TelemetryDeps {
  otel: OtelConfig;
  findings: FindingsService;
  pipeline: IngestPipeline;
  agents: AgentStore;
  heartbeatIntervalMs: number;
  refusals?: ReadonlyMap<string, number>;
  storageHealthy?: () => boolean;
  /** Changes and findings risk has not caught up with (collector/src/risk). */
  riskBacklog?: () => number;
  log: Logger;
}

/** How long stopping waits for the last exports before giving up on them. */
const STOP_DEADLINE_MS = 3_000;

export class CollectorTelemetry {
  private constructor(
    readonly registry: Registry,
    readonly exports: ExportStats,
    private readonly shutdowns: (() => Promise<void>)[],
    private readonly log: Logger,
  ) {}

  static async start(deps: TelemetryDeps): Promise<CollectorTelemetry> {
    const { findings, otel, log } = deps;
    const exports = new ExportStats(log);
    const findingMetrics = new FindingMetrics();
    findings.feed.register(findingMetrics);
    const figures = collectorFigures({ ...deps, findingMetrics, exports });
    const shutdowns: (() => Promise<void>)[] = [];
    if (otel.logs || otel.metrics) {
      const resource = defaultResource().merge(resourceFromAttributes(otel.resource));
      if (otel.logs) {
        const logs = await startOtlpLogs(otel.logs, otel.logQueue, resource, exports);
        // Hands records straight to the export queue (OTEL_BLRP_MAX_QUEUE_SIZE), which bounds and counts.
        findings.feed.register(logs.sink);
        shutdowns.push(logs.shutdown);
      }
      if (otel.metrics) shutdowns.push((await startOtlpMetrics(otel.metrics, otel.metricIntervalMs, resource, figures, exports)).shutdown);
      log.info(describeOtel(otel), 'exporting findings and metrics over OTLP');
    } else {
      // Named in full: an operator who set an endpoint and sees this looks for the switch that turned it off.
      log.info('OTLP export off (no OTEL_EXPORTER_OTLP_ENDPOINT, or OTEL_SDK_DISABLED=true, or OTEL_LOGS_EXPORTER and OTEL_METRICS_EXPORTER=none): findings are not exported over OTLP');
    }
    return new CollectorTelemetry(prometheusRegistry(figures), exports, shutdowns, log);
  }

  /**
   * Hands the feed's last transitions to the sinks and sends what is queued, within a
   * deadline: an endpoint that is down must not hold shutdown.
   */
  async stop(feed: ChangeFeed): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_DEADLINE_MS)));
    const done = feed.idle().then(() => Promise.allSettled(this.shutdowns.map((s) => s())));
    if ((await Promise.race([done, deadline])) === 'late') this.log.warn({ waitedMs: STOP_DEADLINE_MS }, 'OTLP exports still pending at shutdown: left behind');
    clearTimeout(timer);
  }
}
