// The risk state of one cluster: its RiskTracker over the stored objects (RiskSource),
// and the changes waiting for it. Loaded from the stored workloads at start-up; a cluster
// first seen afterwards starts empty and is filled by its changes.
import type { Change } from '@stance/shared/engine/index';
import type { KubeObject } from '@stance/shared/model/index';
import { RiskTracker, type ObjectRef } from '@stance/shared/risk/index';
import type { StateChange } from '../ingest/pipeline.js';
import type { ResourceStore } from '../store/resources.js';
import { concernsRisk, RiskQueue } from './risk-queue.js';
import { RiskSource } from './risk-source.js';

export class RiskCluster {
  readonly source: RiskSource;
  readonly tracker: RiskTracker;
  readonly queue = new RiskQueue();

  constructor(
    readonly id: string,
    private readonly resources: ResourceStore,
    /** False until the stored workloads are evaluated: queued changes wait for that. */
    public loaded: boolean,
  ) {
    this.source = new RiskSource(resources, id);
    this.tracker = new RiskTracker({ source: this.source });
  }

  /** A committed change: lookups follow it at once, the tracker when it is applied. */
  note(change: StateChange): boolean {
    this.source.note(change);
    if (!concernsRisk(change)) return false;
    this.queue.add(change);
    return true;
  }

  /**
   * Applies up to `max` queued changes; returns the objects whose risk may have moved. When
   * the batch fails, each change is applied alone, so one bad object costs only itself
   * (`onFailure` hears of it).
   */
  applyQueued(max: number, onFailure: (err: unknown, object: KubeObject) => void): ObjectRef[] {
    const changes: Change[] = [];
    for (const item of this.queue.take(max)) {
      if (item.deleted) {
        changes.push({ type: 'delete', object: item.deleted });
        continue;
      }
      const current = this.resources.getByUid(this.id, item.uid)?.object;
      if (current) changes.push({ type: 'upsert', object: current }); // else deleted since: its delete is queued
    }
    try {
      return this.tracker.applyBatch(changes);
    } catch {
      const refs: ObjectRef[] = [];
      for (const change of changes) {
        try {
          refs.push(...this.tracker.apply(change));
        } catch (err) {
          onFailure(err, change.object);
        }
      }
      return refs;
    } finally {
      this.source.endBatch();
    }
  }

  /** Evaluates stored workloads (the start-up load). */
  evaluateStored(uids: readonly string[]): void {
    const objects: KubeObject[] = [];
    for (const uid of uids) {
      const o = this.resources.getByUid(this.id, uid)?.object;
      if (o) objects.push(o);
    }
    try {
      this.tracker.evaluateBatch(objects);
    } finally {
      this.source.endBatch();
    }
  }
}
