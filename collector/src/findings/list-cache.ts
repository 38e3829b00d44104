// What relation checks read, kept across evaluation batches (the store parses each row's
// JSON on every read): parsed cluster-wide lists of the RBAC kinds (read by many subjects,
// through keyed lookups), parsed namespace lists of NetworkPolicies (every workload's
// isolation and risk context reads its namespace's), and name indexes for keyed lookups
// over other kinds (kept-lookups.ts). The findings service passes every committed change
// (all writes to the store go through the ingest pipeline, which reports each), so nothing
// kept is ever stale.
import { indexOver, type LookupIndex } from '@stance/shared/engine/index';
import type { KubeObject } from '@stance/shared/model/index';
import type { ResourceStore } from '../store/resources.js';
import { KeptLookups } from './kept-lookups.js';

/** Few objects, read by many subjects. */
export const CACHED_KINDS: ReadonlySet<string> = new Set(['RoleBinding', 'ClusterRoleBinding', 'ClusterRole']);
/** Kinds whose namespace lists stay parsed. */
const KEPT_NAMESPACE_LISTS: ReadonlySet<string> = new Set(['NetworkPolicy']);

const NONE: readonly KubeObject[] = [];

interface ClusterLists {
  /** CACHED_KINDS: kind → every object of it. */
  lists: Map<string, KubeObject[]>;
  /** KEPT_NAMESPACE_LISTS: kind SEP namespace → its objects. */
  nsLists: Map<string, KubeObject[]>;
  lookups: KeptLookups;
}

export class ListCache {
  private readonly clusters = new Map<string, ClusterLists>();

  constructor(private readonly resources: ResourceStore) {}

  /** Every object of the kind in the cluster, or of one namespace; shared and read-only. */
  list(clusterId: string, kind: string, namespace?: string): KubeObject[] {
    if (namespace !== undefined) {
      if (!KEPT_NAMESPACE_LISTS.has(kind)) return this.resources.list(clusterId, kind, namespace);
      const { nsLists } = this.of(clusterId);
      const key = `${kind}\u0001${namespace}`;
      let list = nsLists.get(key);
      if (!list) nsLists.set(key, (list = this.resources.list(clusterId, kind, namespace)));
      return list;
    }
    if (!CACHED_KINDS.has(kind)) return this.resources.list(clusterId, kind);
    const { lists } = this.of(clusterId);
    let list = lists.get(kind);
    if (!list) lists.set(kind, (list = this.resources.list(clusterId, kind)));
    return list;
  }

  /** Objects of the kind that `index` files under `key`. */
  lookup(clusterId: string, kind: string, index: LookupIndex, key: string): readonly KubeObject[] {
    if (CACHED_KINDS.has(kind)) return indexOver(this.list(clusterId, kind), index).get(key) ?? NONE;
    return this.of(clusterId).lookups.lookup(kind, index, key);
  }

  /** A change was committed (or is about to be): what is kept follows it. */
  note(clusterId: string, type: 'upsert' | 'delete', object: KubeObject): void {
    const c = this.clusters.get(clusterId);
    if (!c) return;
    c.lists.delete(object.kind);
    if (KEPT_NAMESPACE_LISTS.has(object.kind)) c.nsLists.delete(`${object.kind}\u0001${object.metadata.namespace ?? ''}`);
    c.lookups.note(type, object);
  }

  /** An evaluation batch is over: objects found by lookups are read afresh next time. */
  endBatch(clusterId: string): void {
    this.clusters.get(clusterId)?.lookups.endBatch();
  }

  /** Lookup keys held for a cluster (memory figures). */
  lookupKeys(clusterId: string): number {
    return this.clusters.get(clusterId)?.lookups.keys ?? 0;
  }

  private of(clusterId: string): ClusterLists {
    let c = this.clusters.get(clusterId);
    if (!c) {
      const resources = this.resources;
      c = {
        lists: new Map(),
        nsLists: new Map(),
        lookups: new KeptLookups({ get: (kind, ns, name) => resources.get(clusterId, kind, ns, name), list: (kind) => resources.list(clusterId, kind) }),
      };
      this.clusters.set(clusterId, c);
    }
    return c;
  }
}
