// OpenTelemetry export settings, read by the collector itself from the standard OTEL_*
// variables: the log and metric SDKs leave most of them (service name, resource
// attributes, export interval, SDK disabled, which protocol) to the caller. Nothing is
// exported unless an endpoint is configured. Validated at start-up like every setting.
import { ConfigError, parseEnum, parseIntSetting } from '@stance/shared/config/index';

export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];
export type Signal = 'logs' | 'metrics';

export interface SignalExport {
  /** Full URL: for http the signal path is included (/v1/logs, /v1/metrics); for grpc host:port. */
  url: string;
  protocol: OtlpProtocol;
  headers: Record<string, string>;
  timeoutMs: number;
  compression: 'gzip' | 'none';
}

export interface OtelConfig {
  /** Absent: the signal is not exported (no endpoint, OTEL_SDK_DISABLED, or OTEL_<SIGNAL>_EXPORTER=none). */
  logs?: SignalExport;
  metrics?: SignalExport;
  /** OTEL_RESOURCE_ATTRIBUTES with service.version; service.name from OTEL_SERVICE_NAME, else the attributes, else stance-collector. */
  resource: Record<string, string>;
  metricIntervalMs: number;
  /** OTEL_BLRP_*: the log queue. */
  logQueue: { maxQueueSize: number; maxBatchSize: number; scheduleDelayMs: number };
}

const SIGNAL_PATH: Record<Signal, string> = { logs: 'v1/logs', metrics: 'v1/metrics' };

/** `key=value,key2=value2`, percent-decoded (W3C Baggage style, as the OTel spec asks). */
export function parseKeyValueList(setting: string, raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw?.trim()) return out;
  for (const part of raw.split(',')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new ConfigError(setting, `"${part.trim()}" is not key=value`);
    try {
      out[decodeURIComponent(part.slice(0, eq).trim())] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      throw new ConfigError(setting, `"${part.trim()}" is not valid percent-encoding`);
    }
  }
  return out;
}

function parseUrl(setting: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(setting, `"${raw}" is not a URL such as http://otel-collector:4318`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(setting, `"${raw}": use http:// or https://`);
  return url;
}

function bool(setting: string, raw: string | undefined): boolean {
  const v = raw?.trim().toLowerCase();
  if (!v) return false;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new ConfigError(setting, `"${raw}" is not true or false`);
}

const nonEmpty = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);

/** The signal's own variable when it is set, else the shared one: an error names the one read. */
function settingFor(env: NodeJS.ProcessEnv, S: string, suffix: string): string {
  const own = `OTEL_EXPORTER_OTLP_${S}_${suffix}`;
  return nonEmpty(env[own]) ? own : `OTEL_EXPORTER_OTLP_${suffix}`;
}

function signalExport(signal: Signal, env: NodeJS.ProcessEnv): SignalExport | undefined {
  const S = signal.toUpperCase();
  const exporter = nonEmpty(env[`OTEL_${S}_EXPORTER`]);
  if (exporter !== undefined && parseEnum(`OTEL_${S}_EXPORTER`, exporter, ['otlp', 'none'] as const) === 'none') return undefined;
  const specific = nonEmpty(env[`OTEL_EXPORTER_OTLP_${S}_ENDPOINT`]);
  const base = nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (!specific && !base) return undefined;

  const protocolSetting = settingFor(env, S, 'PROTOCOL');
  const protocol = parseEnum(protocolSetting, nonEmpty(env[protocolSetting]) ?? 'http/protobuf', OTLP_PROTOCOLS);

  let url: string;
  if (specific) {
    // A signal endpoint is used as given (the spec: no path is appended).
    url = parseUrl(`OTEL_EXPORTER_OTLP_${S}_ENDPOINT`, specific).href;
  } else {
    const u = parseUrl('OTEL_EXPORTER_OTLP_ENDPOINT', base!);
    url = protocol === 'grpc' ? u.href : new URL(SIGNAL_PATH[signal], u.href.endsWith('/') ? u.href : `${u.href}/`).href;
  }
  const timeoutSetting = settingFor(env, S, 'TIMEOUT');
  const compressionSetting = settingFor(env, S, 'COMPRESSION');
  return {
    url,
    protocol,
    headers: { ...parseKeyValueList('OTEL_EXPORTER_OTLP_HEADERS', env.OTEL_EXPORTER_OTLP_HEADERS), ...parseKeyValueList(`OTEL_EXPORTER_OTLP_${S}_HEADERS`, env[`OTEL_EXPORTER_OTLP_${S}_HEADERS`]) },
    timeoutMs: parseIntSetting(`${timeoutSetting} (ms)`, nonEmpty(env[timeoutSetting]) ?? '10000', 1, 600_000),
    compression: parseEnum(compressionSetting, nonEmpty(env[compressionSetting]) ?? 'none', ['gzip', 'none'] as const),
  };
}

export function loadOtelConfig(env: NodeJS.ProcessEnv, serviceVersion: string): OtelConfig {
  const disabled = bool('OTEL_SDK_DISABLED', env.OTEL_SDK_DISABLED);
  const resource: Record<string, string> = {
    'service.version': serviceVersion,
    ...parseKeyValueList('OTEL_RESOURCE_ATTRIBUTES', env.OTEL_RESOURCE_ATTRIBUTES),
  };
  resource['service.name'] = nonEmpty(env.OTEL_SERVICE_NAME) ?? resource['service.name'] ?? 'stance-collector';
  const logs = disabled ? undefined : signalExport('logs', env);
  const metrics = disabled ? undefined : signalExport('metrics', env);
  const maxQueueSize = parseIntSetting('OTEL_BLRP_MAX_QUEUE_SIZE', nonEmpty(env.OTEL_BLRP_MAX_QUEUE_SIZE) ?? '10000', 1, 10_000_000);
  return {
    ...(logs ? { logs } : {}),
    ...(metrics ? { metrics } : {}),
    resource,
    metricIntervalMs: parseIntSetting('OTEL_METRIC_EXPORT_INTERVAL (ms)', nonEmpty(env.OTEL_METRIC_EXPORT_INTERVAL) ?? '60000', 100, 86_400_000),
    logQueue: {
      maxQueueSize,
      maxBatchSize: Math.min(maxQueueSize, parseIntSetting('OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', nonEmpty(env.OTEL_BLRP_MAX_EXPORT_BATCH_SIZE) ?? '512', 1, 100_000)),
      // The least time between two log batches: a lone transition leaves at once, a burst in batches.
      scheduleDelayMs: parseIntSetting('OTEL_BLRP_SCHEDULE_DELAY (ms)', nonEmpty(env.OTEL_BLRP_SCHEDULE_DELAY) ?? '200', 0, 3_600_000),
    },
  };
}

/** Where each signal goes, for the start-up log line (no header values: they may be credentials). */
export function describeOtel(c: OtelConfig): Record<string, unknown> {
  const one = (s: SignalExport | undefined) => (s ? { url: s.url, protocol: s.protocol, headers: Object.keys(s.headers) } : 'off');
  return { logs: one(c.logs), metrics: one(c.metrics), service: c.resource['service.name'], metricIntervalMs: c.metricIntervalMs };
}
