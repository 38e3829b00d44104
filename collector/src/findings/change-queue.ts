// Changes waiting for evaluation, coalesced per object: the evaluator reads the current
// object from the store, so only identity, the first "before" (for drift) and, for a
// delete, the last known object are kept — never a backlog of full objects.
import type { KubeObject } from '@stance/shared/model/index';
import { identityOf } from '@stance/shared/model/index';
import type { StateChange } from '../ingest/pipeline.js';

export interface QueuedChange {
  uid: string;
  type: 'upsert' | 'delete';
  /** The object before the first queued change (absent for a creation). */
  before?: KubeObject;
  /** The object as it was when deleted. */
  deleted?: KubeObject;
  /** When the first of the coalesced changes was queued (performance.now()): the latency's start. */
  since: number;
}

export class ChangeQueue {
  private readonly byCluster = new Map<string, Map<string, QueuedChange>>();
  private count = 0;

  add(clusterId: string, change: StateChange): void {
    let q = this.byCluster.get(clusterId);
    if (!q) this.byCluster.set(clusterId, (q = new Map()));
    const uid = identityOf(change.object);
    const prev = q.get(uid);
    if (!prev) this.count += 1;
    const before = prev ? prev.before : change.type === 'upsert' ? change.previous : change.object;
    q.set(uid, {
      uid,
      type: change.type,
      since: prev ? prev.since : performance.now(),
      ...(before ? { before } : {}),
      ...(change.type === 'delete' ? { deleted: change.object } : {}),
    });
  }

  /** Up to `max` changes of one cluster, oldest first; clusters `held` returns true for wait. */
  take(max: number, held: (clusterId: string) => boolean = () => false): { clusterId: string; items: QueuedChange[] } | undefined {
    for (const [clusterId, q] of this.byCluster) {
      if (held(clusterId)) continue;
      const items: QueuedChange[] = [];
      for (const [uid, c] of q) {
        items.push(c);
        q.delete(uid);
        if (items.length >= max) break;
      }
      if (q.size === 0) this.byCluster.delete(clusterId);
      this.count -= items.length;
      if (items.length > 0) return { clusterId, items };
    }
    return undefined;
  }

  get size(): number {
    return this.count;
  }
}
