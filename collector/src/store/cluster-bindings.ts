// Which credential may write which cluster id. The first registration of a cluster id binds
// it to the grant that made it (persisted); another grant's Hello for that id is refused, and
// a single-cluster grant cannot register a second id. Only an admin can release a binding
// (a rebuilt cluster has a new kube-system uid).
import { PermissionError } from '../ingest/errors.js';
import type { Db } from './database.js';

export interface ClusterBinding {
  clusterId: string;
  grantName: string;
  wildcard: boolean;
  boundAt: number;
}

interface Row {
  cluster_id: string;
  grant_name: string;
  wildcard: number;
  bound_at: number;
}

const toBinding = (r: Row): ClusterBinding => ({ clusterId: r.cluster_id, grantName: r.grant_name, wildcard: r.wildcard === 1, boundAt: r.bound_at });

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
   * Binds `clusterId` to the grant, or confirms it is bound to it already; throws a
   * PermissionError naming both sides otherwise. Call inside the Hello's transaction.
   */
  bind(clusterId: string, grant: { name: string; wildcard: boolean }, now: number): { created: boolean } {
    const existing = this.stmt.byCluster.get(clusterId);
    if (existing) {
      if (existing.grant_name === grant.name) return { created: false };
      throw new PermissionError(`cluster id ${clusterId} is bound to grant "${existing.grant_name}", not to "${grant.name}"`);
    }
    if (!grant.wildcard) {
      const other = this.stmt.byGrant.get(grant.name);
      if (other) {
        throw new PermissionError(
          `grant "${grant.name}" already serves cluster id ${other.cluster_id}: a grant authorises exactly one cluster (an admin can release it: DELETE /api/v1/clusters/${other.cluster_id}/binding)`,
        );
      }
    }
    this.stmt.insert.run(clusterId, grant.name, grant.wildcard ? 1 : 0, now);
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
