// Keeps findings in step with the cluster state. Committed changes are queued (coalesced
// per object) and evaluated by the incremental engine in short batches off the ingest
// path, so a slow evaluation never holds back acknowledgements; each subject's new
// outcomes open, update, except or resolve its findings, record why in the history, and
// move the posture tallies. A crash loses only queued work, which the start-up
// reconciliation (a full, chunked re-evaluation) redoes.
import { composeExemptions, defaultExemptionFor, IncrementalEngine, type Change, type Control, type EngineConfig, type Outcome, type SubjectResult } from '@stance/shared/engine/index';
import type { Logger } from '@stance/shared/log/index';
import { identityOf, type KubeObject } from '@stance/shared/model/index';
import type { Db } from '../store/database.js';
import type { ResourceStore } from '../store/resources.js';
import type { StateChange } from '../ingest/pipeline.js';
import { ChangeQueue, type QueuedChange } from './change-queue.js';
import { DeferredDependents, type Touched } from './deferred-dependents.js';
import { ListCache } from './list-cache.js';
import { fieldChanges } from './drift.js';
import type { FindingRow, FindingsStore, OutcomeCodes } from './findings-store.js';
import { PostureTallies } from './posture.js';
import type { ExceptionRow, ExceptionStore } from './exceptions.js';
import { globMatch } from './exceptions.js';

interface PendingBatch {
  changes: Change[];
  /** Per uid: the object before and after this batch, for drift. */
  touched: Touched;
}

const RELATED_CAUSES = 5;
/** How long re-evaluations of dependents wait behind queued changes (at most, per chunk). */
const DEFER_MS = 2000;

function codeOf(o: Outcome): string | undefined {
  switch (o.status) {
    case 'pass':
      return 'pass';
    case 'fail':
      return `fail:${o.severity}`;
    case 'exempt':
      return 'exempt';
    case 'no-data':
      return 'no-data';
    default:
      return undefined;
  }
}

export class FindingsService {
  private readonly engines = new Map<string, IncrementalEngine>();
  private readonly queue = new ChangeQueue();
  private scheduled = false;
  private reconciling = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private holdTimer: NodeJS.Timeout | undefined;
  /** Subjects reached through their reads: re-evaluated when the queue is empty or after DEFER_MS. */
  private readonly deferred = new DeferredDependents();
  private readonly lists: ListCache;
  private readonly activeSnapshot;
  readonly tallies: PostureTallies;
  readonly stats = { evaluatedSubjects: 0, opened: 0, resolved: 0 };

  constructor(
    private readonly db: Db,
    private readonly resources: ResourceStore,
    readonly store: FindingsStore,
    readonly controls: readonly Control[],
    private readonly config: EngineConfig,
    readonly exceptions: ExceptionStore,
    private readonly log: Logger,
  ) {
    this.activeSnapshot = db.prepare<[string, number], { n: number }>('SELECT 1 AS n FROM snapshots WHERE cluster_id = ? AND started_at > ? LIMIT 1');
    this.lists = new ListCache(resources);
    this.tallies = new PostureTallies(controls);
    for (const s of store.allSubjectOutcomes()) this.tallies.apply(s.clusterId, s.namespace, s.codes, 1);
  }

  /** Pipeline hook: one committed state change. */
  onChange(clusterId: string, change: StateChange): void {
    this.lists.invalidate(clusterId, change.object.kind);
    this.queue.add(clusterId, change);
    this.schedule();
  }

  /** Changes (and subjects they reach) waiting for evaluation: the findings' lag behind the state. */
  get backlog(): number {
    return this.queue.size + this.deferred.size;
  }

