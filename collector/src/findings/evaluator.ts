// Evaluation: hands changes, deferred dependents or plain object lists to the cluster's
// engine and records each subject's result, one unit of work (transaction + feed publish)
// per call, or per `unit` around several calls.
import type { Change, Dependent, SubjectResult } from '@stance/shared/engine/index';
import type { KubeObject } from '@stance/shared/model/index';
import type { Db } from '../store/database.js';
import type { ResourceStore } from '../store/resources.js';
import type { QueuedChange } from './change-queue.js';
import type { DeferredEntry } from './deferred-dependents.js';
import type { EngineRegistry } from './engines.js';
import type { ChangeFeed } from './feed/change-feed.js';
import type { FindingRisk } from './finding-risk.js';
import type { ListCache } from './list-cache.js';
import { NO_CHANGES, type OutcomeRecorder, type Touched } from './outcome-recorder.js';

export interface ChangesEvaluated {
  /** Subjects evaluated (in full, but for their held checks). */
  evaluated: string[];
  /** Subjects the changes reach through their reads, to re-evaluate later. */
  dependents: Dependent[];
  /** Evaluated subjects whose checks reading a held kind wait (their mask), to re-evaluate later. */
  held: Dependent[];
  touched: Touched;
}

/** State held in memory and written with a unit of work: `undo` takes it back to a `mark`. */
export interface UnitMemory {
  mark(): number;
  undo(mark: number): void;
  settle(): void;
}

export class Evaluator {
  private inUnit = false;

  constructor(
    private readonly db: Db,
    private readonly resources: ResourceStore,
    private readonly engines: EngineRegistry,
    private readonly recorder: OutcomeRecorder,
    private readonly feed: ChangeFeed,
    /** What is kept in memory beside the database (codes, tallies): undone with a unit that rolls back. */
    private readonly memory: readonly UnitMemory[],
    private readonly lists: ListCache,
    private readonly risk?: FindingRisk,
  ) {}

  /**
   * One unit of work: a transaction whose transitions are published once it commits; what
   * a failed one recorded in memory is undone too. Called inside a unit, it joins that one
   * (no savepoint: copying each page it changes cost more than the transaction saved).
   */
  unit<T>(fn: () => T): T {
    if (this.inUnit) return fn();
    const marks = this.memory.map((m) => m.mark());
    this.inUnit = true;
    try {
      const out = this.feed.unitOfWork(this.db, fn);
      this.risk?.settle(true);
      return out;
    } catch (err) {
      this.memory.forEach((m, i) => m.undo(marks[i]!));
      this.risk?.settle(false);
      throw err;
    } finally {
      this.inUnit = false;
      for (const m of this.memory) m.settle();
    }
  }

  /**
   * Queued changes of one cluster, each as carried or read fresh from the store. Relation
   * checks reading a kind `held` returns true for (being listed) do not run now.
   */
  changes(clusterId: string, items: readonly QueuedChange[], held?: (kind: string) => boolean, now = Date.now()): ChangesEvaluated {
    return this.unit(() => {
      const changes: Change[] = [];
      const touched: Touched = new Map();
      for (const item of items) {
        if (item.type === 'delete') {
          changes.push({ type: 'delete', object: item.deleted! });
          touched.set(item.uid, { ...(item.before ? { before: item.before } : {}), since: item.since });
          continue;
        }
        const current = item.object ?? this.resources.getByUid(clusterId, item.uid)?.object;
        if (!current) continue; // deleted since; its delete is queued or applied
        changes.push({ type: 'upsert', object: current });
        touched.set(item.uid, { ...(item.before ? { before: item.before } : {}), after: current, since: item.since });
      }
      let dependents: Dependent[] = [];
      const batch = { touched };
      const evaluated = new Set<string>();
      this.evaluate(clusterId, () => {
        const out = this.engines.for(clusterId).applyDeferring(changes, held ? { held } : {});
        dependents = out.dependents;
        return out.results;
      }, (r) => {
        this.recorder.record(clusterId, r, batch, now);
        evaluated.add(r.subjectKey);
      });
      // The engine leaves evaluated subjects out of the dependents, but for their held checks.
      const reached = dependents.filter((d) => !evaluated.has(d.location.subjectKey));
      const waiting = reached.length === dependents.length ? [] : dependents.filter((d) => evaluated.has(d.location.subjectKey));
      return { evaluated: [...evaluated], dependents: reached, held: waiting, touched };
    });
  }

  /** Deferred dependents: only the controls their masks name. */
  dependents(clusterId: string, entries: readonly DeferredEntry[], now = Date.now()): void {
    this.unit(() => {
      const entryOf = new Map(entries.map((e) => [e.dependent.location.subjectKey, e]));
      this.evaluate(clusterId, () => this.engines.for(clusterId).reevaluate(entries.map((e) => e.dependent), { withObjects: true }), (r) => {
        // A replacement under the same name comes back under its own key, with no cause of its own.
        const e = entryOf.get(r.subjectKey);
        const touched: Touched = e?.own ? new Map([[r.subjectKey, { ...e.own, ...(r.object ? { after: r.object } : {}) }]]) : (e?.touched ?? new Map());
        this.recorder.record(clusterId, r, { touched }, now);
      });
    });
  }

  /** Objects whose outcomes may differ for a reason outside them (an exception added or gone). */
  objects(clusterId: string, objects: readonly KubeObject[], now = Date.now()): void {
    this.unit(() => {
      const changes = objects.map((object) => ({ type: 'upsert' as const, object }));
      this.evaluate(clusterId, () => this.engines.for(clusterId).applyBatch(changes), (r) => this.recorder.record(clusterId, r, NO_CHANGES, now));
    });
  }

  /** Stored objects evaluated in full (reconciliation); returns the subjects seen. */
  stored(clusterId: string, uids: readonly string[]): string[] {
    return this.unit(() => {
      const objects = uids.flatMap((uid) => this.resources.getByUid(clusterId, uid)?.object ?? []);
      const seen: string[] = [];
      this.evaluate(clusterId, () => this.engines.for(clusterId).evaluateBatch(objects), (r) => {
        seen.push(r.subjectKey);
        this.recorder.record(clusterId, r, NO_CHANGES, Date.now());
      });
      return seen;
    });
  }

  /**
   * One engine call and its results: the risk contexts it computed recorded first (so each
   * finding is scored as its row is written), then each result, then the stored findings
   * of linked objects whose risk moved re-scored.
   */
  private evaluate(clusterId: string, call: () => SubjectResult[], each: (r: SubjectResult) => void): void {
    let results: SubjectResult[];
    try {
      results = call();
      this.risk?.record(clusterId, results);
    } finally {
      this.lists.endBatch(clusterId);
    }
    const written = new Set<string>();
    for (const r of results) {
      if (!r.controlIds) written.add(r.subjectKey);
      each(r);
    }
    this.risk?.rescore(clusterId, written);
  }

  /** Subjects with stored outcomes whose object is gone: their findings resolve, their outcomes go. */
  vanished(clusterId: string, seen: ReadonlySet<string>): void {
    this.unit(() => {
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
