// The risk state of one cluster: each workload's context, and which workloads each other
// object (Service, Ingress, ServiceAccount, binding, role) is linked to. Filled in full
// (risk/full.ts) or kept up to date by the RiskTracker; answers the risk of any failing
// outcome and lists the attack paths.
import type { Outcome, Severity } from '../engine/types.js';
import { isPodBearing } from '../workload/pod-template.js';
import { linkedFacts, scoreRisk, workloadFacts } from './score.js';
import type { AttackPath, Facts, ObjectRef, Risk, WorkloadContext } from './types.js';

export function refKey(r: ObjectRef): string {
  return `${r.kind}\u0001${r.namespace ?? ''}\u0001${r.name}`;
}

/** The objects a context links the workload to: ways in, its ServiceAccount, the bindings and roles of its rights. */
export function linksOf(ctx: WorkloadContext): ObjectRef[] {
  const out = new Map<string, ObjectRef>();
  const add = (r: ObjectRef) => void out.set(refKey(r), { kind: r.kind, name: r.name, ...(r.namespace !== undefined ? { namespace: r.namespace } : {}) });
  for (const e of ctx.entries) for (const s of e.steps) add(s);
  if (ctx.identity) {
    add(ctx.identity.serviceAccount);
    for (const r of ctx.identity.rights) {
      add(r.binding);
      add(r.role);
    }
  }
  return [...out.values()];
}

function sameContext(a: WorkloadContext | undefined, b: WorkloadContext | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

const byRef = (a: WorkloadContext, b: WorkloadContext) => {
  const ka = refKey(a.subject);
  const kb = refKey(b.subject);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/** A subject by its identity (uid or kind/ns/name) and reference: an outcome or a stored finding. */
export interface RiskSubject {
  subjectKey: string;
  subject: ObjectRef;
}

export class RiskIndex {
  private readonly contexts = new Map<string, WorkloadContext>();
  /** Linked object → subject keys of the workloads linking to it. */
  private readonly links = new Map<string, Set<string>>();

  get size(): number {
    return this.contexts.size;
  }

  context(subjectKey: string): WorkloadContext | undefined {
    return this.contexts.get(subjectKey);
  }

  /** Every workload context, by subject key. */
  entries(): IterableIterator<[string, WorkloadContext]> {
    return this.contexts.entries();
  }

  /**
   * Records a workload's context (undefined: it has none, or is gone). Returns the objects
   * whose risk may have changed (the workload and everything it links to, before and
   * after), or nothing when the context is the same.
   */
  set(subjectKey: string, ctx: WorkloadContext | undefined): ObjectRef[] {
    const old = this.contexts.get(subjectKey);
    if (sameContext(old, ctx)) return [];
    const touched = new Map<string, ObjectRef>();
    if (old) {
      touched.set(refKey(old.subject), old.subject);
      for (const r of linksOf(old)) {
        touched.set(refKey(r), r);
        const set = this.links.get(refKey(r));
        set?.delete(subjectKey);
        if (set?.size === 0) this.links.delete(refKey(r));
      }
      this.contexts.delete(subjectKey);
    }
    if (ctx) {
      this.contexts.set(subjectKey, ctx);
      touched.set(refKey(ctx.subject), ctx.subject);
      for (const r of linksOf(ctx)) {
        touched.set(refKey(r), r);
        let set = this.links.get(refKey(r));
        if (!set) this.links.set(refKey(r), (set = new Set()));
        set.add(subjectKey);
      }
    }
    return [...touched.values()];
  }

  /** The context facts of a subject: its own for a workload, else those of the workloads linking to it. */
  factsOf(s: RiskSubject): Facts {
    const own = this.contexts.get(s.subjectKey);
    if (own) return workloadFacts(own);
    if (isPodBearing(s.subject.kind)) return {};
    const keys = this.links.get(refKey(s.subject));
    if (!keys) return {};
    const linked = [...keys].map((k) => this.contexts.get(k)!).sort(byRef);
    return linkedFacts(s.subject, linked);
  }

  /** The risk of a failing outcome; undefined for any other status. */
  riskOf(outcome: Pick<Outcome, 'status' | 'severity' | 'subjectKey' | 'subject'>): Risk | undefined {
    if (outcome.status !== 'fail') return undefined;
    return this.scoreOf(outcome, outcome.severity);
  }

  /** The risk of a failing finding of this severity on the subject (e.g. a stored, open finding). */
  scoreOf(s: RiskSubject, severity: Severity): Risk {
    return scoreRisk(severity, this.factsOf(s));
  }

  /** Every attack path, the highest scored first (then by id). */
  attackPaths(): AttackPath[] {
    const all: AttackPath[] = [];
    for (const ctx of this.contexts.values()) all.push(...ctx.paths);
    return all.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
