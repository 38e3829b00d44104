// Changes waiting for evaluation, coalesced per object: only identity, the first "before"
// (for drift) and, for a delete, the last known object are kept. While the queue is short
// (evaluation keeps pace with ingest) an upsert also carries the object as committed, which
// spares the evaluator reading and parsing it again; past MAX_CARRIED the evaluator reads
// the current object from the store, so a backlog never holds a copy of the cluster.
import type { KubeObject } from '@stance/shared/model/index';
import { identityOf } from '@stance/shared/model/index';
import type { StateChange } from '../ingest/pipeline.js';

/** Objects carried at most (a few MiB of parsed objects). */
const MAX_CARRIED = 5000;

export interface QueuedChange {
  uid: string;
  type: 'upsert' | 'delete';
  /** The object before the first queued change (absent for a creation). */
  before?: KubeObject;
  /** The object as it was when deleted. */
  deleted?: KubeObject;
  /**
   * The object as the last queued upsert committed it, when carried. A failed ingest commit
   * ends the agent's stream and the agent replays exactly those messages, so a carried
   * object is never a state the store does not reach.
   */
  object?: KubeObject;
  /** When the first of the coalesced changes was queued (performance.now()): the latency's start. */
  since: number;
}

export class ChangeQueue {
  private readonly byCluster = new Map<string, Map<string, QueuedChange>>();
  private count = 0;
  private carried = 0;

  add(clusterId: string, change: StateChange): void {
    let q = this.byCluster.get(clusterId);
    if (!q) this.byCluster.set(clusterId, (q = new Map()));
    const uid = identityOf(change.object);
    const prev = q.get(uid);
    if (!prev) this.count += 1;
    else if (prev.object) this.carried -= 1;
    const before = prev ? prev.before : change.type === 'upsert' ? change.previous : change.object;
    const carry = change.type === 'upsert' && this.carried < MAX_CARRIED;
    if (carry) this.carried += 1;
    q.set(uid, {
      uid,
      type: change.type,
      since: prev ? prev.since : performance.now(),
      ...(before ? { before } : {}),
      ...(change.type === 'delete' ? { deleted: change.object } : {}),
      ...(carry ? { object: change.object } : {}),
    });
  }

  /** Up to `max` changes of one cluster, oldest first. */
  take(max: number): { clusterId: string; items: QueuedChange[] } | undefined {
    for (const [clusterId, q] of this.byCluster) {
      const items: QueuedChange[] = [];
      for (const [uid, c] of q) {
        items.push(c);
        q.delete(uid);
        if (c.object) this.carried -= 1;
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
