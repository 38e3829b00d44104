// Parsed cluster-wide lists of the RBAC kinds, kept across evaluation batches: relation
// checks read every RoleBinding and ClusterRoleBinding (through keyed lookups) and
// ClusterRole, and the store parses each row's JSON on every read. The findings service
// drops a kind's list on every committed change of that kind (all writes to the store go
// through the ingest pipeline, which reports each change), so a list is never stale.
import { indexOver, type LookupIndex } from '@stance/shared/engine/index';
import type { KubeObject } from '@stance/shared/model/index';
import type { ResourceStore } from '../store/resources.js';

/** Few objects, read by many subjects. */
export const CACHED_KINDS: ReadonlySet<string> = new Set(['RoleBinding', 'ClusterRoleBinding', 'ClusterRole']);

const NONE: readonly KubeObject[] = [];

export class ListCache {
  private readonly lists = new Map<string, Map<string, KubeObject[]>>();

  constructor(private readonly resources: ResourceStore) {}

  /** Every object of the kind in the cluster; shared and read-only. */
  list(clusterId: string, kind: string): KubeObject[] {
    if (!CACHED_KINDS.has(kind)) return this.resources.list(clusterId, kind);
    let byKind = this.lists.get(clusterId);
    if (!byKind) this.lists.set(clusterId, (byKind = new Map()));
    let list = byKind.get(kind);
    if (!list) byKind.set(kind, (list = this.resources.list(clusterId, kind)));
    return list;
  }

  /** Objects of the kind that `index` files under `key`: the index lives as long as the list. */
  lookup(clusterId: string, kind: string, index: LookupIndex, key: string): readonly KubeObject[] {
    return indexOver(this.list(clusterId, kind), index).get(key) ?? NONE;
  }

  /** A change of `kind` was committed (or is about to be): read the list afresh next time. */
  invalidate(clusterId: string, kind: string): void {
    this.lists.get(clusterId)?.delete(kind);
  }
}
