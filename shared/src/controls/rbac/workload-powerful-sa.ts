// rbac.workload-powerful-sa: a running workload whose ServiceAccount token (mounted
// automatically unless turned off) carries any of the powerful rights, through bindings
// naming the ServiceAccount, its username, or its groups.
import type { CheckResult, Control } from '../../engine/types.js';
import { POD_BEARING_KINDS, type KubeObject } from '../../model/index.js';
import { resolveRoleRef } from '../../rbac/resolve.js';
import { POWERFUL_RIGHTS } from '../../rbac/rights.js';
import { bindingsForServiceAccount } from '../../rbac/subjects.js';
import { podTemplateOf } from '../../workload/pod-template.js';

/** Pods that finished, and controllers scaled to zero, run nothing. */
function isRunning(o: KubeObject): boolean {
  const status = o.status as { phase?: string } | undefined;
  if (o.kind === 'Pod') return status?.phase !== 'Succeeded' && status?.phase !== 'Failed';
  const replicas = (o.spec as { replicas?: unknown } | undefined)?.replicas;
  return replicas !== 0;
}

function check(subject: KubeObject, view: Parameters<Control['check']>[1]['view']): CheckResult {
  const template = podTemplateOf(subject);
  if (!template || !isRunning(subject)) return null;
  const spec = template.spec as { serviceAccountName?: unknown; serviceAccount?: unknown; automountServiceAccountToken?: unknown };
  const saName =
    typeof spec.serviceAccountName === 'string' && spec.serviceAccountName
      ? spec.serviceAccountName
      : typeof spec.serviceAccount === 'string' && spec.serviceAccount
        ? spec.serviceAccount
        : 'default';
  if (spec.automountServiceAccountToken === false) return [];
  const ns = subject.metadata.namespace ?? 'default';
  // The pod's own setting wins over the ServiceAccount's.
  if (spec.automountServiceAccountToken === undefined) {
    const sa = view.get('ServiceAccount', subject.metadata.namespace, saName);
    if (sa?.automountServiceAccountToken === false) return [];
  }

  const bindings = [
    ...bindingsForServiceAccount(view.list('RoleBinding'), ns, saName),
    ...bindingsForServiceAccount(view.list('ClusterRoleBinding'), ns, saName),
  ];
  const found: string[] = [];
  for (const b of bindings) {
    const role = resolveRoleRef(view, b);
    if (!role) continue;
    const rights = POWERFUL_RIGHTS.filter((right) => role.rules.some((r) => right.grants(r.rule)));
    if (rights.length === 0) continue;
    const where = b.kind === 'RoleBinding' ? ` in namespace ${b.metadata.namespace}` : ' cluster-wide';
    found.push(`${rights.map((r) => r.label).join(', ')}${where} via ${b.kind} ${b.metadata.name} → ${role.kind} ${role.name}`);
  }
  if (found.length === 0) return [];
  return [
    {
      message: `ServiceAccount ${ns}/${saName}, whose token is mounted into this workload, holds: ${found.join('; ')}`,
      evidence: [`${template.specPath}.serviceAccountName`],
    },
  ];
}

export const workloadPowerfulSa: Control = {
  id: 'rbac.workload-powerful-sa',
  title: 'Workload runs with a powerful ServiceAccount',
  severity: 'high',
  category: 'RBAC',
  rationale:
    'A workload\'s ServiceAccount token is mounted into every container. Anyone who compromises the workload (an RCE, an SSRF that reads the token) inherits the ServiceAccount\'s rights: reading Secrets, creating pods, exec, escalation.',
  remediation:
    'Give the workload its own ServiceAccount bound only to what it calls; if it does not use the Kubernetes API, set `automountServiceAccountToken: false` in the pod spec. Remove the powerful rules from the role, or the ServiceAccount (or its group) from the binding.',
  frameworks: [
    { framework: 'nsa-cisa', id: 'authentication-authorization' },
    { framework: 'mitre-attack', id: 'T1078.004' },
    { framework: 'mitre-attack', id: 'T1528' },
  ],
  kinds: POD_BEARING_KINDS,
  reads: ['ServiceAccount', 'RoleBinding', 'ClusterRoleBinding', 'Role', 'ClusterRole'],
  check: (subject, ctx) => check(subject, ctx.view),
};
