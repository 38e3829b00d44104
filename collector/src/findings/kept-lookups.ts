// Keyed lookups over kinds too large to keep parsed (Services by selector pair, Ingresses by
// backend Service: the risk context looks them up for every workload). Each index holds
// names, never objects, kept across batches and moved with each committed change: a lookup
// neither re-reads and parses a whole kind nor keeps a copy of it. The objects a lookup
// finds are read by name and parsed once per batch (`endBatch` forgets them).
import type { LookupIndex } from '@stance/shared/engine/index';
import type { KubeObject } from '@stance/shared/model/index';

const NONE: readonly KubeObject[] = [];
const SEP = '\u0001';

/** One LookupIndex over one kind: key → names (namespace SEP name, sorted), and each name's keys. */
interface KeptIndex {
  index: LookupIndex;
  byKey: Map<string, string[]>;
  keysOf: Map<string, readonly string[]>;
}

const nameOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}${SEP}${o.metadata.name ?? ''}`;

export interface KeptLookupSource {
  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(kind: string): KubeObject[];
}

/** The kept lookups of one cluster. */
export class KeptLookups {
  /** kind → index id → kept index; built at a kind's first lookup. */
  private readonly indexes = new Map<string, Map<string, KeptIndex>>();
  /** Objects lookups found during the current batch, by kind SEP name. */
  private readonly found = new Map<string, KubeObject | undefined>();

  constructor(private readonly source: KeptLookupSource) {}

  lookup(kind: string, index: LookupIndex, key: string): readonly KubeObject[] {
    const names = this.kept(kind, index).byKey.get(key);
    if (!names) return NONE;
    const out: KubeObject[] = [];
    for (const n of names) {
      const memo = `${kind}${SEP}${n}`;
      let o = this.found.get(memo);
      if (!this.found.has(memo)) {
        const cut = n.indexOf(SEP);
        o = this.source.get(kind, n.slice(0, cut) || undefined, n.slice(cut + 1));
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

  /** A committed change: the kind's kept indexes follow it. */
  note(type: 'upsert' | 'delete', object: KubeObject): void {
    const byId = this.indexes.get(object.kind);
    if (!byId) return;
    const name = nameOf(object);
    this.found.delete(`${object.kind}${SEP}${name}`);
    for (const kept of byId.values()) {
      unfile(kept, name);
      if (type === 'upsert') file(kept, name, object);
    }
  }

  /** Keys held (for the memory figures). */
  get keys(): number {
    let keys = 0;
    for (const byId of this.indexes.values()) for (const kept of byId.values()) keys += kept.byKey.size;
    return keys;
  }

  private kept(kind: string, index: LookupIndex): KeptIndex {
    let byId = this.indexes.get(kind);
    if (!byId) this.indexes.set(kind, (byId = new Map()));
    let kept = byId.get(index.id);
    if (!kept) {
      kept = { index, byKey: new Map(), keysOf: new Map() };
      for (const o of this.source.list(kind)) file(kept, nameOf(o), o);
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
