// Records one subject's evaluated outcomes: merges a partial result with the stored codes,
// drives the finding state machine (open, except, resolve) with the cause of the change,
// and moves the posture tallies and the stored per-subject outcomes.
import type { Outcome, SubjectResult } from '@stance/shared/engine/index';
import type { KubeObject } from '@stance/shared/model/index';
import { fieldChanges } from './drift.js';
import type { FindingRisk } from './finding-risk.js';
import type { FindingStateMachine, TransitionContext } from './finding-state.js';
import type { FindingsStore, OutcomeCodes } from './findings-store.js';
import type { PostureTallies } from './posture.js';
import type { SubjectCodes } from './subject-codes.js';

/** Per uid: the object before and after the changes evaluated, and when the first was queued (performance.now()). */
export type Touched = Map<string, { before?: KubeObject; after?: KubeObject; since?: number }>;

/** What an evaluation was for: the changes, and per object what they did. */
export interface PendingBatch {
  touched: Touched;
}

export const NO_CHANGES: PendingBatch = { touched: new Map() };

/** Related changes a transition names as its cause, at most. */
export const RELATED_CAUSES = 5;

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

export class OutcomeRecorder {
  constructor(
    private readonly store: FindingsStore,
    private readonly tallies: PostureTallies,
    private readonly states: FindingStateMachine,
    private readonly stored: SubjectCodes,
    private readonly risk?: FindingRisk,
  ) {}

  record(clusterId: string, r: SubjectResult, batch: PendingBatch, now: number): void {
    // Only the risk context was re-evaluated (a link changed): no outcome of a control moved.
    if (r.controlIds?.length === 0) return;
    this.states.stats.evaluatedSubjects += 1;
    const before = this.stored.get(clusterId, r.subjectKey);
    const prev = before?.codes;
    // A partial result (a relation re-evaluated for a change elsewhere) covers only the
    // controls in `controlIds`: the subject's other codes stay as stored.
    const rerun = r.controlIds ? new Set(r.controlIds) : undefined;
    const codes: OutcomeCodes = {};
    if (rerun && prev) for (const [controlId, code] of Object.entries(prev)) if (!rerun.has(controlId)) codes[controlId] = code;
    for (const o of r.outcomes) {
      const c = codeOf(o);
      if (c) codes[o.controlId] = c;
    }
    // Nothing stored before and nothing to store now (most subjects of a sync: controlled
    // pods, kinds without controls): no transition, no tally, no write.
    if (!prev && Object.keys(codes).length === 0) return;
    const namespace = r.subject.namespace ?? before?.namespace ?? '';
    const ctx = this.context(r.subjectKey, batch, now);
    if (this.risk) ctx.risk = this.risk.scorer(clusterId, r.subjectKey, r.subject);

    for (const o of r.outcomes) {
      if (o.status === 'fail') this.states.open(clusterId, r, o, ctx);
      else if (o.status === 'exempt') this.states.except(clusterId, r, o, ctx);
    }
    for (const [controlId, code] of Object.entries(prev ?? {})) {
      if (rerun && !rerun.has(controlId)) continue;
      if (codes[controlId]?.startsWith('fail:') || codes[controlId] === 'exempt') continue;
      if (!code.startsWith('fail:') && code !== 'exempt') continue;
      const f = this.store.finding(clusterId, controlId, r.subjectKey);
      if (f && f.status !== 'resolved') this.states.resolve(f, ctx);
    }

    // Kubernetes never moves a uid to another namespace, but an agent may send it so: the
    // subject's codes then leave the old namespace's tallies whole.
    const was = before?.namespace ?? namespace;
    if (r.outcomes.length === 0 && !rerun) {
      if (prev) this.tallies.apply(clusterId, was, prev, -1);
      this.stored.delete(clusterId, r.subjectKey);
      return;
    }
    if (prev && was !== namespace) {
      this.tallies.apply(clusterId, was, prev, -1);
      this.tallies.apply(clusterId, namespace, codes, 1);
    } else this.tallies.applyChange(clusterId, namespace, prev, codes);
    this.stored.put(clusterId, r.subjectKey, r.kind, namespace, codes);
  }

  /** The subject's own change, else the related changes that reached it, else reconciliation. */
  private context(subjectKey: string, batch: PendingBatch, now: number): TransitionContext {
    const own = batch.touched.get(subjectKey);
    const related = own
      ? undefined
      : [...batch.touched.values()].slice(0, RELATED_CAUSES).map((t) => {
          const o = (t.after ?? t.before)!;
          return { kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name, resourceVersion: o.metadata.resourceVersion, deleted: !t.after };
        });
    const cause = (paths: readonly string[]) =>
      own ? { object: 'self', deleted: !own.after, changes: fieldChanges(paths, own.before, own.after) } : related && related.length > 0 ? { related } : { reason: 'reconciliation' };
    let since = own?.since;
    if (!own) for (const t of batch.touched.values()) if (t.since !== undefined && (since === undefined || t.since < since)) since = t.since;
    return {
      resourceVersion: own?.after?.metadata.resourceVersion ?? null,
      cause,
      now,
      ...(since !== undefined ? { latencyMs: performance.now() - since } : {}),
    };
  }
}
