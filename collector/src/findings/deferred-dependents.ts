// Subjects that evaluated changes reach only through their reads (a NetworkPolicy → the
// pods of its namespace), waiting to be re-evaluated once: per cluster, one entry per
// subject with the engine's control mask merged and the changes that last reached it
// (the cause its findings' history names). A listing that brings NetworkPolicies over
// many batches then re-evaluates each pod once, not once per batch.
import type { Dependent } from '@stance/shared/engine/index';
import type { Touched } from './outcome-recorder.js';

export interface DeferredEntry {
  dependent: Dependent;
  touched: Touched;
}

export class DeferredDependents {
  private readonly byCluster = new Map<string, { since: number; subjects: Map<string, DeferredEntry> }>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(clusterId: string, dependents: readonly Dependent[], touched: Touched, now: number): void {
    if (dependents.length === 0) return;
    let d = this.byCluster.get(clusterId);
    if (!d) this.byCluster.set(clusterId, (d = { since: now, subjects: new Map() }));
    for (const dependent of dependents) {
      const seen = d.subjects.get(dependent.location.subjectKey);
      if (seen) {
        seen.dependent.mask |= dependent.mask;
        seen.touched = touched; // the latest changes to reach it name the cause
      } else {
        d.subjects.set(dependent.location.subjectKey, { dependent: { ...dependent }, touched });
        this.count += 1;
      }
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
}
