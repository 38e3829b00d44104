// rbac.workload-powerful-sa: a running workload mounts the token of a ServiceAccount that
// holds any of the powerful rights. The finding sits on the ServiceAccount (naming the
// workloads): a binding change then re-evaluates ServiceAccounts, not every workload of
// the cluster. A workload whose ServiceAccount object is not known (manifests scanned
// without it) is judged on the workload itself.
import type { CheckResult, ClusterView, Control } from '../../engine/types.js';
import { POD_BEARING_KINDS, type KubeObject } from '../../model/index.js';
import { describeHeld, powerfulRightsOf } from '../../rbac/service-account-rights.js';
import { isRunning, mountsToken, serviceAccountOf } from '../../rbac/workload-identity.js';
import { podTemplateOf } from '../../workload/pod-template.js';
import { listInNamespace } from '../../network/same-namespace.js';

const bySaIndexes = new WeakMap<readonly KubeObject[], Map<string, KubeObject[]>>();

/**
 * Running workloads of a list by ServiceAccount name. Memoised on the list's identity:
 * a binding change re-evaluates every ServiceAccount of a namespace against the same
 * (batch-cached) lists, so each list is indexed once rather than scanned per account.
 */
function workloadsBySa(list: readonly KubeObject[]): Map<string, KubeObject[]> {
  let index = bySaIndexes.get(list);
  if (index) return index;
  index = new Map();
  for (const w of list) {
    const t = podTemplateOf(w);
    if (!t || !isRunning(w)) continue;
    const sa = serviceAccountOf(t);
    const bucket = index.get(sa);
    if (bucket) bucket.push(w);
    else index.set(sa, [w]);
  }
  bySaIndexes.set(list, index);
  return index;
}

function checkServiceAccount(sa: KubeObject, view: ClusterView): CheckResult {
  const ns = sa.metadata.namespace ?? 'default';
  const name = sa.metadata.name ?? '';
  const held = powerfulRightsOf(view, ns, name);
  if (held.length === 0) return [];
  // Only now look at workloads: an unprivileged ServiceAccount never depends on pod churn.
  const users: KubeObject[] = [];
  for (const kind of POD_BEARING_KINDS) {
    for (const w of workloadsBySa(listInNamespace(view, kind, sa.metadata.namespace)).get(name) ?? []) {
      if (mountsToken(podTemplateOf(w)!, sa)) users.push(w);
    }
  }
  if (users.length === 0) return null; // nothing runs with it; the bindings carry their own findings
  const top = users.filter((w) => !w.metadata.ownerReferences?.some((o) => o.controller));
  const shown = (top.length ? top : users).map((w) => `${w.kind} ${w.metadata.name}`);
  const list = shown.length > 5 ? `${shown.slice(0, 5).join(', ')} and ${shown.length - 5} more` : shown.join(', ');
  return [{ message: `ServiceAccount ${ns}/${name}, mounted by ${list}, holds: ${describeHeld(held)}`, evidence: ['metadata.name'] }];
}

function checkWorkload(w: KubeObject, view: ClusterView): CheckResult {
  const t = podTemplateOf(w);
  if (!t || !isRunning(w)) return null;
  const name = serviceAccountOf(t);
  const sa = view.get('ServiceAccount', w.metadata.namespace, name);
  if (sa) return null; // judged on the ServiceAccount
  if (!mountsToken(t, undefined)) return [];
  const ns = w.metadata.namespace ?? 'default';
  const held = powerfulRightsOf(view, ns, name);
  if (held.length === 0) return [];
  return [
    {
      message: `ServiceAccount ${ns}/${name}, whose token is mounted into this workload, holds: ${describeHeld(held)}`,
      evidence: [`${t.specPath}.serviceAccountName`],
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
    'Give the workload its own ServiceAccount bound only to what it calls; if it does not use the Kubernetes API, set `automountServiceAccountToken: false` in the pod spec (or on the ServiceAccount). Remove the powerful rules from the role, or the ServiceAccount (or its group) from the binding.',
  frameworks: [
    { framework: 'nsa-cisa', id: 'authentication-authorization' },
    { framework: 'mitre-attack', id: 'T1078.004' },
    { framework: 'mitre-attack', id: 'T1528' },
  ],
  kinds: ['ServiceAccount', ...POD_BEARING_KINDS],
  reads: ['ServiceAccount', 'RoleBinding', 'ClusterRoleBinding', 'Role', 'ClusterRole', ...POD_BEARING_KINDS],
  check: (subject, ctx) =>
    subject.kind === 'ServiceAccount' ? checkServiceAccount(subject, ctx.view) : checkWorkload(subject, ctx.view),
};
