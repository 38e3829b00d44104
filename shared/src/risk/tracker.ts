// Risk kept up to date as objects change, in an IncrementalEngine of its own running the
// internal `risk.context` check (context-check.ts), and optionally other controls beside
// it (how the collector's findings engine runs it: the property test holds both equal to
// a full evaluation). Exemptions do not apply: a context is a fact, not a finding.
import { IncrementalEngine, type Change, type DeferOptions, type Dependent, type SubjectResult } from '../engine/incremental.js';
import type { ClusterView, Control, Outcome, Severity } from '../engine/types.js';
import type { KubeObject } from '../model/object.js';
import { RiskContexts } from './context-check.js';
import type { RiskIndex, RiskSubject } from './risk-index.js';
import type { AttackPath, ObjectRef, Risk, WorkloadContext } from './types.js';

export interface RiskTrackerOptions {
  /** The caller's objects of one cluster, reflecting each change before it is applied. */
  source: ClusterView;
  /** Controls evaluated beside the risk context in the same engine (their outcomes are dropped). */
  controls?: readonly Control[];
  /** As EngineOptions.partialResults. */
  partialResults?: boolean;
}

export class RiskTracker {
  private readonly contexts = new RiskContexts();
  private readonly engine: IncrementalEngine;

  constructor(opts: RiskTrackerOptions) {
    this.engine = new IncrementalEngine({
      controls: [...(opts.controls ?? []), this.contexts.control],
      source: opts.source,
      exemptionFor: undefined,
      partialResults: opts.partialResults ?? false,
    });
  }

  get index(): RiskIndex {
    return this.contexts.index;
  }

  get stats(): { workloads: number; subjects: number; readKeys: number } {
    return { workloads: this.index.size, ...this.engine.stats };
  }

  /** Initial load. Returns the objects whose risk may have changed. */
  evaluateBatch(objects: Iterable<KubeObject>): ObjectRef[] {
    return this.record(() => this.engine.evaluateBatch(objects));
  }

  /** Call after the source reflects the change. Returns the objects whose risk may have changed. */
  apply(change: Change): ObjectRef[] {
    return this.applyBatch([change]);
  }

  applyBatch(changes: readonly Change[]): ObjectRef[] {
    return this.record(() => this.engine.applyBatch(changes));
  }

  /** As IncrementalEngine.applyDeferring: workloads reached only through their reads come back as dependents. */
  applyDeferring(changes: readonly Change[], opts: DeferOptions = {}): { changed: ObjectRef[]; dependents: Dependent[] } {
    let dependents: Dependent[] = [];
    const changed = this.record(() => {
      const r = this.engine.applyDeferring(changes, opts);
      dependents = r.dependents;
      return r.results;
    });
    return { changed, dependents };
  }

  reevaluate(dependents: Iterable<Dependent>): ObjectRef[] {
    return this.record(() => this.engine.reevaluate(dependents));
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

  private record(run: () => SubjectResult[]): ObjectRef[] {
    try {
      return this.contexts.record(run());
    } finally {
      this.contexts.forget();
    }
  }
}
