// Admits an agent's Hello: its claims are checked against its grant, and the cluster id is
// bound to the cluster the grant authorises (or found bound to it) in the same transaction
// that registers the agent, so a refused Hello writes nothing.
import type { Db } from '../store/database.js';
import type { AgentStore } from '../store/agents.js';
import { bindingOwner, type ClusterBindings } from '../store/cluster-bindings.js';
import type { AgentAuthenticator, AgentGrant } from './auth.js';
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

export class Admission {
  private readonly register: (grant: AgentGrant, h: HelloClaims, now: number) => { committedSeq: number; newBinding: boolean };

  constructor(db: Db, agents: AgentStore, bindings: ClusterBindings, private readonly auth: AgentAuthenticator) {
    this.register = db.transaction((grant: AgentGrant, h: HelloClaims, now: number) => {
      const { created } = bindings.bind(h.clusterId, bindingOwner(grant), grant.name, now);
      const committedSeq = agents.connect(h, now);
      return { committedSeq, newBinding: created };
    });
  }

  /** Throws PermissionError when the grant does not cover the claims; storage errors propagate. */
  admit(grant: AgentGrant, h: HelloClaims, now = Date.now()): { committedSeq: number; newBinding: boolean } {
    this.auth.authorize(grant, h.clusterName, h.mode);
    return this.register(grant, h, now);
  }
}
