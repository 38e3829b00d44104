// Subjects waiting to be re-evaluated once, per cluster, one entry per subject with the
// engine's control mask merged:
// - reached only through their reads by evaluated changes (a NetworkPolicy → the pods of
//   its namespace): a listing that brings NetworkPolicies over many batches then
//   re-evaluates each pod once, not once per batch. The changes that last reached it name
//   its findings' cause, kept as references only (never a batch's objects);
// - held: changed themselves while a kind their relation checks read was being listed
//   (an agent's snapshot); those checks wait for the listing to end, and the subject's own
//   change names the cause.
import type { Dependent } from '@stance/shared/engine/index';
import type { KubeObject } from '@stance/shared/model/index';
import { RELATED_CAUSES, type Touched } from './outcome-recorder.js';

export interface DeferredEntry {
  dependent: Dependent;
  /** The changes that reached it (references only). */
  touched: Touched;
  /** Held for its own change: the object before it, and when that change was queued. */
  own?: { before?: KubeObject; since?: number };
}

interface ClusterDeferred {
  since: number;
  subjects: Map<string, DeferredEntry>;
}

/** One entry of `Touched`: an object before and after a change, and when it was queued. */
type TouchedChange = Touched extends Map<string, infer V> ? V : never;

const NOTHING: Touched = new Map();

export class DeferredDependents {
  private readonly byCluster = new Map<string, ClusterDeferred>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Subjects the changes in `touched` reached through their reads. */
  add(clusterId: string, dependents: readonly Dependent[], touched: Touched, now: number): void {
    if (dependents.length === 0) return;
    const d = this.cluster(clusterId, now);
    const causes = references(touched);
    for (const dependent of dependents) {
      const seen = d.subjects.get(dependent.location.subjectKey);
      if (seen) {
        seen.dependent.mask |= dependent.mask;
        seen.touched = causes; // the latest changes to reach it name the cause
      } else this.insert(d, { dependent: { ...dependent }, touched: causes });
    }
  }

  /** Changed subjects whose checks in `mask` wait for a listing; `touched` holds their changes. */
  addHeld(clusterId: string, held: readonly Dependent[], touched: Touched, now: number): void {
    if (held.length === 0) return;
    const d = this.cluster(clusterId, now);
    for (const dependent of held) {
      const change = touched.get(dependent.location.subjectKey);
      const own = { ...(change?.before ? { before: change.before } : {}), ...(change?.since !== undefined ? { since: change.since } : {}) };
      const seen = d.subjects.get(dependent.location.subjectKey);
      if (seen) {
        seen.dependent.mask |= dependent.mask;
        seen.own = own;
      } else this.insert(d, { dependent: { ...dependent }, touched: NOTHING, own });
    }
  }

  /** The subject was evaluated in full: nothing left to re-evaluate. */
  forget(clusterId: string, subjectKey: string): void {
    const d = this.byCluster.get(clusterId);
    if (d?.subjects.delete(subjectKey)) {
      this.count -= 1;
      if (d.subjects.size === 0) this.byCluster.delete(clusterId);
    }
  }

  /**
   * Up to `max` entries of one cluster not `held` that has waited since `due` or longer.
   * What remains waits anew from `now`: under a backlog that never empties, each wait
   * releases one chunk, so they progress without undoing the coalescing.
   */
  take(max: number, due: number, now: number, held: (clusterId: string) => boolean): { clusterId: string; entries: DeferredEntry[] } | undefined {
    for (const [clusterId, d] of this.byCluster) {
      if (d.since > due || held(clusterId)) continue;
      const entries: DeferredEntry[] = [];
      for (const [key, entry] of d.subjects) {
        entries.push(entry);
        d.subjects.delete(key);
        if (entries.length >= max) break;
      }
      this.count -= entries.length;
      if (d.subjects.size === 0) this.byCluster.delete(clusterId);
      else d.since = now;
      return { clusterId, entries };
    }
    return undefined;
  }

  private cluster(clusterId: string, now: number): ClusterDeferred {
    let d = this.byCluster.get(clusterId);
    if (!d) this.byCluster.set(clusterId, (d = { since: now, subjects: new Map() }));
    return d;
  }

  private insert(d: ClusterDeferred, entry: DeferredEntry): void {
    d.subjects.set(entry.dependent.location.subjectKey, entry);
    this.count += 1;
  }
}

/**
 * What the outcome recorder reads of related changes, without the objects: the first
 * RELATED_CAUSES (kind, namespace, name, version, deleted or not), and the earliest
 * `since` (the latency's start). A batch's parsed objects are then not kept alive by the
 * subjects waiting on it.
 */
function references(touched: Touched): Touched {
  const out: Touched = new Map();
  let earliest: [string, TouchedChange] | undefined;
  for (const [uid, t] of touched) {
    if (out.size < RELATED_CAUSES) out.set(uid, skeletonOf(t));
    if (t.since !== undefined && (earliest === undefined || t.since < earliest[1].since!)) earliest = [uid, t];
  }
  if (earliest && !out.has(earliest[0])) out.set(earliest[0], skeletonOf(earliest[1]));
  return out;
}

function skeletonOf(t: TouchedChange): TouchedChange {
  return { ...(t.before ? { before: reference(t.before) } : {}), ...(t.after ? { after: reference(t.after) } : {}), ...(t.since !== undefined ? { since: t.since } : {}) };
}

function reference(o: KubeObject): KubeObject {
  const m = o.metadata;
  return { apiVersion: o.apiVersion, kind: o.kind, metadata: { ...(m.namespace !== undefined ? { namespace: m.namespace } : {}), ...(m.name !== undefined ? { name: m.name } : {}), ...(m.resourceVersion !== undefined ? { resourceVersion: m.resourceVersion } : {}) } };
}
