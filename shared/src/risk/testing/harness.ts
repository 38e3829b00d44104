// A caller of the RiskTracker for tests: a store standing in for the collector's, kept in
// step with the tracker, and the risk facts a caller would keep per object, refreshed only
// for the objects changed (their findings are evaluated anew anyway) and those the tracker
// reports.
import { memoryView } from '../../engine/evaluate.js';
import type { Change } from '../../engine/incremental.js';
import type { ClusterView } from '../../engine/types.js';
import { identityOf, refOf, type KubeObject } from '../../model/object.js';
import { refKey } from '../risk-index.js';
import { RiskTracker, type RiskTrackerOptions } from '../tracker.js';
import type { Facts, ObjectRef } from '../types.js';

export const locOf = (o: { kind: string; metadata: { namespace?: string; name?: string } }) => refKey({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name ?? '' });

export class RiskHarness {
  readonly store = new Map<string, KubeObject>();
  /** What a caller keeps: facts per object, refreshed for the reported objects only. */
  readonly kept = new Map<string, Facts>();
  view: ClusterView = memoryView([]);
  readonly tracker: RiskTracker;

  /** `opts`: other controls beside the risk context (as in the collector's findings engine). */
  constructor(objects: KubeObject[] = [], opts: Omit<RiskTrackerOptions, 'source'> = {}) {
    for (const o of objects) this.store.set(locOf(o), o);
    this.view = memoryView([...this.store.values()]);
    this.tracker = new RiskTracker({ ...opts, source: { get: (k, n, nm) => this.view.get(k, n, nm), list: (k, n) => this.view.list(k, n) } });
    this.refresh(this.tracker.evaluateBatch(objects));
  }

  /** Upserts (replacing another identity under the same name as delete + upsert) and applies. */
  upsert(o: KubeObject): ObjectRef[] {
    const prev = this.store.get(locOf(o));
    const changes: Change[] = [];
    if (prev && identityOf(prev) !== identityOf(o)) changes.push({ type: 'delete', object: prev });
    changes.push({ type: 'upsert', object: o });
    this.store.set(locOf(o), o);
    return this.apply(changes);
  }

  delete(o: KubeObject): ObjectRef[] {
    const prev = this.store.get(locOf(o));
    if (!prev) return [];
    this.store.delete(locOf(o));
    return this.apply([{ type: 'delete', object: prev }]);
  }

  private apply(changes: Change[]): ObjectRef[] {
    this.view = memoryView([...this.store.values()]);
    const touched: ObjectRef[] = [];
    for (const c of changes) touched.push(...this.tracker.apply(c));
    this.refresh([...touched, ...changes.map((c) => refOf(c.object))]);
    return touched;
  }

  refresh(refs: readonly ObjectRef[]): void {
    for (const r of refs) {
      const key = refKey(r);
      const o = this.store.get(key);
      const facts = o ? this.tracker.index.factsOf({ subjectKey: identityOf(o), subject: refOf(o) }) : {};
      if (Object.keys(facts).length) this.kept.set(key, facts);
      else this.kept.delete(key);
    }
  }
}
