// Cluster names for the transitions the feed publishes, without a query per transition:
// read again when a cluster is unknown or the list is older than `ttlMs` (renames show
// up within it).
import type { AgentStore } from '../store/agents.js';
import type { ClusterNamer } from './finding-state.js';

export function cachedClusterNames(agents: AgentStore, ttlMs = 10_000): ClusterNamer {
  let names = new Map<string, string>();
  let readAt = -Infinity;
  return (id) => {
    const now = performance.now();
    if (now - readAt > ttlMs || !names.has(id)) {
      names = new Map(agents.clusters().map((c) => [c.id, c.name]));
      readAt = now;
    }
    return names.get(id) ?? id;
  };
}
