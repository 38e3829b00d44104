// Memoises reads from the caller's source for the span of one batch (the source does not
// change while the engine runs), so a delta that fans out to many subjects reads each
// shared list (e.g. all ClusterRoleBindings) once, and checks can memoise derived
// indexes on the identity of the list they got.
import type { KubeObject } from '../model/object.js';
import { indexOver } from './lookup.js';
import type { ClusterView, LookupIndex } from './types.js';

const NONE: readonly KubeObject[] = [];

export class MemoView implements ClusterView {
  private readonly gets = new Map<string, KubeObject | undefined>();
  private readonly lists = new Map<string, KubeObject[]>();

  constructor(private readonly source: ClusterView) {}

  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = `${kind}\u0001${namespace ?? ''}\u0001${name}`;
    if (this.gets.has(key)) return this.gets.get(key);
    const obj = this.source.get(kind, namespace, name);
    this.gets.set(key, obj);
    return obj;
  }

  /** The source's own lookup when it has one (it may keep its index across batches). */
  lookup(kind: string, index: LookupIndex, key: string): readonly KubeObject[] {
    return this.source.lookup ? this.source.lookup(kind, index, key) : (indexOver(this.list(kind), index).get(key) ?? NONE);
  }

  list(kind: string, namespace?: string): KubeObject[] {
    const key = namespace === undefined ? kind : `${kind}\u0001${namespace}`;
    let list = this.lists.get(key);
    if (!list) {
      // A copy: sources may hand out arrays they later mutate, and checks memoise derived
      // indexes on a list's identity, which must therefore live no longer than the batch.
      list = this.source.list(kind, namespace).slice();
      this.lists.set(key, list);
    }
    return list;
  }
}
