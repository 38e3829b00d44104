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
      http: { host: '127.0.0.1', port: 7070 },
      grpc: { host: '127.0.0.1', port: 7071 },
      tokens: [],
      allowAnonymous: true,
      maxObjectBytes: 2 * 1024 * 1024,
      heartbeatIntervalMs: 5000,
      customControls: [],
      allowedRegistries: [],
      postureIntervalMs: 60_000,
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
      { cluster: 'prod', token: '0123456789abcdef' },
      { cluster: '*', token: 'fedcba9876543210' },
    ]);
    // Tokens configured: nobody gets in without one, even on loopback.
    expect(c.allowAnonymous).toBe(false);
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
    const tokens = file('tokens.yaml', 'tokens:\n  - cluster: prod\n    token: prod-token-1\n  - {cluster: "*", token: admin-token-1}\n');
    const c = loadCollectorConfig({ tokensFile: tokens }, { STANCE_AGENT_TOKENS: 'dev=dev-token-1' });
    expect(c.tokens).toEqual([
      { cluster: 'prod', token: 'prod-token-1' },
      { cluster: '*', token: 'admin-token-1' },
      { cluster: 'dev', token: 'dev-token-1' },
    ]);
    expect(loadCollectorConfig({}, { STANCE_AGENT_TOKENS_FILE: tokens }).tokens).toHaveLength(2);
  });

  it('serves TLS and mTLS when given certificate files', () => {
    const c = loadCollectorConfig({ grpcHost: '0.0.0.0', tlsCert: '/c.pem', tlsKey: '/k.pem', tlsClientCa: '/ca.pem' }, {});
    expect(c.grpc.tls).toEqual({ cert: '/c.pem', key: '/k.pem', clientCa: '/ca.pem' });
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
    ['max object size', { maxObjectBytes: '1' }, {}, /--max-object-bytes/],
    ['certificate without key', { tlsCert: '/c.pem' }, {}, /--tls-cert/],
    ['key without certificate', { tlsKey: '/k.pem' }, {}, /--tls-key/],
    ['client CA without server certificate', { tlsClientCa: '/ca.pem' }, {}, /--tls-client-ca/],
    ['non-loopback listener without TLS', { grpcHost: '0.0.0.0' }, { STANCE_AGENT_TOKENS: 'a=0123456789abcdef' }, /gRPC listener/],
    ['non-loopback listener without agent credentials', { grpcHost: '0.0.0.0', tlsCert: '/c', tlsKey: '/k' }, {}, /agent authentication/],
    ['token list entry', {}, { STANCE_AGENT_TOKENS: 'prod' }, /STANCE_AGENT_TOKENS/],
    ['token list entry without token', {}, { STANCE_AGENT_TOKENS: 'prod=' }, /STANCE_AGENT_TOKENS/],
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
      ['a short token', () => file('short.yaml', 'tokens:\n  - {cluster: a, token: long-enough}\n  - {cluster: b, token: short}\n'), /tokens\[1\]/],
    ])('%s', (_what, make, detail) => {
      const path = make();
      const err = configError({ tokensFile: path });
      expect(err.setting).toBe('--tokens-file');
      expect(err.message).toContain(path);
      expect(err.message).toMatch(detail);
    });
  });
});
