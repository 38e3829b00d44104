// Risk kept up to date as objects change (the collector). Each workload's context is
// tracked by an IncrementalEngine of its own running one internal relation check that
// declares RISK_READS: a Service turning LoadBalancer, a binding appearing, a
// NetworkPolicy added re-evaluates exactly the workloads whose context read it (through
// the same keyed lookups as the RBAC controls), never the whole cluster. Exemptions do
// not apply: a context is a fact, not a finding.
import { IncrementalEngine, type Change, type Dependent, type SubjectResult } from '../engine/incremental.js';
import type { ClusterView, Control, Outcome, Severity } from '../engine/types.js';
import { POD_BEARING_KINDS } from '../model/kinds.js';
import { identityOf, type KubeObject } from '../model/object.js';
import { RISK_READS, workloadContext } from './context.js';
import { refKey, RiskIndex, type RiskSubject } from './risk-index.js';
import type { AttackPath, ObjectRef, Risk, WorkloadContext } from './types.js';

export interface RiskTrackerOptions {
  /** The caller's objects of one cluster, reflecting each change before it is applied. */
  source: ClusterView;
}

export class RiskTracker {
  readonly index = new RiskIndex();
  private readonly engine: IncrementalEngine;
  /** Contexts the check computed during the current engine call, by subject key. */
  private readonly computed = new Map<string, WorkloadContext | undefined>();

  constructor(opts: RiskTrackerOptions) {
    const context: Control = {
      id: 'risk.context',
      title: 'Workload risk context (internal, never reported)',
      severity: 'low',
      category: 'Risk',
      rationale: 'Tracks what a workload\'s risk depends on, so that a change to any link re-evaluates it.',
      remediation: 'None: this is not a finding.',
      frameworks: [],
      kinds: POD_BEARING_KINDS,
      reads: RISK_READS,
      check: (subject, ctx) => {
        const c = workloadContext(ctx.view, subject);
        this.computed.set(identityOf(subject), c);
        return c ? [] : null;
      },
    };
    this.engine = new IncrementalEngine({ controls: [context], source: opts.source, exemptionFor: undefined });
  }

  get stats(): { workloads: number; subjects: number; readKeys: number } {
    return { workloads: this.index.size, ...this.engine.stats };
  }

  /** Initial load. Returns the objects whose risk may have changed. */
  evaluateBatch(objects: Iterable<KubeObject>): ObjectRef[] {
    return this.record(this.engine.evaluateBatch(objects));
  }

  /** Call after the source reflects the change. Returns the objects whose risk may have changed. */
  apply(change: Change): ObjectRef[] {
    return this.applyBatch([change]);
  }

  applyBatch(changes: readonly Change[]): ObjectRef[] {
    return this.record(this.engine.applyBatch(changes));
  }

  /** As IncrementalEngine.applyDeferring: workloads reached only through their reads come back as dependents. */
  applyDeferring(changes: readonly Change[]): { changed: ObjectRef[]; dependents: Dependent[] } {
    const { results, dependents } = this.engine.applyDeferring(changes);
    return { changed: this.record(results), dependents };
  }

  reevaluate(dependents: Iterable<Dependent>): ObjectRef[] {
    return this.record(this.engine.reevaluate(dependents));
  }

  context(subjectKey: string): WorkloadContext | undefined {
    return this.index.context(subjectKey);
  }

  /** The risk of a failing outcome, from the current contexts. */
  riskOf(outcome: Pick<Outcome, 'status' | 'severity' | 'subjectKey' | 'subject'>): Risk | undefined {
    return this.index.riskOf(outcome);
  }

  /** The risk of a failing finding of this severity on the subject (a stored finding). */
  scoreOf(subject: RiskSubject, severity: Severity): Risk {
    return this.index.scoreOf(subject, severity);
  }

  attackPaths(): AttackPath[] {
    return this.index.attackPaths();
  }

  private record(results: readonly SubjectResult[]): ObjectRef[] {
    const touched = new Map<string, ObjectRef>();
    for (const r of results) {
      const ctx = r.outcomes.length ? this.computed.get(r.subjectKey) : undefined;
      for (const ref of this.index.set(r.subjectKey, ctx)) touched.set(refKey(ref), ref);
    }
    this.computed.clear();
    return [...touched.values()];
  }
}
