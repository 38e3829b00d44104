// Which credentials may write which cluster id. The first registration of a cluster id
// binds it to the cluster its grant authorises (persisted): every grant for that cluster name
// (the cluster agent's token, the node agents' token, a client certificate with that CN) may
// write it, and no other. A cluster name's grants can register exactly one cluster id. A "*"
// grant may register many ids, each bound to that grant alone. Only an admin can retire an
// id (a rebuilt cluster has a new kube-system uid), after which nobody may write it.
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
  /** Retired by an admin: no credential may write this id again (its data stays readable). */
  retired: boolean;
}

/** Stored form: "cluster:<name>" or "grant:<name>", so a cluster and a grant can share a name. */
const keyOf = (o: BindingOwner) => `${o.wildcard ? 'grant' : 'cluster'}:${o.name}`;
const RETIRED = 'retired:';
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

function toBinding(r: Row): ClusterBinding {
  const retired = r.grant_name.startsWith(RETIRED);
  const key = retired ? r.grant_name.slice(RETIRED.length) : r.grant_name;
  return { clusterId: r.cluster_id, name: key.slice(key.indexOf(':') + 1), wildcard: r.wildcard === 1, boundAt: r.bound_at, retired };
}

export class ClusterBindings {
  private readonly stmt;
  /** Live streams of a cluster id, to be ended when an admin retires it (the check at Hello is not enough). */
  private readonly retireWatchers = new Map<string, Set<() => void>>();

  constructor(db: Db) {
    this.stmt = {
      byCluster: db.prepare<[string], Row>('SELECT * FROM cluster_bindings WHERE cluster_id = ?'),
      byGrant: db.prepare<[string], Row>('SELECT * FROM cluster_bindings WHERE grant_name = ? LIMIT 1'),
      insert: db.prepare('INSERT INTO cluster_bindings (cluster_id, grant_name, wildcard, bound_at) VALUES (?, ?, ?, ?)'),
      retire: db.prepare(`UPDATE cluster_bindings SET grant_name = '${RETIRED}' || grant_name WHERE cluster_id = ? AND grant_name NOT LIKE '${RETIRED}%'`),
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
      if (existing.grant_name.startsWith(RETIRED)) throw new PermissionError(`cluster id ${clusterId} was retired by an admin; no credential may write it`);
      throw new PermissionError(`cluster id ${clusterId} is bound to ${describe(toBinding(existing))}; grant "${grantName}" is for ${describe(owner)}`);
    }
    if (!owner.wildcard) {
      const other = this.stmt.byGrant.get(key);
      if (other) {
        throw new PermissionError(
          `${describe(owner)} is already cluster id ${other.cluster_id}: its grants authorise exactly one cluster (grant "${grantName}" claimed ${clusterId}; an admin can retire the old id with DELETE /api/v1/clusters/${other.cluster_id}/binding)`,
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

  /**
   * Retires a cluster id (a rebuilt cluster has a new kube-system uid): its owner's grants may
   * then register a new id, and no credential — not even a "*" grant — may write the old one,
   * so nobody inherits its objects and findings.
   */
  retire(clusterId: string): ClusterBinding | undefined {
    const r = this.stmt.byCluster.get(clusterId);
    if (!r || r.grant_name.startsWith(RETIRED)) return undefined;
    this.stmt.retire.run(clusterId);
    for (const end of [...(this.retireWatchers.get(clusterId) ?? [])]) end();
    return toBinding(r);
  }

  /** Calls `end` when `clusterId` is retired; returns the unsubscribe. */
  onRetire(clusterId: string, end: () => void): () => void {
    const set = this.retireWatchers.get(clusterId) ?? new Set();
    this.retireWatchers.set(clusterId, set.add(end));
    return () => {
      set.delete(end);
      if (set.size === 0 && this.retireWatchers.get(clusterId) === set) this.retireWatchers.delete(clusterId);
    };
  }
}
