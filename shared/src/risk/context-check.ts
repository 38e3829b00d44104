// Workload risk contexts tracked by an IncrementalEngine as one internal relation check,
// `risk.context`, on every pod-bearing kind, declaring RISK_READS: the engine records its
// reads like any check's, so a Service turning LoadBalancer, a binding appearing or a
// NetworkPolicy added re-evaluates exactly the workloads whose context read it. The check
// can run in an engine of its own (RiskTracker) or beside the controls in the findings
// engine (the collector: one reverse index, each read recorded once, each object parsed
// once); either way its outcome is never a finding: `record` takes the contexts the check
// computed from an engine call's results and strips its outcomes from them.
// Exemptions must not apply to it (a context is a fact, not a finding).
import type { SubjectResult } from '../engine/incremental.js';
import type { Control } from '../engine/types.js';
import { POD_BEARING_KINDS } from '../model/kinds.js';
import { identityOf } from '../model/object.js';
import { isPodBearing } from '../workload/pod-template.js';
import { RISK_READS, workloadContext } from './context.js';
import { refKey, RiskIndex } from './risk-index.js';
import type { ObjectRef, WorkloadContext } from './types.js';

export const RISK_CONTEXT_ID = 'risk.context';

export class RiskContexts {
  readonly index = new RiskIndex();
  /** The internal check: add it to the engine's controls (with no exemption for it). */
  readonly control: Control;
  /** Contexts the check computed during the current engine call, by subject key. */
  private readonly computed = new Map<string, WorkloadContext | undefined>();

  constructor() {
    this.control = {
      id: RISK_CONTEXT_ID,
      title: 'Workload risk context (internal, never reported)',
      severity: 'low',
      category: 'Risk',
      rationale: "Tracks what a workload's risk depends on, so that a change to any link re-evaluates it.",
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
  }

  /**
   * After an engine call: records the context of every result that covers the check (a
   * full result of a pod-bearing subject, or a partial one naming it; a result whose check
   * was held by a listing keeps the context it had) and removes the check's outcome and id
   * from the results (in place). Returns the objects whose risk may have moved.
   */
  record(results: SubjectResult[]): ObjectRef[] {
    const touched = new Map<string, ObjectRef>();
    for (const r of results) {
      let covered: boolean;
      if (r.controlIds) {
        const at = r.controlIds.indexOf(RISK_CONTEXT_ID);
        covered = at >= 0;
        if (covered) r.controlIds = r.controlIds.filter((id) => id !== RISK_CONTEXT_ID);
      } else covered = isPodBearing(r.kind);
      if (!covered) continue;
      const at = r.outcomes.findIndex((o) => o.controlId === RISK_CONTEXT_ID);
      if (at >= 0) r.outcomes.splice(at, 1);
      for (const ref of this.index.set(r.subjectKey, this.computed.get(r.subjectKey))) touched.set(refKey(ref), ref);
    }
    this.computed.clear();
    return [...touched.values()];
  }

  /** An engine call failed: what the check computed is not to be recorded. */
  forget(): void {
    this.computed.clear();
  }
}
