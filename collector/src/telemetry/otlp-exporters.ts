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
  switch (s.protocol) {
    case 'http/protobuf':
      return new (await import('@opentelemetry/exporter-logs-otlp-proto')).OTLPLogExporter(httpOptions(s));
    case 'http/json':
      return new (await import('@opentelemetry/exporter-logs-otlp-http')).OTLPLogExporter(httpOptions(s));
    case 'grpc':
      return new (await import('@opentelemetry/exporter-logs-otlp-grpc')).OTLPLogExporter(grpcOptions(s));
  }
}

export async function metricExporter(s: SignalExport): Promise<PushMetricExporter> {
  switch (s.protocol) {
    case 'http/protobuf':
      return new (await import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter(httpOptions(s));
    case 'http/json':
      return new (await import('@opentelemetry/exporter-metrics-otlp-http')).OTLPMetricExporter(httpOptions(s));
    case 'grpc':
      return new (await import('@opentelemetry/exporter-metrics-otlp-grpc')).OTLPMetricExporter(grpcOptions(s));
  }
}
