import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@stance/shared/config/index';
import { loadCollectorConfig, type CollectorFlags } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'stance-collector-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function configError(flags: CollectorFlags, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    loadCollectorConfig(flags, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadCollectorConfig', () => {
  it('runs on one machine with no setup: loopback, ./data, 7070/7071, anonymous agents', () => {
    const c = loadCollectorConfig({}, {});
    expect(c).toEqual({
      dataDir: './data',
      dbFile: join('./data', 'stance.sqlite'),
      http: { host: '127.0.0.1', port: 7070, apiTokens: [], metricsPublic: false, insecure: false },
      grpc: { host: '127.0.0.1', port: 7071 },
      tokens: [],
      allowAnonymous: true,
      maxObjectBytes: 2 * 1024 * 1024,
      heartbeatIntervalMs: 5000,
      tlsReloadIntervalMs: 30_000,
      customControls: [],
      allowedRegistries: [],
      systemExemptions: true,
      postureIntervalMs: 60_000,
      // No OTLP endpoint: no signal is exported (telemetry/otel-config.test.ts covers OTEL_*).
      otel: {
        resource: { 'service.name': 'stance-collector', 'service.version': expect.any(String) },
        metricIntervalMs: 60_000,
        logQueue: { maxQueueSize: 10_000, maxBatchSize: 512, scheduleDelayMs: 200 },
      },
    });
  });

  it('reads STANCE_* variables', () => {
    const c = loadCollectorConfig(
      {},
      {
        STANCE_DATA_DIR: '/var/lib/stance',
        STANCE_HTTP_PORT: '8080',
        STANCE_GRPC_PORT: '0',
        STANCE_HEARTBEAT_INTERVAL: '500ms',
        STANCE_POSTURE_INTERVAL: '2m',
        STANCE_CUSTOM_CONTROLS: ' /a.yaml , /b ,',
        STANCE_ALLOWED_REGISTRIES: 'registry.example.com,ghcr.io/org',
        STANCE_AGENT_TOKENS: 'prod=0123456789abcdef,*=fedcba9876543210',
      },
    );
    expect(c.dbFile).toBe(join('/var/lib/stance', 'stance.sqlite'));
    expect(c.http.port).toBe(8080);
    expect(c.grpc.port).toBe(0);
    expect(c.heartbeatIntervalMs).toBe(500);
    expect(c.postureIntervalMs).toBe(120_000);
    expect(c.customControls).toEqual(['/a.yaml', '/b']);
    expect(c.allowedRegistries).toEqual(['registry.example.com', 'ghcr.io/org']);
    expect(c.tokens).toEqual([
      { name: 'prod', cluster: 'prod', token: '0123456789abcdef', modes: ['cluster', 'node'] },
      { name: '*', cluster: '*', token: 'fedcba9876543210', modes: ['cluster', 'node'] },
    ]);
    // Tokens configured: nobody gets in without one, even on loopback.
    expect(c.allowAnonymous).toBe(false);
  });

  it('turns the built-in exemptions off with --no-system-exemptions or STANCE_SYSTEM_EXEMPTIONS=false', () => {
    expect(loadCollectorConfig({ systemExemptions: false }, {}).systemExemptions).toBe(false);
    expect(loadCollectorConfig({}, { STANCE_SYSTEM_EXEMPTIONS: 'false' }).systemExemptions).toBe(false);
    // commander's default for the absent --no- flag is true: the variable still decides.
    expect(loadCollectorConfig({ systemExemptions: true }, { STANCE_SYSTEM_EXEMPTIONS: 'false' }).systemExemptions).toBe(false);
    expect(loadCollectorConfig({ systemExemptions: true }, { STANCE_SYSTEM_EXEMPTIONS: 'true' }).systemExemptions).toBe(true);
  });

  it('lets flags win over variables', () => {
    const c = loadCollectorConfig(
      { data: '/flag', httpPort: '1', grpcPort: '2', heartbeatInterval: '1s', customControls: ['/flag.yaml'] },
      { STANCE_DATA_DIR: '/env', STANCE_HTTP_PORT: '3', STANCE_GRPC_PORT: '4', STANCE_HEARTBEAT_INTERVAL: '9s', STANCE_CUSTOM_CONTROLS: '/env.yaml' },
    );
    expect(c.dataDir).toBe('/flag');
    expect(c.http.port).toBe(1);
    expect(c.grpc.port).toBe(2);
    expect(c.heartbeatIntervalMs).toBe(1000);
    expect(c.customControls).toEqual(['/flag.yaml']);
  });

  it('reads agent tokens from a YAML file and adds STANCE_AGENT_TOKENS to them', () => {
    const tokens = file('tokens.yaml', 'tokens:\n  - cluster: prod\n    token: prod-token-000001\n    modes: [cluster]\n  - {name: fleet, cluster: "*", token: admin-token-00001}\n');
    const c = loadCollectorConfig({ tokensFile: tokens }, { STANCE_AGENT_TOKENS: 'dev=dev-token-0000001' });
    expect(c.tokens).toEqual([
      { name: 'prod', cluster: 'prod', token: 'prod-token-000001', modes: ['cluster'] },
      { name: 'fleet', cluster: '*', token: 'admin-token-00001', modes: ['cluster', 'node'] },
      { name: 'dev', cluster: 'dev', token: 'dev-token-0000001', modes: ['cluster', 'node'] },
    ]);
    expect(loadCollectorConfig({}, { STANCE_AGENT_TOKENS_FILE: tokens }).tokens).toHaveLength(2);
    // The same grant name from the file and the variable would share one cluster binding.
    expect(configError({ tokensFile: tokens }, { STANCE_AGENT_TOKENS: 'prod=other-token-000001' }).message).toMatch(/two grants are named "prod"/);
  });

  it('reads API tokens and HTTPS files, and serves the open API on loopback only', () => {
    const api = file('api.yaml', 'tokens:\n  - {name: ci, token: read-token-0000001, role: read}\n  - {name: ops, token: admin-token-000001, role: admin}\n');
    const c = loadCollectorConfig({ apiTokensFile: api, httpHost: '0.0.0.0', httpTlsCert: '/c.pem', httpTlsKey: '/k.pem', metricsPublic: true }, {});
    expect(c.http).toEqual({
      host: '0.0.0.0',
      port: 7070,
      tls: { cert: '/c.pem', key: '/k.pem' },
      apiTokens: [
        { name: 'ci', token: 'read-token-0000001', role: 'read' },
        { name: 'ops', token: 'admin-token-000001', role: 'admin' },
      ],
      metricsPublic: true,
      insecure: false,
    });
    expect(loadCollectorConfig({}, { STANCE_API_TOKENS_FILE: api, STANCE_HTTP_HOST: '::' }).http.apiTokens).toHaveLength(2);
    const open = configError({ httpHost: '0.0.0.0' });
    expect(open.setting).toBe('--http-host / STANCE_HTTP_HOST');
    expect(open.message).toMatch(/--api-tokens-file.*--insecure-http/);
    expect(loadCollectorConfig({ httpHost: '0.0.0.0', insecureHttp: true }, {}).http).toMatchObject({ apiTokens: [], insecure: true });
    expect(loadCollectorConfig({}, { STANCE_HTTP_HOST: '::ffff:127.0.0.1' }).http.apiTokens).toEqual([]);
  });

  it('serves TLS and mTLS when given certificate files', () => {
    const c = loadCollectorConfig({ grpcHost: '0.0.0.0', tlsCert: '/c.pem', tlsKey: '/k.pem', tlsClientCa: '/ca.pem' }, {});
    expect(c.grpc.tls).toEqual({ cert: '/c.pem', key: '/k.pem', ca: '/ca.pem' });
    // Client certificates authenticate agents: no tokens needed, no anonymous access.
    expect(c.allowAnonymous).toBe(false);
  });

  it('accepts plain text off loopback only when told to, and only with agent credentials', () => {
    const c = loadCollectorConfig({ grpcHost: '0.0.0.0', insecure: true }, { STANCE_AGENT_TOKENS: 'prod=0123456789abcdef' });
    expect(c.grpc.tls).toBeUndefined();
    expect(c.allowAnonymous).toBe(false);
    expect(loadCollectorConfig({}, { STANCE_GRPC_HOST: '10.0.0.5', STANCE_INSECURE: 'true', STANCE_AGENT_TOKENS: 'a=0123456789abcdef' }).grpc.host).toBe('10.0.0.5');
  });

  it.each<[string, CollectorFlags, NodeJS.ProcessEnv, RegExp]>([
    ['HTTP port', { httpPort: '65536' }, {}, /--http-port/],
    ['HTTP port from the environment', {}, { STANCE_HTTP_PORT: 'http' }, /STANCE_HTTP_PORT/],
    ['gRPC port', { grpcPort: '-1' }, {}, /--grpc-port/],
    ['heartbeat interval', { heartbeatInterval: 'soon' }, {}, /--heartbeat-interval/],
    ['posture interval', { postureInterval: '0ms' }, {}, /--posture-interval/],
    ['TLS reload interval', {}, { STANCE_TLS_RELOAD_INTERVAL: 'weekly' }, /STANCE_TLS_RELOAD_INTERVAL/],
    ['TLS reload interval under 100ms', { tlsReloadInterval: '1ms' }, {}, /--tls-reload-interval.*under 100ms/],
    ['max object size', { maxObjectBytes: '1' }, {}, /--max-object-bytes/],
    ['certificate without key', { tlsCert: '/c.pem' }, {}, /--tls-cert/],
    ['key without certificate', { tlsKey: '/k.pem' }, {}, /--tls-key/],
    ['client CA without server certificate', { tlsClientCa: '/ca.pem' }, {}, /--tls-client-ca/],
    ['non-loopback listener without TLS', { grpcHost: '0.0.0.0' }, { STANCE_AGENT_TOKENS: 'a=0123456789abcdef' }, /gRPC listener/],
    ['non-loopback listener without agent credentials', { grpcHost: '0.0.0.0', tlsCert: '/c', tlsKey: '/k' }, {}, /agent authentication/],
    ['token list entry', {}, { STANCE_AGENT_TOKENS: 'prod' }, /STANCE_AGENT_TOKENS/],
    ['token list entry without token', {}, { STANCE_AGENT_TOKENS: 'prod=' }, /STANCE_AGENT_TOKENS/],
    ['HTTPS certificate without key', { httpTlsCert: '/c.pem' }, {}, /--http-tls-cert/],
    ['non-loopback HTTP without API tokens', { httpHost: '10.0.0.1' }, {}, /--http-host/],
    ['API tokens file', { apiTokensFile: '/nope.yaml' }, {}, /--api-tokens-file/],
  ])('rejects an invalid %s, naming the setting', (_what, flags, env, setting) => {
    expect(configError(flags, env).message).toMatch(setting);
  });

  describe('tokens file errors name --tokens-file and the file', () => {
    it.each<[string, () => string, RegExp]>([
      ['a missing file', () => join(dir, 'nope.yaml'), /ENOENT|no such file/],
      ['unparsable YAML', () => file('bad.yaml', 'tokens: [unclosed\n'), /bad\.yaml/],
      ['no tokens list', () => file('empty.yaml', 'agents: []\n'), /expected "tokens/],
      ['an empty file', () => file('blank.yaml', ''), /expected "tokens/],
      ['an entry without cluster', () => file('nocluster.yaml', 'tokens: [{token: long-enough-token}]\n'), /tokens\[0\]/],
      ['a short token', () => file('short.yaml', 'tokens:\n  - {cluster: a, token: long-enough-token}\n  - {cluster: b, token: short}\n'), /tokens\[1\]/],
    ])('%s', (_what, make, detail) => {
      const path = make();
      const err = configError({ tokensFile: path });
      expect(err.setting).toBe('--tokens-file');
      expect(err.message).toContain(path);
      expect(err.message).toMatch(detail);
    });
  });
});
