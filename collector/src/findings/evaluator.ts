// Evaluation: hands changes, deferred dependents or plain object lists to the cluster's
// engine and records each subject's result, one unit of work (transaction + feed publish)
// per call.
import type { Change, Dependent } from '@stance/shared/engine/index';
import type { KubeObject } from '@stance/shared/model/index';
import type { Db } from '../store/database.js';
import type { ResourceStore } from '../store/resources.js';
import type { QueuedChange } from './change-queue.js';
import type { DeferredEntry } from './deferred-dependents.js';
import type { EngineRegistry } from './engines.js';
import type { ChangeFeed } from './feed/change-feed.js';
import { NO_CHANGES, type OutcomeRecorder, type Touched } from './outcome-recorder.js';

export interface ChangesEvaluated {
  /** Subjects evaluated in full. */
  evaluated: string[];
  /** Subjects the changes reach through their reads, to re-evaluate later. */
  dependents: Dependent[];
  touched: Touched;
}

export class Evaluator {
  constructor(
    private readonly db: Db,
    private readonly resources: ResourceStore,
    private readonly engines: EngineRegistry,
    private readonly recorder: OutcomeRecorder,
    private readonly feed: ChangeFeed,
  ) {}

  /** Queued changes of one cluster, each read fresh from the store. */
  changes(clusterId: string, items: readonly QueuedChange[], now = Date.now()): ChangesEvaluated {
    return this.feed.unitOfWork(this.db, () => {
      const changes: Change[] = [];
      const touched: Touched = new Map();
      for (const item of items) {
        if (item.type === 'delete') {
          changes.push({ type: 'delete', object: item.deleted! });
          touched.set(item.uid, { ...(item.before ? { before: item.before } : {}), since: item.since });
          continue;
        }
        const current = this.resources.getByUid(clusterId, item.uid)?.object;
        if (!current) continue; // deleted since; its delete is queued or applied
        changes.push({ type: 'upsert', object: current });
        touched.set(item.uid, { ...(item.before ? { before: item.before } : {}), after: current, since: item.since });
      }
      const { results, dependents } = this.engines.for(clusterId).applyDeferring(changes);
      const batch = { touched };
      for (const r of results) this.recorder.record(clusterId, r, batch, now);
      return { evaluated: results.map((r) => r.subjectKey), dependents, touched };
    });
  }

  /** Deferred dependents: only the controls their masks name. */
  dependents(clusterId: string, entries: readonly DeferredEntry[], now = Date.now()): void {
    this.feed.unitOfWork(this.db, () => {
      const touchedOf = new Map(entries.map((e) => [e.dependent.location.subjectKey, e.touched]));
      for (const r of this.engines.for(clusterId).reevaluate(entries.map((e) => e.dependent))) {
        // A replacement under the same name comes back under its own key, with no cause of its own.
        this.recorder.record(clusterId, r, { touched: touchedOf.get(r.subjectKey) ?? new Map() }, now);
      }
    });
  }

  /** Objects whose outcomes may differ for a reason outside them (an exception added or gone). */
  objects(clusterId: string, objects: readonly KubeObject[], now = Date.now()): void {
    this.feed.unitOfWork(this.db, () => {
      for (const r of this.engines.for(clusterId).applyBatch(objects.map((object) => ({ type: 'upsert' as const, object })))) this.recorder.record(clusterId, r, NO_CHANGES, now);
    });
  }

  /** Stored objects evaluated in full (reconciliation); returns the subjects seen. */
  stored(clusterId: string, uids: readonly string[]): string[] {
    return this.feed.unitOfWork(this.db, () => {
      const objects = uids.flatMap((uid) => this.resources.getByUid(clusterId, uid)?.object ?? []);
      const seen: string[] = [];
      for (const r of this.engines.for(clusterId).evaluateBatch(objects)) {
        seen.push(r.subjectKey);
        this.recorder.record(clusterId, r, NO_CHANGES, Date.now());
      }
      return seen;
    });
  }

  /** Subjects with stored outcomes whose object is gone: their findings resolve, their outcomes go. */
  vanished(clusterId: string, seen: ReadonlySet<string>): void {
    this.feed.unitOfWork(this.db, () => {
      const stale = this.db
        .prepare<[string], { subject_key: string; kind: string; namespace: string }>('SELECT subject_key, kind, namespace FROM subject_outcomes WHERE cluster_id = ?')
        .all(clusterId)
        .filter((r) => !seen.has(r.subject_key) && !this.resources.getByUid(clusterId, r.subject_key));
      for (const st of stale) {
        const subject = { apiVersion: '', kind: st.kind, name: '', ...(st.namespace ? { namespace: st.namespace } : {}) };
        this.recorder.record(clusterId, { subjectKey: st.subject_key, subject, kind: st.kind, outcomes: [] }, NO_CHANGES, Date.now());
      }
    });
  }
}
