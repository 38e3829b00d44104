import { ClusterAgent } from './cluster/cluster-agent.js';
import type { AgentConfig } from './config.js';
import { NodeAgent } from './node/node-agent.js';

export { ClusterAgent } from './cluster/cluster-agent.js';
export { NodeAgent } from './node/node-agent.js';
export { loadKubeConfig } from './cluster/kube-config.js';
export { loadAgentConfig, type AgentConfig, type AgentFlags } from './config.js';

export interface RunnableAgent {
  /** The cluster id (kube-system uid), known once started. */
  readonly clusterId: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createAgent(config: AgentConfig): RunnableAgent {
  return config.mode === 'cluster' ? new ClusterAgent(config) : new NodeAgent(config);
}
