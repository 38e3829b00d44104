// An agent's status as the API, the metrics and the dashboard stream report it: stale when
// connected but silent for three heartbeat intervals.
import type { AgentRow } from '../store/agents.js';

export type AgentStatus = 'connected' | 'stale' | 'disconnected';

export const AGENT_STATUSES: readonly AgentStatus[] = ['connected', 'stale', 'disconnected'];

export function agentStatus(a: AgentRow, now: number, heartbeatIntervalMs: number): AgentStatus {
  if (!a.connected) return 'disconnected';
  const last = a.lastHeartbeat ?? a.connectedAt ?? 0;
  return now - last > heartbeatIntervalMs * 3 ? 'stale' : 'connected';
}
