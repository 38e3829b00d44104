// The agent's entry points. Each mode is imported only when used: the node agent never
// loads the Kubernetes client when it is given its cluster id.
import type { AgentConfig } from './config.js';

export { loadAgentConfig, type AgentConfig, type AgentFlags } from './config.js';

export interface RunnableAgent {
  /** The cluster id (kube-system uid), known once started. */
  readonly clusterId: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function createAgent(config: AgentConfig): Promise<RunnableAgent> {
  if (config.mode === 'cluster') {
    const { ClusterAgent } = await import('./cluster/cluster-agent.js');
    return new ClusterAgent(config);
  }
  const { NodeAgent } = await import('./node/node-agent.js');
  return new NodeAgent(config);
}
