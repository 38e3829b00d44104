// Agent settings from flags and STANCE_* variables, validated before anything starts.
import { hostname } from 'node:os';
import { ConfigError, parseDurationMs, parseEnum, parseHostPort, parseIntSetting, pick } from '@stance/shared/config/index';
import { hostRootProblem } from './node/host-root.js';
import type { TransportSecurity } from './transport/credentials.js';

export interface AgentFlags {
  mode?: string;
  collector?: string;
  token?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecure?: boolean;
  kubeconfig?: string;
  clusterName?: string;
  clusterId?: string;
  agentId?: string;
  nodeName?: string;
  hostRoot?: string;
  bufferBytes?: string;
  maxObjectBytes?: string;
  pageSize?: string;
  factsInterval?: string;
}

export interface AgentConfig {
  mode: 'cluster' | 'node';
  collector: { host: string; port: number };
  security: TransportSecurity;
  token?: string;
  kubeconfig?: string;
  clusterName: string;
  /** Given explicitly (node mode without API access); otherwise the kube-system uid. */
  clusterId?: string;
  agentId: string;
  nodeName: string;
  hostRoot: string;
  bufferBytes: number;
  maxObjectBytes: number;
  pageSize: number;
  factsIntervalMs: number;
}

export function loadAgentConfig(flags: AgentFlags, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const mode = parseEnum('--mode / STANCE_AGENT_MODE', pick(flags.mode, env.STANCE_AGENT_MODE) ?? 'cluster', ['cluster', 'node'] as const);
  const collectorRaw = pick(flags.collector, env.STANCE_COLLECTOR) ?? `127.0.0.1:${env.STANCE_GRPC_PORT ?? '7071'}`;
  const collector = parseHostPort('--collector / STANCE_COLLECTOR', collectorRaw);
  const nodeName = pick(flags.nodeName, env.STANCE_NODE_NAME, env.NODE_NAME) ?? hostname();
  const clusterName = pick(flags.clusterName, env.STANCE_CLUSTER_NAME) ?? 'default';
  if (!/^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/.test(clusterName)) {
    throw new ConfigError('--cluster-name / STANCE_CLUSTER_NAME', `"${clusterName}" is not a DNS-style name`);
  }
  const token = pick(flags.token, env.STANCE_AGENT_TOKEN);
  const tlsCa = pick(flags.tlsCa, env.STANCE_TLS_CA);
  const tlsCert = pick(flags.tlsCert, env.STANCE_TLS_CERT);
  const tlsKey = pick(flags.tlsKey, env.STANCE_TLS_KEY);
  const kubeconfig = pick(flags.kubeconfig, env.KUBECONFIG);
  const clusterId = pick(flags.clusterId, env.STANCE_CLUSTER_ID);
  return {
    mode,
    collector,
    security: {
      ...(tlsCa ? { caFile: tlsCa } : {}),
      ...(tlsCert ? { certFile: tlsCert } : {}),
      ...(tlsKey ? { keyFile: tlsKey } : {}),
      insecure: flags.insecure ?? env.STANCE_INSECURE === 'true',
    },
    ...(token ? { token } : {}),
    ...(kubeconfig ? { kubeconfig } : {}),
    clusterName,
    ...(clusterId ? { clusterId } : {}),
    agentId: pick(flags.agentId, env.STANCE_AGENT_ID, env.POD_NAME) ?? (mode === 'node' ? `node-${nodeName}` : `cluster-${hostname()}`),
    nodeName,
    hostRoot: mode === 'node' ? hostRootDir(pick(flags.hostRoot, env.STANCE_HOST_ROOT) ?? '/') : '/',
    bufferBytes: parseIntSetting('--buffer-bytes / STANCE_BUFFER_BYTES', pick(flags.bufferBytes, env.STANCE_BUFFER_BYTES) ?? String(32 * 1024 * 1024), 1024 * 1024, 2 ** 31),
    maxObjectBytes: parseIntSetting(
      '--max-object-bytes / STANCE_MAX_OBJECT_BYTES',
      pick(flags.maxObjectBytes, env.STANCE_MAX_OBJECT_BYTES) ?? String(2 * 1024 * 1024),
      1024,
      64 * 1024 * 1024,
    ),
    pageSize: parseIntSetting('--page-size / STANCE_PAGE_SIZE', pick(flags.pageSize, env.STANCE_PAGE_SIZE) ?? '500', 1, 10_000),
    factsIntervalMs: parseDurationMs('--facts-interval / STANCE_FACTS_INTERVAL', pick(flags.factsInterval, env.STANCE_FACTS_INTERVAL) ?? '30s'),
  };
}

/**
 * A node agent's host root must be a folder it can read: a wrong mount would otherwise run
 * forever, sending facts that say nothing, with a warning per collection.
 */
function hostRootDir(dir: string): string {
  const problem = hostRootProblem(dir);
  if (problem) throw new ConfigError('--host-root / STANCE_HOST_ROOT', `${dir}: ${problem}`);
  return dir;
}
