// One shape for every role-level RBAC control: the finding sits on the binding that
// grants the right (naming the role, its offending rules and the subjects); a role that
// grants it but nobody binds fails on itself, at low severity.
import type { CheckResult, ClusterView, Control, ControlMeta } from '../../engine/types.js';
import type { KubeObject } from '../../model/object.js';
import { isBound, effectiveRules, resolveRoleRef, type SourcedRule } from '../../rbac/resolve.js';
import { rulesGranting, type Right } from '../../rbac/rights.js';
import { describeRule } from '../../rbac/rules.js';
import { describeSubjects, roleRefOf, subjectsOf } from '../../rbac/subjects.js';
import { isBindingKind, RBAC_KINDS } from '../../rbac/types.js';

export type RoleRightMeta = Omit<ControlMeta, 'kinds'>;

function nsName(o: KubeObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : `${o.metadata.name}`;
}

function describeRules(rules: readonly SourcedRule[]): string {
  return rules.map((r) => `${r.from} rule #${r.index}: ${describeRule(r.rule)}`).join('; ');
}

function checkBinding(binding: KubeObject, right: Right, view: ClusterView): CheckResult {
  const ref = roleRefOf(binding);
  if (!ref || subjectsOf(binding).length === 0) return null; // grants nothing to anyone
  const role = resolveRoleRef(view, binding);
  if (!role) return { noData: `${ref.kind} ${ref.name} referenced by roleRef was not found; cannot tell what it grants` };
  const offending = rulesGranting(right, role.rules);
  if (offending.length === 0) return [];
  return [
    {
      message:
        `${binding.kind} ${nsName(binding)} grants ${right.label} through ${role.kind} "${role.name}" ` +
        `(${describeRules(offending)}) to ${describeSubjects(binding)}`,
      evidence: ['roleRef', 'subjects'],
    },
  ];
}

function checkRole(role: KubeObject, right: Right, view: ClusterView): CheckResult {
  const offending = rulesGranting(right, effectiveRules(view, role));
  if (offending.length === 0) return [];
  if (isBound(view, role)) return []; // the bindings carry the finding
  const evidence = offending.map((r) => (r.own ? `rules[${r.index}]` : 'aggregationRule'));
  return [
    {
      message: `${role.kind} ${nsName(role)} grants ${right.label} (${describeRules(offending)}) but nothing binds it yet`,
      evidence: [...new Set(evidence)],
      severity: 'low',
    },
  ];
}

export function roleRightControl(meta: RoleRightMeta, right: Right): Control {
  return {
    ...meta,
    kinds: RBAC_KINDS,
    reads: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
    check: (subject, ctx) =>
      isBindingKind(subject.kind) ? checkBinding(subject, right, ctx.view) : checkRole(subject, right, ctx.view),
  };
}
