// Full evaluation of a set of objects as one cluster: what `stance scan` runs, and the
// reference the incremental engine is tested against. Both share `outcomesFor`, so a
// subject's outcomes are computed the same way in either.
import { POD_BEARING_KINDS } from '../model/kinds.js';
import { identityOf, refOf, type KubeObject, type ResourceRef } from '../model/object.js';
import { defaultExemptionFor } from './default-exemptions.js';
import { GuardedView, type ReadSink } from './guarded-view.js';
import type { CheckResult, ClusterView, Control, EngineConfig, ExemptionFor, Outcome, Severity } from './types.js';

/**
 * A ClusterView over objects in memory. Lists are built once and shared between calls:
 * checks must treat them as read-only (they may memoise on their identity).
 */
export function memoryView(objects: readonly KubeObject[]): ClusterView {
  const byKind = new Map<string, KubeObject[]>();
  const byKindNs = new Map<string, KubeObject[]>();
  const byName = new Map<string, KubeObject>();
  const push = (map: Map<string, KubeObject[]>, key: string, o: KubeObject) => {
    const list = map.get(key);
    if (list) list.push(o);
    else map.set(key, [o]);
  };
  for (const o of objects) {
    const ns = o.metadata.namespace ?? '';
    push(byKind, o.kind, o);
    push(byKindNs, `${o.kind}\u0001${ns}`, o);
    byName.set(`${o.kind}\u0001${ns}\u0001${o.metadata.name ?? ''}`, o);
  }
  const empty: KubeObject[] = [];
  return {
    get: (kind, namespace, name) => byName.get(`${kind}\u0001${namespace ?? ''}\u0001${name}`),
    list: (kind, namespace) =>
      (namespace === undefined ? byKind.get(kind) : byKindNs.get(`${kind}\u0001${namespace}`)) ?? empty,
  };
}

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low'] as const;

/** `ref` and `key` may be passed when known, to spare recomputing them per control. */
export function outcomeOf(
  control: Control,
  subject: KubeObject,
  violations: CheckResult,
  ref: ResourceRef = refOf(subject),
  key: string = identityOf(subject),
): Outcome {
  const controlId = control.id;
  if (violations === null) return { controlId, subject: ref, subjectKey: key, status: 'not-applicable', severity: control.severity };
  if (!Array.isArray(violations)) {
    return { controlId, subject: ref, subjectKey: key, status: 'no-data', severity: control.severity, message: violations.noData };
  }
  if (violations.length === 0) return { controlId, subject: ref, subjectKey: key, status: 'pass', severity: control.severity };
  let severity: Severity;
  let message: string;
  let evidence: string[];
  if (violations.length === 1) {
    // The common case: one violation, whose evidence is usually one path.
    const v = violations[0]!;
    severity = v.severity ?? control.severity;
    message = v.message;
    evidence = v.evidence.length <= 1 ? v.evidence.slice() : [...new Set(v.evidence)];
  } else {
    let rank = 3;
    for (const v of violations) rank = Math.min(rank, SEVERITY_ORDER.indexOf(v.severity ?? control.severity));
    severity = SEVERITY_ORDER[rank]!;
    message = violations.map((v) => v.message).join('; ');
    evidence = [...new Set(violations.flatMap((v) => v.evidence))];
  }
  const outcome: Outcome = { controlId, subject: ref, subjectKey: key, status: 'fail', severity, message, evidence };
  const patch = violations.find((v) => v.patch)?.patch;
  if (patch) outcome.patch = patch;
  return outcome;
}

/**
 * Runs `controls` (already those for the subject's kind) on one subject. An exempt
 * subject is not checked at all (so it records no reads): its outcome is `exempt` with
 * the reason, and it is left out of the posture score. Appends to `out` when given.
 */
export function outcomesFor(
  subject: KubeObject,
  controls: readonly Control[],
  config: EngineConfig,
  view: GuardedView,
  exemptionFor: ExemptionFor | undefined,
  sink?: ReadSink,
  out: Outcome[] = [],
): Outcome[] {
  const ctx = { config, view };
  const ref = refOf(subject);
  const key = identityOf(subject);
  const controller = podControllerKind(subject);
  for (const control of controls) {
    // A Pod of a ReplicaSet, a ReplicaSet of a Deployment, a Job of a CronJob: the control
    // is judged once, on the controller that owns the template, not again on each copy.
    if (controller !== undefined && control.kinds.includes(controller)) continue;
    const reason = exemptionFor?.(control.id, subject);
    if (reason !== undefined) {
      out.push({
        controlId: control.id,
        subject: ref,
        subjectKey: key,
        status: 'exempt',
        severity: control.severity,
        message: reason,
      });
      continue;
    }
    view.begin(control, sink);
    out.push(outcomeOf(control, subject, control.check(subject, ctx), ref, key));
  }
  return out;
}

/** Controls grouped by the kinds they evaluate, in catalog order. */
/** The kind of a pod-bearing controller that owns this pod-bearing subject, if any. */
export function podControllerKind(subject: KubeObject): string | undefined {
  if (!POD_BEARING.has(subject.kind)) return undefined;
  const owner = subject.metadata.ownerReferences?.find((o) => o.controller === true);
  return owner && POD_BEARING.has(owner.kind) ? owner.kind : undefined;
}

const POD_BEARING: ReadonlySet<string> = new Set(POD_BEARING_KINDS);

export function controlsByKind(controls: readonly Control[]): Map<string, Control[]> {
  const map = new Map<string, Control[]>();
  for (const control of controls) {
    for (const kind of control.kinds) {
      const list = map.get(kind);
      if (list) list.push(control);
      else map.set(kind, [control]);
    }
  }
  return map;
}

/**
 * Evaluates every control on every subject of its kinds. `exemptionFor` defaults to the
 * built-in exemptions (off when `config.systemExemptions` is false).
 */
export function evaluateAll(
  objects: readonly KubeObject[],
  controls: readonly Control[],
  config: EngineConfig = {},
  exemptionFor: ExemptionFor | undefined = defaultExemptionFor(config),
): Outcome[] {
  const evaluate = subjectEvaluator(objects, controls, config, exemptionFor);
  const out: Outcome[] = [];
  for (const subject of objects) evaluate(subject, out);
  return out;
}

/**
 * `evaluateAll` one subject at a time, for subjects that stream by (`stance scan`): the
 * view holds `viewObjects`, which must include every object of the kinds the controls
 * `reads` (objects of other kinds are never read: the view refuses them). Appends to `out`.
 */
export function subjectEvaluator(
  viewObjects: readonly KubeObject[],
  controls: readonly Control[],
  config: EngineConfig,
  exemptionFor: ExemptionFor | undefined,
): (subject: KubeObject, out?: Outcome[]) => Outcome[] {
  const view = new GuardedView(memoryView(viewObjects));
  const byKind = controlsByKind(controls);
  return (subject, out = []) => {
    const forKind = byKind.get(subject.kind);
    return forKind ? outcomesFor(subject, forKind, config, view, exemptionFor, undefined, out) : out;
  };
}
