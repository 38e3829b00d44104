// Who is on the other end of an agent stream. The credential (bearer token or verified
// client certificate) is checked when the stream opens, before any message is read; the
// Hello's claims (cluster name, mode) are then checked against what the credential grants.
// Which cluster id a grant may write is decided by the persisted bindings (store/cluster-bindings.ts).
import { TokenTable } from '../credentials/token-table.js';
import { AuthError, PermissionError } from './errors.js';
import { AGENT_MODES, type AgentMode, type TokenGrant } from './grants.js';
import { clip } from './limits.js';

/** The identity a stream authenticated as. */
export interface AgentGrant {
  /** `<grant name>` for a token, `cert:<CN>` for a client certificate, `anonymous` on loopback. */
  name: string;
  /** The cluster name it serves, or "*" (a wildcard grant, labelled as such in logs and the API). */
  cluster: string;
  modes: readonly AgentMode[];
  via: 'token' | 'certificate' | 'anonymous';
}

export const isWildcard = (g: AgentGrant) => g.cluster === '*';

export class AgentAuthenticator {
  private readonly grants: TokenTable<AgentGrant>;
  private readonly clusterNames: Set<string>;

  constructor(
    grants: readonly TokenGrant[],
    /** Accept agents that present no credential (a loopback collector with none configured). */
    private readonly allowAnonymous: boolean,
  ) {
    this.clusterNames = new Set(grants.filter((g) => g.cluster !== '*').map((g) => g.cluster));
    this.grants = new TokenTable(grants.map((g) => ({ token: g.token, value: { name: g.name, cluster: g.cluster, modes: g.modes, via: 'token' as const } })));
  }

  /** Whether a token grant authorises exactly this cluster name (a "*" grant may not take it). */
  isGrantedCluster(clusterName: string): boolean {
    return this.clusterNames.has(clusterName);
  }

  get tokenCount(): number {
    return this.grants.size;
  }

  /**
   * The grant of the stream's credential. A presented token must be known (it wins over a
   * certificate: it is the more specific claim); otherwise a verified certificate's CN names
   * the cluster it serves.
   */
  authenticate(token: string | undefined, certCommonName: string | undefined): AgentGrant {
    if (token) {
      const found = this.grants.lookup(token);
      if (!found) throw new AuthError('unknown agent token');
      return found;
    }
    if (certCommonName) {
      // CN "<cluster>" is that cluster's agent, CN "node:<cluster>" one of its node agents; a
      // certificate never serves every cluster.
      const node = certCommonName.startsWith('node:');
      const cluster = node ? certCommonName.slice('node:'.length) : certCommonName;
      if (!cluster || cluster.includes('*')) throw new AuthError(`a client certificate's CN must name one cluster, not "${clip(certCommonName)}"`);
      return { name: `cert:${certCommonName}`, cluster, modes: node ? ['node'] : ['cluster'], via: 'certificate' };
    }
    if (this.allowAnonymous) return { name: 'anonymous', cluster: '*', modes: AGENT_MODES, via: 'anonymous' };
    throw new AuthError('no agent token or client certificate presented');
  }

  /** Checks the Hello's claims against the grant. */
  authorize(grant: AgentGrant, clusterName: string, mode: AgentMode): void {
    if (!isWildcard(grant) && grant.cluster !== clusterName) {
      throw new PermissionError(`grant "${grant.name}" is for cluster "${grant.cluster}", not "${clusterName}"`);
    }
    if (!grant.modes.includes(mode)) {
      throw new PermissionError(`grant "${grant.name}" does not allow ${mode}-mode agents (it allows ${grant.modes.join(', ')})`);
    }
  }
}
