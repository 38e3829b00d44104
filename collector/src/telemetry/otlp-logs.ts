// OTLP logs: a sink of the findings feed that emits one log record per transition through
// the OpenTelemetry logs SDK, into a bounded, retrying export queue.
import type { Logger as OtelLogger } from '@opentelemetry/api-logs';
import type { Resource } from '@opentelemetry/resources';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { STANCE_VERSION } from '@stance/shared/version';
import type { FindingTransition, TransitionSink } from '../findings/feed/transition.js';
import type { ExportStats } from './export-stats.js';
import { findingLogRecord } from './finding-log-record.js';
import type { OtelConfig, SignalExport } from './otel-config.js';
import { logExporter } from './otlp-exporters.js';
import { RetryingLogProcessor } from './retrying-log-processor.js';

export class OtlpLogSink implements TransitionSink {
  readonly name = 'otlp-logs';

  constructor(private readonly logger: OtelLogger) {}

  deliver(batch: readonly FindingTransition[]): void {
    for (const t of batch) this.logger.emit(findingLogRecord(t));
  }
}

export interface OtlpLogs {
  sink: OtlpLogSink;
  shutdown(): Promise<void>;
}

export async function startOtlpLogs(s: SignalExport, queue: OtelConfig['logQueue'], resource: Resource, stats: ExportStats): Promise<OtlpLogs> {
  const processor = new RetryingLogProcessor(await logExporter(s), stats, {
    maxQueueSize: queue.maxQueueSize,
    maxBatchSize: queue.maxBatchSize,
    scheduleDelayMs: queue.scheduleDelayMs,
  });
  const provider = new LoggerProvider({ resource, processors: [processor] });
  return {
    sink: new OtlpLogSink(provider.getLogger('stance-collector', STANCE_VERSION)),
    shutdown: () => provider.shutdown(),
  };
}
