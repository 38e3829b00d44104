// The RiskTracker's view of one cluster's stored objects. Gets and namespace lists read
// SQLite through its index, one row each. Keyed lookups (Services by selector pair,
// Ingresses by backend, bindings by subject, ClusterRoles by label) answer from indexes
// kept in memory across batches and moved with each committed change: they hold names,
// never objects, so a lookup neither re-reads and parses a whole kind nor keeps a copy of
// it, and memory grows with the keys alone. Objects a lookup finds are parsed once per
// batch (`endBatch` forgets them). The exception: each workload's context lists the
// NetworkPolicies of its namespace, so those lists (few, small objects) are kept parsed
// per namespace until a NetworkPolicy of that namespace changes.
import type { ClusterView, LookupIndex } from '@stance/shared/engine/index';
import type { KubeObject } from '@stance/shared/model/index';
import type { StateChange } from '../ingest/pipeline.js';
import type { ResourceStore } from '../store/resources.js';

const NONE: readonly KubeObject[] = [];
const SEP = '\u0001';
/** Kinds whose namespace lists stay parsed across batches. */
const KEPT_LISTS: ReadonlySet<string> = new Set(['NetworkPolicy']);

/** One LookupIndex over one kind: key → names (namespace SEP name, sorted), and each name's keys. */
interface KeptIndex {
  index: LookupIndex;
  byKey: Map<string, string[]>;
  keysOf: Map<string, readonly string[]>;
}

const nameOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}${SEP}${o.metadata.name ?? ''}`;

export class RiskSource implements ClusterView {
  /** kind → index id → kept index; built at a kind's first lookup. */
  private readonly indexes = new Map<string, Map<string, KeptIndex>>();
  /** Objects lookups found during the current batch, by kind SEP name. */
  private readonly found = new Map<string, KubeObject | undefined>();
  /** KEPT_LISTS: kind SEP namespace → its objects (shared and read-only). */
  private readonly lists = new Map<string, KubeObject[]>();

  constructor(
    private readonly resources: ResourceStore,
    private readonly clusterId: string,
  ) {}

  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.resources.get(this.clusterId, kind, namespace, name);
  }

  list(kind: string, namespace?: string): KubeObject[] {
    if (namespace === undefined || !KEPT_LISTS.has(kind)) return this.resources.list(this.clusterId, kind, namespace);
    const key = `${kind}${SEP}${namespace}`;
    let list = this.lists.get(key);
    if (!list) this.lists.set(key, (list = this.resources.list(this.clusterId, kind, namespace)));
    return list;
  }

  lookup(kind: string, index: LookupIndex, key: string): readonly KubeObject[] {
    const names = this.kept(kind, index).byKey.get(key);
    if (!names) return NONE;
    const out: KubeObject[] = [];
    for (const n of names) {
      const memo = `${kind}${SEP}${n}`;
      let o = this.found.get(memo);
      if (!this.found.has(memo)) {
        const cut = n.indexOf(SEP);
        o = this.get(kind, n.slice(0, cut) || undefined, n.slice(cut + 1));
        this.found.set(memo, o);
      }
      if (o) out.push(o);
    }
    return out;
  }

  /** The batch is over: objects looked up may change before the next. */
  endBatch(): void {
    this.found.clear();
  }

  /** A committed change (the ingest pipeline's hook): the kind's kept indexes follow it. */
  note(change: StateChange): void {
    if (KEPT_LISTS.has(change.object.kind)) this.lists.delete(`${change.object.kind}${SEP}${change.object.metadata.namespace ?? ''}`);
    const byId = this.indexes.get(change.object.kind);
    if (!byId) return;
    const name = nameOf(change.object);
    for (const kept of byId.values()) {
      unfile(kept, name);
      if (change.type === 'upsert') file(kept, name, change.object);
    }
  }

  /** Keys and names held (for the memory figures). */
  get size(): { indexes: number; keys: number } {
    let indexes = 0;
    let keys = 0;
    for (const byId of this.indexes.values()) {
      for (const kept of byId.values()) {
        indexes += 1;
        keys += kept.byKey.size;
      }
    }
    return { indexes, keys };
  }

  private kept(kind: string, index: LookupIndex): KeptIndex {
    let byId = this.indexes.get(kind);
    if (!byId) this.indexes.set(kind, (byId = new Map()));
    let kept = byId.get(index.id);
    if (!kept) {
      kept = { index, byKey: new Map(), keysOf: new Map() };
      for (const o of this.list(kind)) file(kept, nameOf(o), o);
      byId.set(index.id, kept);
    }
    return kept;
  }
}

function file(kept: KeptIndex, name: string, o: KubeObject): void {
  const keys = [...new Set(kept.index.keysOf(o))];
  if (keys.length === 0) return;
  kept.keysOf.set(name, keys);
  for (const key of keys) {
    const names = kept.byKey.get(key);
    if (!names) {
      kept.byKey.set(key, [name]);
      continue;
    }
    // Sorted, so a lookup answers in the same order however the objects arrived.
    let i = names.length;
    while (i > 0 && names[i - 1]! > name) i--;
    names.splice(i, 0, name);
  }
}

function unfile(kept: KeptIndex, name: string): void {
  const keys = kept.keysOf.get(name);
  if (!keys) return;
  kept.keysOf.delete(name);
  for (const key of keys) {
    const names = kept.byKey.get(key)!;
    names.splice(names.indexOf(name), 1);
    if (names.length === 0) kept.byKey.delete(key);
  }
}
