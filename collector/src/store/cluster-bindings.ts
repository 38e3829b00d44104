// Which credentials may write which cluster id. The first registration of a cluster id
// binds it to the cluster its grant authorises (persisted): every grant for that cluster name
// (the cluster agent's token, the node agents' token, a client certificate with that CN) may
// write it, and no other. A cluster name's grants can register exactly one cluster id. A "*"
// grant may register many ids, each bound to that grant alone. Only an admin can release a
// binding (a rebuilt cluster has a new kube-system uid).
import { PermissionError } from '../ingest/errors.js';
import type { Db } from './database.js';

/** What a grant is bound by: the cluster name it authorises, or itself when it is a "*" grant. */
export interface BindingOwner {
  /** A cluster name, or the name of a "*" grant. */
  name: string;
  wildcard: boolean;
}

export interface ClusterBinding extends BindingOwner {
  clusterId: string;
  boundAt: number;
}

/** Stored form: "cluster:<name>" or "grant:<name>", so a cluster and a grant can share a name. */
const keyOf = (o: BindingOwner) => `${o.wildcard ? 'grant' : 'cluster'}:${o.name}`;
const describe = (o: BindingOwner) => (o.wildcard ? `the "*" grant "${o.name}"` : `cluster "${o.name}"`);

export function bindingOwner(grant: { name: string; cluster: string }): BindingOwner {
  return grant.cluster === '*' ? { name: grant.name, wildcard: true } : { name: grant.cluster, wildcard: false };
}

interface Row {
  cluster_id: string;
  grant_name: string;
  wildcard: number;
  bound_at: number;
}

const toBinding = (r: Row): ClusterBinding => ({ clusterId: r.cluster_id, name: r.grant_name.slice(r.grant_name.indexOf(':') + 1), wildcard: r.wildcard === 1, boundAt: r.bound_at });

export class ClusterBindings {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      byCluster: db.prepare<[string], Row>('SELECT * FROM cluster_bindings WHERE cluster_id = ?'),
      byGrant: db.prepare<[string], Row>('SELECT * FROM cluster_bindings WHERE grant_name = ? LIMIT 1'),
      insert: db.prepare('INSERT INTO cluster_bindings (cluster_id, grant_name, wildcard, bound_at) VALUES (?, ?, ?, ?)'),
      release: db.prepare('DELETE FROM cluster_bindings WHERE cluster_id = ?'),
      all: db.prepare<[], Row>('SELECT * FROM cluster_bindings ORDER BY cluster_id'),
    };
  }

  /**
   * Binds `clusterId` to the owner, or confirms it is bound to it already; throws a
   * PermissionError naming both sides otherwise. Call inside the Hello's transaction.
   */
  bind(clusterId: string, owner: BindingOwner, grantName: string, now: number): { created: boolean } {
    const key = keyOf(owner);
    const existing = this.stmt.byCluster.get(clusterId);
    if (existing) {
      if (existing.grant_name === key) return { created: false };
      throw new PermissionError(`cluster id ${clusterId} is bound to ${describe(toBinding(existing))}; grant "${grantName}" is for ${describe(owner)}`);
    }
    if (!owner.wildcard) {
      const other = this.stmt.byGrant.get(key);
      if (other) {
        throw new PermissionError(
          `${describe(owner)} is already cluster id ${other.cluster_id}: its grants authorise exactly one cluster (grant "${grantName}" claimed ${clusterId}; an admin can release the old id with DELETE /api/v1/clusters/${other.cluster_id}/binding)`,
        );
      }
    }
    this.stmt.insert.run(clusterId, key, owner.wildcard ? 1 : 0, now);
    return { created: true };
  }

  get(clusterId: string): ClusterBinding | undefined {
    const r = this.stmt.byCluster.get(clusterId);
    return r ? toBinding(r) : undefined;
  }

  all(): ClusterBinding[] {
    return this.stmt.all.all().map(toBinding);
  }

  /** Forgets the binding: the next grant to register the id binds it anew. */
  release(clusterId: string): ClusterBinding | undefined {
    const r = this.stmt.byCluster.get(clusterId);
    if (r) this.stmt.release.run(clusterId);
    return r ? toBinding(r) : undefined;
  }
}
