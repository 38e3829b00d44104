import { hostname, tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@stance/shared/config/index';
import { loadAgentConfig, type AgentFlags } from './config.js';

/** The ConfigError a bad setting raises (fails the test when none is raised). */
function configError(flags: AgentFlags, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    loadAgentConfig(flags, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadAgentConfig', () => {
  it('runs with no setup: cluster mode to a loopback collector', () => {
    const c = loadAgentConfig({}, {});
    expect(c).toMatchObject({
      mode: 'cluster',
      collector: { host: '127.0.0.1', port: 7071 },
      security: { insecure: false },
      clusterName: 'default',
      agentId: `cluster-${hostname()}`,
      nodeName: hostname(),
      hostRoot: '/',
      bufferBytes: 32 * 1024 * 1024,
      maxObjectBytes: 2 * 1024 * 1024,
      pageSize: 500,
      factsIntervalMs: 30_000,
    });
    expect(c.token).toBeUndefined();
    expect(c.kubeconfig).toBeUndefined();
    expect(c.security).toEqual({ insecure: false });
  });

  it('follows STANCE_GRPC_PORT for the default collector address', () => {
    expect(loadAgentConfig({}, { STANCE_GRPC_PORT: '9001' }).collector).toEqual({ host: '127.0.0.1', port: 9001 });
  });

  it('reads STANCE_* variables', () => {
    const c = loadAgentConfig(
      {},
      {
        STANCE_AGENT_MODE: 'node',
        STANCE_COLLECTOR: 'collector.stance.svc:443',
        STANCE_AGENT_TOKEN: 'secret-token',
        STANCE_TLS_CA: '/ca.pem',
        STANCE_CLUSTER_NAME: 'prod-eu',
        STANCE_NODE_NAME: 'node-1',
        STANCE_HOST_ROOT: tmpdir(),
        STANCE_BUFFER_BYTES: '2097152',
        STANCE_FACTS_INTERVAL: '5m',
        STANCE_INSECURE: 'true',
        KUBECONFIG: '/kube/config',
      },
    );
    expect(c).toMatchObject({
      mode: 'node',
      collector: { host: 'collector.stance.svc', port: 443 },
      token: 'secret-token',
      security: { caFile: '/ca.pem', insecure: true },
      clusterName: 'prod-eu',
      nodeName: 'node-1',
      agentId: 'node-node-1',
      hostRoot: tmpdir(),
      bufferBytes: 2_097_152,
      factsIntervalMs: 300_000,
      kubeconfig: '/kube/config',
    });
  });

  it('lets flags win over variables, and ignores empty values', () => {
    const env = { STANCE_CLUSTER_NAME: 'from-env', STANCE_COLLECTOR: 'env:1', STANCE_PAGE_SIZE: '10', STANCE_INSECURE: 'true', STANCE_AGENT_ID: 'env-id' };
    const c = loadAgentConfig({ clusterName: 'from-flag', collector: 'flag:2', pageSize: '20', insecure: false, agentId: '' }, env);
    expect(c.clusterName).toBe('from-flag');
    expect(c.collector).toEqual({ host: 'flag', port: 2 });
    expect(c.pageSize).toBe(20);
    expect(c.security.insecure).toBe(false);
    expect(c.agentId).toBe('env-id');
  });

  it('takes the agent id from POD_NAME and the node name from NODE_NAME (Downward API)', () => {
    const c = loadAgentConfig({ mode: 'node' }, { POD_NAME: 'stance-agent-x7', NODE_NAME: 'worker-3' });
    expect(c.agentId).toBe('stance-agent-x7');
    expect(c.nodeName).toBe('worker-3');
  });

  it('accepts a bracketed IPv6 collector', () => {
    expect(loadAgentConfig({ collector: '[::1]:7071' }, {}).collector).toEqual({ host: '::1', port: 7071 });
  });

  it.each<[string, AgentFlags, RegExp]>([
    ['mode', { mode: 'sidecar' }, /--mode/],
    ['collector without port', { collector: 'collector.local' }, /--collector/],
    ['collector port out of range', { collector: 'host:70000' }, /--collector/],
    ['cluster name with capitals', { clusterName: 'Prod' }, /--cluster-name/],
    ['cluster name with underscore', { clusterName: 'prod_eu' }, /--cluster-name/],
    ['cluster name ending in a dash', { clusterName: 'prod-' }, /--cluster-name/],
    ['cluster name too long', { clusterName: 'a'.repeat(64) }, /--cluster-name/],
    ['buffer too small', { bufferBytes: '1000' }, /--buffer-bytes/],
    ['buffer not a number', { bufferBytes: '32MB' }, /--buffer-bytes/],
    ['max object size too small', { maxObjectBytes: '10' }, /--max-object-bytes/],
    ['page size zero', { pageSize: '0' }, /--page-size/],
    ['page size fractional', { pageSize: '1.5' }, /--page-size/],
    ['facts interval unit', { factsInterval: '30 minutes' }, /--facts-interval/],
    ['facts interval zero', { factsInterval: '0s' }, /--facts-interval/],
    ['facts interval over a day', { factsInterval: '25h' }, /--facts-interval/],
    ['host root that does not exist (node mode)', { mode: 'node', hostRoot: '/nonexistent-host-root' }, /--host-root/],
    ['host root that is a file (node mode)', { mode: 'node', hostRoot: '/etc/hostname' }, /--host-root/],
  ])('rejects an invalid %s, naming the setting', (_what, flags, setting) => {
    const err = configError(flags);
    expect(err.setting).toMatch(setting);
    expect(err.message).toMatch(setting);
  });

  it('names the variable too when the bad value came from the environment', () => {
    const err = configError({}, { STANCE_PAGE_SIZE: 'lots' });
    expect(err.setting).toContain('STANCE_PAGE_SIZE');
    expect(err.message).toContain('lots');
  });
});
