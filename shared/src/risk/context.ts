// A workload's context: how outside traffic reaches it, what it holds of its node, what
// its token may do, whether NetworkPolicies fence it, and the attack paths through it.
// One pure function of the workload and what it reads through the view (RISK_READS),
// so the incremental engine can track it like a relation check.
import type { ClusterView } from '../engine/types.js';
import type { KubeObject } from '../model/object.js';
import { isOpen, trafficOf } from '../network/policy.js';
import { listInNamespace } from '../network/same-namespace.js';
import { isRunning } from '../rbac/workload-identity.js';
import { podTemplateOf } from '../workload/pod-template.js';
import { entriesOf } from './exposure.js';
import { hostAccessOf } from './host-access.js';
import { identityContextOf, refTo } from './identity.js';
import { pathsOf } from './paths.js';
import type { WorkloadContext } from './types.js';

/** The kinds a workload's context reads (besides the workload itself). */
export const RISK_READS = ['ServiceAccount', 'RoleBinding', 'ClusterRoleBinding', 'Role', 'ClusterRole', 'Service', 'Ingress', 'NetworkPolicy', 'Namespace'] as const;

/** The context of a running pod-bearing object; undefined for anything else. */
export function workloadContext(view: ClusterView, w: KubeObject): WorkloadContext | undefined {
  const t = podTemplateOf(w);
  if (!t || !isRunning(w)) return undefined;
  const hostNetwork = t.spec.hostNetwork === true;
  const traffic = trafficOf(listInNamespace(view, 'NetworkPolicy', w.metadata.namespace), t.metadata.labels);
  const identity = identityContextOf(view, t, w.metadata.namespace ?? '');
  const base: Omit<WorkloadContext, 'paths'> = {
    subject: refTo(w),
    entries: entriesOf(view, w, t, traffic.ingress),
    host: hostAccessOf(t),
    ingressOpen: hostNetwork || isOpen(traffic.ingress),
    egressOpen: hostNetwork || isOpen(traffic.egress),
  };
  if (identity) base.identity = identity;
  return { ...base, paths: pathsOf(base) };
}
