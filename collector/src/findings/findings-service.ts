// Keeps findings in step with the cluster state: every ingest batch's changes go through
// the incremental engine (inside the batch's transaction, so findings commit with the
// objects), and each subject's new outcomes open, update, except or resolve its findings,
// record why in the history, and move the posture tallies.
import { composeExemptions, defaultExemptionFor, IncrementalEngine, type Change, type Control, type EngineConfig, type Outcome, type SubjectResult } from '@stance/shared/engine/index';
import type { Logger } from '@stance/shared/log/index';
import { identityOf, type KubeObject } from '@stance/shared/model/index';
import type { Db } from '../store/database.js';
import type { ResourceStore } from '../store/resources.js';
import type { StateChange } from '../ingest/pipeline.js';
import { fieldChanges } from './drift.js';
import type { FindingRow, FindingsStore, OutcomeCodes } from './findings-store.js';
import { PostureTallies } from './posture.js';
import type { ExceptionRow, ExceptionStore } from './exceptions.js';
import { globMatch } from './exceptions.js';

interface PendingBatch {
  changes: Change[];
  /** Per uid: the object before and after this batch, for drift. */
  touched: Map<string, { before?: KubeObject; after?: KubeObject }>;
}

const RELATED_CAUSES = 5;

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
  private readonly pending = new Map<string, PendingBatch>();
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
    this.tallies = new PostureTallies(controls);
    for (const s of store.allSubjectOutcomes()) this.tallies.apply(s.clusterId, s.namespace, s.codes, 1);
  }

  /** Pipeline hook: one state change, applied to SQLite already. */
  onChange(clusterId: string, change: StateChange): void {
    let batch = this.pending.get(clusterId);
    if (!batch) this.pending.set(clusterId, (batch = { changes: [], touched: new Map() }));
    batch.changes.push({ type: change.type, object: change.object });
    const uid = identityOf(change.object);
    const t = batch.touched.get(uid) ?? (change.type === 'upsert' && change.previous ? { before: change.previous } : change.type === 'delete' ? { before: change.object } : {});
    t.after = change.type === 'upsert' ? change.object : undefined;
    batch.touched.set(uid, t);
  }

  /** Pipeline hook: end of a batch, still inside its transaction. */
  onBatchEnd(now: number): void {
    for (const [clusterId, batch] of this.pending) {
      const results = this.engine(clusterId).applyBatch(batch.changes);
      for (const r of results) this.record(clusterId, r, batch, now);
    }
    this.pending.clear();
  }

  /**
   * Re-evaluates everything stored (start-up): rebuilds the engine's reverse index and
   * brings findings in line with the current controls, in chunks to bound memory.
   */
  reconcile(now = Date.now()): void {
    const start = performance.now();
    const kinds = [...new Set(this.controls.flatMap((c) => c.kinds))];
    const clusters = this.db.prepare<[], { id: string }>('SELECT id FROM clusters').all();
    const empty: PendingBatch = { changes: [], touched: new Map() };
    let subjects = 0;
    for (const { id } of clusters) {
      const engine = this.engine(id);
      this.db.transaction(() => {
        const seen = new Set<string>();
        for (const kind of kinds) {
          const objects = this.resources.list(id, kind);
          for (let i = 0; i < objects.length; i += 1000) {
            for (const r of engine.evaluateBatch(objects.slice(i, i + 1000))) {
              seen.add(r.subjectKey);
              this.record(id, r, empty, now);
            }
          }
          subjects += objects.length;
        }
        // Subjects with outcomes whose object is gone: resolve them.
        const stale = this.db
          .prepare<[string], { subject_key: string; kind: string; namespace: string }>('SELECT subject_key, kind, namespace FROM subject_outcomes WHERE cluster_id = ?')
          .all(id)
          .filter((r) => !seen.has(r.subject_key));
        for (const s of stale) {
          this.record(id, { subjectKey: s.subject_key, subject: { apiVersion: '', kind: s.kind, name: '', ...(s.namespace ? { namespace: s.namespace } : {}) }, kind: s.kind, outcomes: [] }, empty, now);
        }
      })();
    }
    this.log.info({ clusters: clusters.length, subjects, ms: Math.round(performance.now() - start) }, 'findings reconciled with stored state');
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
      e = new IncrementalEngine({
        controls: this.controls,
        config: this.config,
        // A user's exception first (its reason names it), then the built-in exemptions.
        exemptionFor: composeExemptions((controlId, subject) => exceptions.reasonFor(clusterId, controlId, subject), defaultExemptionFor(this.config)),
        source: {
          get: (kind, namespace, name) => resources.get(clusterId, kind, namespace, name),
          list: (kind, namespace) => resources.list(clusterId, kind, namespace),
        },
      });
      this.engines.set(clusterId, e);
    }
    return e;
  }

  private record(clusterId: string, r: SubjectResult, batch: PendingBatch, now: number): void {
    this.stats.evaluatedSubjects += 1;
    const prev = this.store.subjectOutcomes(clusterId, r.subjectKey);
    const codes: OutcomeCodes = {};
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
      if (codes[controlId]?.startsWith('fail:') || codes[controlId] === 'exempt') continue;
      if (!code.startsWith('fail:') && code !== 'exempt') continue;
      const f = this.store.finding(clusterId, controlId, r.subjectKey);
      if (f && f.status !== 'resolved') this.resolve(f, rv, cause(f.evidence), now);
    }

    if (prev) this.tallies.apply(clusterId, namespace, prev, -1);
    if (r.outcomes.length === 0) {
      this.store.deleteSubjectOutcomes(clusterId, r.subjectKey);
      return;
    }
    this.tallies.apply(clusterId, namespace, codes, 1);
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
