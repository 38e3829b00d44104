// A ClusterView over objects in memory that can change, for benchmarks of the incremental
// engine: put/del then `engine.apply`. Lists are rebuilt lazily after a change to their
// kind and shared until the next change
// (the engine's MemoView copies them per batch).
import type { KubeObject } from '../../model/object.js';
import type { ClusterView } from '../types.js';

const SEP = '\u0001';

export class MutableView implements ClusterView {
  /** kind → namespace → name → object. */
  private readonly objects = new Map<string, Map<string, Map<string, KubeObject>>>();
  private readonly lists = new Map<string, KubeObject[]>();

  constructor(objects: Iterable<KubeObject> = []) {
    for (const o of objects) this.put(o);
  }

  put(obj: KubeObject): void {
    const ns = obj.metadata.namespace ?? '';
    let byNs = this.objects.get(obj.kind);
    if (!byNs) this.objects.set(obj.kind, (byNs = new Map()));
    let byName = byNs.get(ns);
    if (!byName) byNs.set(ns, (byName = new Map()));
    byName.set(obj.metadata.name ?? '', obj);
    this.invalidate(obj.kind, ns);
  }

  del(obj: KubeObject): void {
    const ns = obj.metadata.namespace ?? '';
    this.objects.get(obj.kind)?.get(ns)?.delete(obj.metadata.name ?? '');
    this.invalidate(obj.kind, ns);
  }

  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(kind)?.get(namespace ?? '')?.get(name);
  }

  list(kind: string, namespace?: string): KubeObject[] {
    const key = namespace === undefined ? kind : `${kind}${SEP}${namespace}`;
    let list = this.lists.get(key);
    if (!list) {
      const byNs = this.objects.get(kind);
      list = [];
      if (byNs) {
        if (namespace === undefined) for (const m of byNs.values()) list.push(...m.values());
        else list.push(...(byNs.get(namespace)?.values() ?? []));
      }
      this.lists.set(key, list);
    }
    return list;
  }

  private invalidate(kind: string, ns: string): void {
    this.lists.delete(kind);
    this.lists.delete(`${kind}${SEP}${ns}`);
  }
}
