// Admits an agent's Hello: its claims are checked against its grant, and the cluster id is
// bound to the cluster the grant authorises (or found bound to it) in the same transaction
// that registers the agent, so a refused Hello writes nothing.
import type { Db } from '../store/database.js';
import type { AgentStore } from '../store/agents.js';
import { bindingOwner, type ClusterBindings } from '../store/cluster-bindings.js';
import type { AgentAuthenticator, AgentGrant } from './auth.js';
import { PermissionError } from './errors.js';
import type { AgentMode } from './grants.js';

export interface HelloClaims {
  clusterId: string;
  clusterName: string;
  agentId: string;
  mode: AgentMode;
  nodeName: string;
  version: string;
  sessionId: string;
}

/** More agent ids than this in one cluster is someone minting ids, not a cluster of nodes. */
export const MAX_AGENTS_PER_CLUSTER = 10_000;

export class Admission {
  private readonly register: (grant: AgentGrant, h: HelloClaims, now: number) => { committedSeq: number; newBinding: boolean };

  constructor(db: Db, agents: AgentStore, private readonly bindings: ClusterBindings, private readonly auth: AgentAuthenticator) {
    const namedElsewhere = db.prepare<[string, string], { id: string }>('SELECT id FROM clusters WHERE name = ? AND id != ?');
    this.register = db.transaction((grant: AgentGrant, h: HelloClaims, now: number) => {
      const owner = bindingOwner(grant);
      if (owner.wildcard && this.auth.isGrantedCluster(h.clusterName)) {
        throw new PermissionError(`cluster name "${h.clusterName}" is reserved for its own grants; the "*" grant "${grant.name}" may not use it`);
      }
      const { created } = bindings.bind(h.clusterId, owner, grant.name, now);
      // A cluster's name is what users and exporters know it by: no other owner may take it.
      for (const { id } of namedElsewhere.all(h.clusterName, h.clusterId)) {
        const other = bindings.get(id);
        if (!other || other.name !== owner.name || other.wildcard !== owner.wildcard) {
          throw new PermissionError(`cluster name "${h.clusterName}" belongs to cluster id ${id}; grant "${grant.name}" may not give it to ${h.clusterId}`);
        }
      }
      // An agent id keeps the mode and node it registered with: a node's token cannot take over
      // the cluster agent's stream (or another node's) by naming its id.
      const known = agents.identity(h.clusterId, h.agentId);
      if (known && (known.mode !== h.mode || (h.mode === 'node' && known.nodeName !== h.nodeName))) {
        throw new PermissionError(`agent id ${h.agentId} is the ${known.mode} agent${known.nodeName ? ` of node ${known.nodeName}` : ''} of this cluster`);
      }
      if (!known && agents.countInCluster(h.clusterId) >= MAX_AGENTS_PER_CLUSTER) {
        throw new PermissionError(`cluster id ${h.clusterId} already has ${MAX_AGENTS_PER_CLUSTER} agents`);
      }
      const committedSeq = agents.connect(h, now);
      return { committedSeq, newBinding: created };
    });
  }

  /** Calls `end` when an admin retires `clusterId`; returns the unsubscribe. */
  onRetire(clusterId: string, end: () => void): () => void {
    return this.bindings.onRetire(clusterId, end);
  }

  /** Throws PermissionError when the grant does not cover the claims; storage errors propagate. */
  admit(grant: AgentGrant, h: HelloClaims, now = Date.now()): { committedSeq: number; newBinding: boolean } {
    this.auth.authorize(grant, h.clusterName, h.mode);
    return this.register(grant, h, now);
  }
}
