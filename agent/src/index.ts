import { ClusterAgent } from './cluster/cluster-agent.js';
import type { AgentConfig } from './config.js';

export { ClusterAgent, loadKubeConfig } from './cluster/cluster-agent.js';
export { loadAgentConfig, type AgentConfig, type AgentFlags } from './config.js';

export interface RunnableAgent {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createAgent(config: AgentConfig): RunnableAgent {
  if (config.mode === 'cluster') return new ClusterAgent(config);
  throw new Error('node mode is wired in agent/src/node/node-agent.ts');
}
