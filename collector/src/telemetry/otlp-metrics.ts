// OTLP metrics: the collector's figures as OpenTelemetry instruments, read at each export
// (every OTEL_METRIC_EXPORT_INTERVAL) and pushed by a periodic reader. A failed export is
// counted and logged; the next one carries the cumulative values again, so a short outage
// loses resolution, not totals.
import type { Resource } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { ExportResultCode } from '@opentelemetry/core';
import { STANCE_VERSION } from '@stance/shared/version';
import type { ExportStats } from './export-stats.js';
import type { Figures } from './figures.js';
import { otelAttributes } from './metric-catalog.js';
import type { SignalExport } from './otel-config.js';
import { metricExporter } from './otlp-exporters.js';

/** Counts each export's outcome, and otherwise passes through. */
function counted(inner: PushMetricExporter, stats: ExportStats): PushMetricExporter {
  return {
    export(metrics, done) {
      inner.export(metrics, (result) => {
        if (result.code === ExportResultCode.SUCCESS) stats.exported('metrics', 1);
        else {
          stats.failed('metrics', result.error);
          stats.dropped('metrics', 1, 'export failed');
        }
        done(result);
      });
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
    ...(inner.selectAggregationTemporality ? { selectAggregationTemporality: inner.selectAggregationTemporality.bind(inner) } : {}),
    ...(inner.selectAggregation ? { selectAggregation: inner.selectAggregation.bind(inner) } : {}),
  };
}

export interface OtlpMetrics {
  shutdown(): Promise<void>;
}

export async function startOtlpMetrics(s: SignalExport, intervalMs: number, resource: Resource, figures: Figures, stats: ExportStats): Promise<OtlpMetrics> {
  const reader = new PeriodicExportingMetricReader({
    exporter: counted(await metricExporter(s), stats),
    exportIntervalMillis: intervalMs,
    exportTimeoutMillis: Math.min(s.timeoutMs, intervalMs),
  });
  const provider = new MeterProvider({ resource, readers: [reader] });
  const meter = provider.getMeter('stance-collector', STANCE_VERSION);
  for (const m of figures.observed) {
    const opts = { description: m.help, unit: m.unit };
    const instrument = m.kind === 'gauge' ? meter.createObservableGauge(m.otel, opts) : meter.createObservableCounter(m.otel, opts);
    instrument.addCallback((result) => {
      for (const sample of m.read()) result.observe(sample.value, otelAttributes(sample.labels));
    });
  }
  for (const h of figures.histograms) {
    const histogram = meter.createHistogram(h.def.otel, { description: h.def.help, unit: h.def.unit, advice: { explicitBucketBoundaries: [...h.def.buckets] } });
    h.attach((value, labels) => histogram.record(value, otelAttributes(labels)));
  }
  return { shutdown: () => provider.shutdown() };
}
