// Full evaluation of a set of objects as one cluster: what `stance scan` runs, and the
// reference the incremental engine is tested against.
import { identityOf, refOf, type KubeObject } from '../model/object.js';
import type { CheckContext, CheckResult, ClusterView, Control, EngineConfig, Outcome } from './types.js';

export function memoryView(objects: readonly KubeObject[]): ClusterView {
  const byKind = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const list = byKind.get(o.kind) ?? [];
    list.push(o);
    byKind.set(o.kind, list);
  }
  return {
    get: (kind, namespace, name) =>
      byKind.get(kind)?.find((o) => o.metadata.name === name && (o.metadata.namespace ?? undefined) === (namespace ?? undefined)),
    list: (kind, namespace) => (byKind.get(kind) ?? []).filter((o) => namespace === undefined || o.metadata.namespace === namespace),
  };
}

export function outcomeOf(control: Control, subject: KubeObject, violations: CheckResult): Outcome {
  const base = { controlId: control.id, subject: refOf(subject), subjectKey: identityOf(subject) };
  if (violations === null) return { ...base, status: 'not-applicable', severity: control.severity };
  if (!Array.isArray(violations)) return { ...base, status: 'no-data', severity: control.severity, message: violations.noData };
  if (violations.length === 0) return { ...base, status: 'pass', severity: control.severity };
  const order = ['critical', 'high', 'medium', 'low'] as const;
  const severity = violations
    .map((v) => v.severity ?? control.severity)
    .sort((a, b) => order.indexOf(a) - order.indexOf(b))[0]!;
  const outcome: Outcome = {
    ...base,
    status: 'fail',
    severity,
    message: violations.map((v) => v.message).join('; '),
    evidence: [...new Set(violations.flatMap((v) => v.evidence))],
  };
  const patch = violations.find((v) => v.patch)?.patch;
  if (patch) outcome.patch = patch;
  return outcome;
}

/** Evaluates every control on every subject of its kinds. */
export function evaluateAll(objects: readonly KubeObject[], controls: readonly Control[], config: EngineConfig = {}): Outcome[] {
  const ctx: CheckContext = { config, view: memoryView(objects) };
  const out: Outcome[] = [];
  for (const control of controls) {
    for (const subject of objects) {
      if (!control.kinds.includes(subject.kind)) continue;
      out.push(outcomeOf(control, subject, control.check(subject, ctx)));
    }
  }
  return out;
}
