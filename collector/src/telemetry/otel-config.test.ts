import { describe, expect, it } from 'vitest';
import { ConfigError } from '@stance/shared/config/index';
import { describeOtel, loadOtelConfig, parseKeyValueList } from './otel-config.js';

const load = (env: NodeJS.ProcessEnv) => loadOtelConfig(env, '1.2.3');

describe('loadOtelConfig', () => {
  it('exports nothing without an endpoint', () => {
    const c = load({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_HEADERS: 'a=b' });
    expect(c.logs).toBeUndefined();
    expect(c.metrics).toBeUndefined();
    expect(c.resource).toEqual({ 'service.name': 'stance-collector', 'service.version': '1.2.3' });
    expect(c.metricIntervalMs).toBe(60_000);
  });

  it('appends the signal paths to the base endpoint, http/protobuf by default', () => {
    const c = load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318' });
    expect(c.logs).toEqual({ url: 'http://otel:4318/v1/logs', protocol: 'http/protobuf', headers: {}, timeoutMs: 10_000, compression: 'none' });
    expect(c.metrics?.url).toBe('http://otel:4318/v1/metrics');
    expect(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example/prefix/' }).logs?.url).toBe('https://otel.example/prefix/v1/logs');
  });

  it('uses a signal endpoint as given, and a grpc endpoint without a path', () => {
    const c = load({ OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs:9999/custom', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(c.logs).toMatchObject({ url: 'http://logs:9999/custom', protocol: 'grpc' });
    expect(c.metrics).toMatchObject({ url: 'http://otel:4317/', protocol: 'grpc' });
    // Only metrics: logs stay off.
    const m = load({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://m:4318/v1/metrics', OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json' });
    expect(m.logs).toBeUndefined();
    expect(m.metrics).toMatchObject({ url: 'http://m:4318/v1/metrics', protocol: 'http/json' });
  });

  it('merges headers (signal ones win), percent-decoded; the description names no values', () => {
    const c = load({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20s3cret, x-tenant = a ',
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'x-tenant=logs',
    });
    expect(c.logs?.headers).toEqual({ authorization: 'Bearer s3cret', 'x-tenant': 'logs' });
    expect(c.metrics?.headers).toEqual({ authorization: 'Bearer s3cret', 'x-tenant': 'a' });
    expect(JSON.stringify(describeOtel(c))).not.toContain('s3cret');
    expect(describeOtel(c)).toMatchObject({ logs: { headers: ['authorization', 'x-tenant'] } });
  });

  it('reads the service name, resource attributes, interval, timeout, compression and queue', () => {
    const c = load({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318',
      OTEL_SERVICE_NAME: 'stance-prod',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=ignored,deployment.environment.name=prod,team=sec%2Cops',
      OTEL_METRIC_EXPORT_INTERVAL: '15000',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      OTEL_BLRP_MAX_QUEUE_SIZE: '100',
      OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '500',
      OTEL_BLRP_SCHEDULE_DELAY: '50',
    });
    expect(c.resource).toEqual({ 'service.name': 'stance-prod', 'service.version': '1.2.3', 'deployment.environment.name': 'prod', team: 'sec,ops' });
    expect(c.metricIntervalMs).toBe(15_000);
    expect(c.logs).toMatchObject({ timeoutMs: 2000, compression: 'gzip' });
    expect(c.logQueue).toEqual({ maxQueueSize: 100, maxBatchSize: 100, scheduleDelayMs: 50 });
    expect(load({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attributes' }).resource['service.name']).toBe('from-attributes');
  });

  it('turns export off with OTEL_SDK_DISABLED or OTEL_<SIGNAL>_EXPORTER=none', () => {
    expect(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318', OTEL_SDK_DISABLED: 'true' })).not.toHaveProperty('logs');
    const c = load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318', OTEL_LOGS_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'otlp' });
    expect(c.logs).toBeUndefined();
    expect(c.metrics).toBeDefined();
  });

  it('refuses bad values at start-up, naming the variable', () => {
    const bad: [NodeJS.ProcessEnv, RegExp][] = [
      [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'otel:4318' }, /OTEL_EXPORTER_OTLP_ENDPOINT/],
      [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://otel' }, /http:\/\/ or https:\/\//],
      [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/xml' }, /OTEL_EXPORTER_OTLP_PROTOCOL.*http\/protobuf, http\/json, grpc/],
      [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318', OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'udp' }, /OTEL_EXPORTER_OTLP_LOGS_PROTOCOL/],
      [{ OTEL_SDK_DISABLED: 'yes' }, /OTEL_SDK_DISABLED/],
      [{ OTEL_METRIC_EXPORT_INTERVAL: '5s' }, /OTEL_METRIC_EXPORT_INTERVAL/],
      [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318', OTEL_EXPORTER_OTLP_HEADERS: 'novalue' }, /OTEL_EXPORTER_OTLP_HEADERS.*key=value/],
      [{ OTEL_RESOURCE_ATTRIBUTES: 'a=%zz' }, /OTEL_RESOURCE_ATTRIBUTES.*percent/],
      [{ OTEL_LOGS_EXPORTER: 'console' }, /OTEL_LOGS_EXPORTER/],
      // A signal's own variable is named, not the shared one it overrides.
      [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318', OTEL_EXPORTER_OTLP_TIMEOUT: '5000', OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: '5s' }, /OTEL_EXPORTER_OTLP_METRICS_TIMEOUT/],
      [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318', OTEL_EXPORTER_OTLP_LOGS_COMPRESSION: 'zstd' }, /OTEL_EXPORTER_OTLP_LOGS_COMPRESSION.*gzip, none/],
    ];
    for (const [env, message] of bad) {
      expect(() => load(env), JSON.stringify(env)).toThrow(ConfigError);
      expect(() => load(env), JSON.stringify(env)).toThrow(message);
    }
  });

  it('parses an empty or blank list as nothing', () => {
    expect(parseKeyValueList('X', undefined)).toEqual({});
    expect(parseKeyValueList('X', ' , ')).toEqual({});
  });
});