  /** Resolves when every queued change is evaluated and the reconciliation is done. */
  idle(): Promise<void> {
    if (this.backlog === 0 && !this.scheduled && !this.reconciling) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops evaluating; what is still queued is redone by the next start's reconciliation. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.holdTimer);
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  /** Evaluates queued changes for up to ~50 ms, then yields to the event loop. */
  private drain(): void {
    this.scheduled = false;
    const start = performance.now();
    const held = (clusterId: string) => this.snapshotting(clusterId, Date.now());
    let blocked = false;
    while (!this.stopped && performance.now() - start < 50) {
      // Deferred re-evaluations first when they have waited long enough, else when idle.
      if (this.reevaluateDeferred(held, Date.now() - DEFER_MS)) continue;
      const next = this.queue.take(500, held);
      if (!next) {
        if (this.reevaluateDeferred(held, Infinity)) continue;
        blocked = this.backlog > 0;
        break;
      }
      try {
        this.db.transaction(() => this.evaluateQueued(next.clusterId, next.items, Date.now()))();
      } catch (err) {
        this.log.error({ err, clusterId: next.clusterId, changes: next.items.length }, 'evaluation failed');
      }
    }
    if (blocked) {
      // Only clusters in the middle of a snapshot are left: look again shortly.
      if (!this.holdTimer) this.holdTimer = setTimeout(() => ((this.holdTimer = undefined), this.schedule()), 100);
    } else if (this.backlog > 0) this.schedule();
    else this.notifyIdle();
  }

  /** Re-evaluates up to 500 deferred subjects of a cluster not held and deferred before `due`. */
  private reevaluateDeferred(held: (clusterId: string) => boolean, due: number): boolean {
    const next = this.deferred.take(500, due, Date.now(), held);
    if (!next) return false;
    const { clusterId, entries } = next;
    try {
      this.db.transaction(() => {
        const now = Date.now();
        const touchedOf = new Map(entries.map((e) => [e.dependent.location.subjectKey, e.touched]));
        for (const r of this.engine(clusterId).reevaluate(entries.map((e) => e.dependent))) {
          // A replacement under the same name comes back under its own key, with no cause of its own.
          this.record(clusterId, r, { changes: [], touched: touchedOf.get(r.subjectKey) ?? new Map() }, now);
        }
      })();
    } catch (err) {
      this.log.error({ err, clusterId, subjects: entries.length }, 're-evaluation failed');
    }
    return true;
  }

  /**
   * While an agent lists a kind, the state is partial: relation checks would open findings
   * that the rest of the listing resolves a moment later (an unbound role before its
   * bindings arrive). Evaluation waits for the snapshot to end; a stale one (an agent gone
   * mid-listing) stops holding after two minutes.
   */
  private snapshotting(clusterId: string, now: number): boolean {
    return this.activeSnapshot.get(clusterId, now - 120_000) !== undefined;
  }

  private notifyIdle(): void {
    if (this.backlog === 0 && !this.scheduled && !this.reconciling) for (const w of this.idleWaiters.splice(0)) w();
  }

  private evaluateQueued(clusterId: string, items: QueuedChange[], now: number): void {
    const batch: PendingBatch = { changes: [], touched: new Map() };
    for (const item of items) {
      if (item.type === 'delete') {
        batch.changes.push({ type: 'delete', object: item.deleted! });
        batch.touched.set(item.uid, item.before ? { before: item.before } : {});
        continue;
      }
      const current = this.resources.getByUid(clusterId, item.uid)?.object;
      if (!current) continue; // deleted since; its delete is queued or applied
      batch.changes.push({ type: 'upsert', object: current });
      batch.touched.set(item.uid, { ...(item.before ? { before: item.before } : {}), after: current });
    }
    const { results, dependents } = this.engine(clusterId).applyDeferring(batch.changes);
    for (const r of results) {
      this.deferred.forget(clusterId, r.subjectKey); // evaluated in full now
      this.record(clusterId, r, batch, now);
    }
    this.deferred.add(clusterId, dependents, batch.touched, Date.now());
  }

  /**
   * Re-evaluates everything stored (start-up): rebuilds the engine's reverse index and
   * brings findings in line with the current controls. Chunked and yielding, so ingest
   * and queued changes proceed meanwhile; each chunk reads its objects fresh.
   */
  async reconcile(): Promise<void> {
    this.reconciling = true;
    const start = performance.now();
    const kinds = [...new Set(this.controls.flatMap((c) => c.kinds))];
    const clusters = this.db.prepare<[], { id: string }>('SELECT id FROM clusters').all();
    const uidsOf = this.db.prepare<[string, string], { uid: string }>('SELECT uid FROM resources WHERE cluster_id = ? AND kind = ?');
    const empty: PendingBatch = { changes: [], touched: new Map() };
    let subjects = 0;
    try {
      for (const { id } of clusters) {
        const engine = this.engine(id);
        const seen = new Set<string>();
        for (const kind of kinds) {
          const uids = uidsOf.all(id, kind).map((r) => r.uid);
          for (let i = 0; i < uids.length && !this.stopped; i += 500) {
            this.db.transaction(() => {
              const objects = uids.slice(i, i + 500).flatMap((uid) => this.resources.getByUid(id, uid)?.object ?? []);
              for (const r of engine.evaluateBatch(objects)) {
                seen.add(r.subjectKey);
                this.record(id, r, empty, Date.now());
              }
            })();
            subjects += Math.min(500, uids.length - i);
            await new Promise((r) => setImmediate(r));
          }
        }
        if (this.stopped) return;
        // Subjects with stored outcomes whose object is gone (or no longer checked): resolve them.
        this.db.transaction(() => {
          const stale = this.db
            .prepare<[string], { subject_key: string; kind: string; namespace: string }>('SELECT subject_key, kind, namespace FROM subject_outcomes WHERE cluster_id = ?')
            .all(id)
            .filter((r) => !seen.has(r.subject_key) && !this.resources.getByUid(id, r.subject_key));
          for (const st of stale) {
            const subject = { apiVersion: '', kind: st.kind, name: '', ...(st.namespace ? { namespace: st.namespace } : {}) };
            this.record(id, { subjectKey: st.subject_key, subject, kind: st.kind, outcomes: [] }, empty, Date.now());
          }
        })();
      }
      this.log.info({ clusters: clusters.length, subjects, ms: Math.round(performance.now() - start) }, 'findings reconciled with stored state');
    } catch (err) {
      if (!this.stopped) this.log.error({ err }, 'reconciliation failed; findings may lag until the next start');
    } finally {
      this.reconciling = false;
      this.notifyIdle();
    }
  }

  /** Re-evaluates every subject an exception can cover (after it was added, removed or expired). */
  reevaluateFor(exception: ExceptionRow, now = Date.now()): number {
    const clusters = exception.cluster ? [exception.cluster] : this.db.prepare<[], { id: string }>('SELECT id FROM clusters').all().map((r) => r.id);
    let n = 0;
    for (const clusterId of clusters) {
      const objects: KubeObject[] = [];
      let cursor: string | undefined;
      do {
        const page = this.resources.query({ cluster: clusterId, ...(exception.kind ? { kind: exception.kind } : {}), ...(exception.namespace !== undefined ? { namespace: exception.namespace } : {}), limit: 1000, ...(cursor ? { cursor } : {}) });
        for (const r of page.items) if (exception.name === undefined || globMatch(exception.name, r.name)) objects.push(r.object);
        cursor = page.nextCursor;
      } while (cursor);
      const batch: PendingBatch = { changes: [], touched: new Map() };
      this.db.transaction(() => {
        for (const r of this.engine(clusterId).applyBatch(objects.map((object) => ({ type: 'upsert' as const, object })))) this.record(clusterId, r, batch, now);
      })();
      n += objects.length;
    }
    return n;
  }

  engineStats(clusterId: string): { subjects: number; readKeys: number } | undefined {
    return this.engines.get(clusterId)?.stats;
  }

  private engine(clusterId: string): IncrementalEngine {
    let e = this.engines.get(clusterId);
    if (!e) {
      const resources = this.resources;
      const exceptions = this.exceptions;
      const lists = this.lists;
      e = new IncrementalEngine({
        controls: this.controls,
        config: this.config,
        // A user's exception first (its reason names it), then the built-in exemptions.
        exemptionFor: composeExemptions((controlId, subject) => exceptions.reasonFor(clusterId, controlId, subject), defaultExemptionFor(this.config)),
        // A NetworkPolicy or binding change re-runs only the relation control concerned on
        // the subjects it reaches (merged by `record`), not all of their controls.
        partialResults: true,
        source: {
          get: (kind, namespace, name) => resources.get(clusterId, kind, namespace, name),
          list: (kind, namespace) => (namespace === undefined ? lists.list(clusterId, kind) : resources.list(clusterId, kind, namespace)),
          lookup: (kind, index, key) => lists.lookup(clusterId, kind, index, key),
        },
      });
      this.engines.set(clusterId, e);
    }
    return e;
  }

  private record(clusterId: string, r: SubjectResult, batch: PendingBatch, now: number): void {
    this.stats.evaluatedSubjects += 1;
    const prev = this.store.subjectOutcomes(clusterId, r.subjectKey);
    // A partial result (a relation re-evaluated for a change elsewhere) covers only the
    // controls in `controlIds`: the subject's other codes stay as stored.
    const rerun = r.controlIds ? new Set(r.controlIds) : undefined;
    const codes: OutcomeCodes = {};
    if (rerun && prev) for (const [controlId, code] of Object.entries(prev)) if (!rerun.has(controlId)) codes[controlId] = code;
    for (const o of r.outcomes) {
      const c = codeOf(o);
      if (c) codes[o.controlId] = c;
    }
    const namespace = r.subject.namespace ?? this.store.subjectInfo(clusterId, r.subjectKey)?.namespace ?? '';
    const own = batch.touched.get(r.subjectKey);
    const related = own
      ? undefined
      : [...batch.touched.values()].slice(0, RELATED_CAUSES).map((t) => {
          const o = (t.after ?? t.before)!;
          return { kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name, resourceVersion: o.metadata.resourceVersion, deleted: !t.after };
        });
    const cause = (paths: readonly string[]) =>
      own ? { object: 'self', deleted: !own.after, changes: fieldChanges(paths, own.before, own.after) } : related && related.length > 0 ? { related } : { reason: 'reconciliation' };
    const rv = own?.after?.metadata.resourceVersion ?? null;

    for (const o of r.outcomes) {
      if (o.status === 'fail') this.open(clusterId, r, o, rv, cause, now);
      else if (o.status === 'exempt') this.except(clusterId, r, o, rv, now);
    }
    for (const [controlId, code] of Object.entries(prev ?? {})) {
      if (rerun && !rerun.has(controlId)) continue;
      if (codes[controlId]?.startsWith('fail:') || codes[controlId] === 'exempt') continue;
      if (!code.startsWith('fail:') && code !== 'exempt') continue;
      const f = this.store.finding(clusterId, controlId, r.subjectKey);
      if (f && f.status !== 'resolved') this.resolve(f, rv, cause(f.evidence), now);
    }

    if (r.outcomes.length === 0 && !rerun) {
      if (prev) this.tallies.apply(clusterId, namespace, prev, -1);
      this.store.deleteSubjectOutcomes(clusterId, r.subjectKey);
      return;
    }
    this.tallies.applyChange(clusterId, namespace, prev, codes);
    if (!prev || JSON.stringify(prev) !== JSON.stringify(codes)) this.store.putSubjectOutcomes(clusterId, r.subjectKey, r.kind, namespace, codes);
  }

  /** A finding row for this outcome, carrying over what an existing row knows. */
  private row(clusterId: string, r: SubjectResult, o: Outcome, existing: FindingRow | undefined, rv: string | null, now: number): FindingRow {
    return {
      clusterId,
      controlId: o.controlId,
      subjectKey: r.subjectKey,
      apiVersion: r.subject.apiVersion,
      kind: r.subject.kind,
      namespace: r.subject.namespace ?? '',
      name: r.subject.name,
      status: 'open',
      severity: o.severity,
      message: o.message ?? '',
      evidence: o.evidence ?? [],
      patch: o.patch ?? null,
      reason: null,
      firstSeen: existing?.firstSeen ?? now,
      lastSeen: now,
      openedAt: existing && existing.status === 'open' ? existing.openedAt : now,
      resolvedAt: null,
      resourceVersion: rv ?? existing?.resourceVersion ?? null,
    };
  }

  private open(clusterId: string, r: SubjectResult, o: Outcome, rv: string | null, cause: (paths: readonly string[]) => unknown, now: number): void {
    const existing = this.store.finding(clusterId, o.controlId, r.subjectKey);
    const row = this.row(clusterId, r, o, existing, rv, now);
    if (existing?.status === 'open') {
      const same = existing.message === row.message && existing.severity === row.severity && JSON.stringify(existing.evidence) === JSON.stringify(row.evidence);
      if (!same) this.store.save(row);
      return;
    }
    this.store.save(row);
    this.store.addEvent(row, { event: existing ? 'reopened' : 'opened', at: now, resourceVersion: rv, cause: cause(row.evidence) });
    this.stats.opened += 1;
  }

  /** An exempt outcome carries the exemption's reason as its message. */
  private except(clusterId: string, r: SubjectResult, o: Outcome, rv: string | null, now: number): void {
    const existing = this.store.finding(clusterId, o.controlId, r.subjectKey);
    const reason = o.message ?? 'exempt';
    if (existing?.status === 'excepted' && existing.reason === reason) return;
    const row: FindingRow = { ...this.row(clusterId, r, o, existing, rv, now), status: 'excepted', message: existing?.message ?? '', reason, openedAt: existing?.openedAt ?? now };
    this.store.save(row);
    this.store.addEvent(row, { event: 'excepted', at: now, resourceVersion: rv, cause: { reason } });
  }

  private resolve(f: FindingRow, rv: string | null, cause: unknown, now: number): void {
    const row: FindingRow = { ...f, status: 'resolved', resolvedAt: now, lastSeen: now, resourceVersion: rv ?? f.resourceVersion };
    this.store.save(row);
    this.store.addEvent(row, { event: 'resolved', at: now, resourceVersion: rv, cause });
    this.stats.resolved += 1;
  }
}
