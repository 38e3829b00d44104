// OTLP exporters for the configured protocol, loaded only when a signal is exported.
//
// Versions: OpenTelemetry JS SDK 2.12 (api 1.9, sdk-metrics/resources/core 2.12) with the
// 0.223 experimental packages (sdk-logs, api-logs, OTLP exporters). They declare Node
// "^18.19.0 || >=20.6.0", so they run on Node 20 (development, CI) and on Node 22 (the
// image); SDK 3.x and exporters 0.300+ require Node >= 22.15 and would break Node 20.
// Every setting is passed explicitly from OtelConfig (the exporters would otherwise read
// some OTEL_* variables on their own), so what the start-up log says is what happens.
import { Metadata } from '@grpc/grpc-js';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { SignalExport } from './otel-config.js';

/**
 * A class a CommonJS exporter package exports: by name under Node's ESM loader, under
 * `default` in the esbuild bundle (which exposes a dynamically imported CommonJS module
 * only as its default export).
 */
function exported<T>(mod: unknown, name: string): T {
  const m = mod as Record<string, unknown> & { default?: Record<string, unknown> };
  const value = m[name] ?? m.default?.[name];
  if (typeof value !== 'function') throw new TypeError(`the OTLP exporter package exports no ${name}`);
  return value as T;
}

type LogExporterClass = new (config: object) => LogRecordExporter;
type MetricExporterClass = new (config: object) => PushMetricExporter;

type HttpConfig = NonNullable<ConstructorParameters<typeof import('@opentelemetry/exporter-logs-otlp-proto').OTLPLogExporter>[0]>;
/** The exporters' compression enum has the same string values as the setting. */
type Compression = HttpConfig['compression'];

function httpOptions(s: SignalExport): HttpConfig {
  return { url: s.url, headers: s.headers, timeoutMillis: s.timeoutMs, compression: s.compression as Compression, concurrencyLimit: 4 };
}

function grpcOptions(s: SignalExport) {
  const metadata = new Metadata();
  for (const [k, v] of Object.entries(s.headers)) metadata.set(k, v);
  return { url: s.url, metadata, timeoutMillis: s.timeoutMs, compression: s.compression as Compression };
}

export async function logExporter(s: SignalExport): Promise<LogRecordExporter> {
  const mod =
    s.protocol === 'grpc'
      ? await import('@opentelemetry/exporter-logs-otlp-grpc')
      : s.protocol === 'http/json'
        ? await import('@opentelemetry/exporter-logs-otlp-http')
        : await import('@opentelemetry/exporter-logs-otlp-proto');
  const Exporter = exported<LogExporterClass>(mod, 'OTLPLogExporter');
  return new Exporter(s.protocol === 'grpc' ? grpcOptions(s) : httpOptions(s));
}

export async function metricExporter(s: SignalExport): Promise<PushMetricExporter> {
  const mod =
    s.protocol === 'grpc'
      ? await import('@opentelemetry/exporter-metrics-otlp-grpc')
      : s.protocol === 'http/json'
        ? await import('@opentelemetry/exporter-metrics-otlp-http')
        : await import('@opentelemetry/exporter-metrics-otlp-proto');
  const Exporter = exported<MetricExporterClass>(mod, 'OTLPMetricExporter');
  return new Exporter(s.protocol === 'grpc' ? grpcOptions(s) : httpOptions(s));
}
