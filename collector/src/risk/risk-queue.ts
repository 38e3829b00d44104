// Changes waiting for a cluster's RiskTracker, coalesced per object. Only what can move a
// risk context is kept: objects of the kinds contexts read (RISK_READS) and pod-bearing
// objects that carry a context (not owned by a pod-bearing controller). An upsert keeps
// the uid alone (the object is read fresh when applied); a delete keeps the object.
// Linked objects come out before workloads: applied first, a sync's Services and
// bindings find no workload to re-evaluate yet, and each workload is evaluated once.
import { podControllerKind } from '@stance/shared/engine/index';
import { identityOf, POD_BEARING_KINDS, type KubeObject } from '@stance/shared/model/index';
import { RISK_READS } from '@stance/shared/risk/index';
import type { StateChange } from '../ingest/pipeline.js';

export interface QueuedRiskChange {
  uid: string;
  /** Present for a delete: the object as it was. */
  deleted?: KubeObject;
}

const READS: ReadonlySet<string> = new Set(RISK_READS);
const POD_BEARING: ReadonlySet<string> = new Set(POD_BEARING_KINDS);

/** Whether a change can move a risk context. */
export function concernsRisk(change: StateChange): boolean {
  const kind = change.object.kind;
  if (READS.has(kind)) return true;
  if (!POD_BEARING.has(kind)) return false;
  if (podControllerKind(change.object) === undefined) return true;
  // Owned now: it matters only if it had a context of its own before.
  return change.type === 'upsert' && change.previous !== undefined && podControllerKind(change.previous) === undefined;
}

export class RiskQueue {
  private readonly reads = new Map<string, QueuedRiskChange>();
  private readonly workloads = new Map<string, QueuedRiskChange>();

  get size(): number {
    return this.reads.size + this.workloads.size;
  }

  add(change: StateChange): void {
    const uid = identityOf(change.object);
    const q = READS.has(change.object.kind) ? this.reads : this.workloads;
    q.set(uid, change.type === 'delete' ? { uid, deleted: change.object } : { uid });
  }

  /** Up to `max` changes, linked objects first. */
  take(max: number): QueuedRiskChange[] {
    const out: QueuedRiskChange[] = [];
    for (const q of [this.reads, this.workloads]) {
      for (const [uid, c] of q) {
        if (out.length >= max) return out;
        out.push(c);
        q.delete(uid);
      }
    }
    return out;
  }
}
