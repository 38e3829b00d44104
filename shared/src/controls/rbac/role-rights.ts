// The role-level RBAC controls (CIS 5.1.x): data, with the right each one looks for.
import type { Control } from '../../engine/types.js';
import {
  CLUSTER_ADMIN,
  ESCALATE_BIND_IMPERSONATE,
  NODES_PROXY,
  POD_CREATE,
  POD_EXEC,
  SECRETS_READ,
  WILDCARD,
} from '../../rbac/rights.js';
import { roleRightControl } from './role-right.js';

const VALID_ACCOUNTS = { framework: 'mitre-attack', id: 'T1078' } as const;
const NSA_RBAC = { framework: 'nsa-cisa', id: 'authentication-authorization' } as const;

export const clusterAdminBinding: Control = roleRightControl(
  {
    id: 'rbac.cluster-admin-binding',
    title: 'Binding grants cluster-admin or equivalent',
    severity: 'critical',
    category: 'RBAC',
    rationale:
      'cluster-admin (or any role granting every verb on * resources in every API group, however written: `*`, explicit lists, split across rules or aggregated roles) is full control of the cluster: every Secret, every node via privileged pods, and RBAC itself. Anyone bound to it who is compromised compromises the cluster.',
    remediation:
      'Bind a role with only the verbs and resources the subject needs (e.g. the built-in admin/edit/view, or a dedicated Role). Keep cluster-admin to break-glass identities: `kubectl get clusterrolebindings -o wide | grep cluster-admin`, then delete or re-point each binding that is not one.',
    frameworks: [{ framework: 'cis-kubernetes', id: '5.1.1' }, NSA_RBAC, VALID_ACCOUNTS],
  },
  CLUSTER_ADMIN,
);

export const secretsRead: Control = roleRightControl(
  {
    id: 'rbac.secrets-read',
    title: 'Role grants read access to Secrets',
    severity: 'high',
    category: 'RBAC',
    rationale:
      'get, list or watch on Secrets exposes every credential in scope (tokens, TLS keys, passwords). list and watch return the values, not just names.',
    remediation:
      'Remove secrets from the role\'s rules, or restrict the rule to the named Secrets the workload needs with `resourceNames` and the `get` verb only. Prefer mounting Secrets into pods over reading them through the API.',
    frameworks: [
      { framework: 'cis-kubernetes', id: '5.1.2' },
      NSA_RBAC,
      { framework: 'mitre-attack', id: 'T1552.007' },
    ],
  },
  SECRETS_READ,
);

export const wildcard: Control = roleRightControl(
  {
    id: 'rbac.wildcard',
    title: 'Role uses wildcards',
    severity: 'medium',
    category: 'RBAC',
    rationale:
      'A * in verbs, resources (`*`, or `*/scale`: that subresource of every resource), apiGroups or nonResourceURLs grants today\'s and every future resource, verb or endpoint (including CRDs added later), which defeats least privilege.',
    remediation:
      'Replace each * with the explicit verbs, resources and apiGroups the subject needs; `kubectl auth can-i --list --as=<subject>` shows what it uses.',
    frameworks: [{ framework: 'cis-kubernetes', id: '5.1.3' }, NSA_RBAC],
  },
  WILDCARD,
);

export const podCreate: Control = roleRightControl(
  {
    id: 'rbac.pod-create',
    title: 'Role can create Pods or workloads',
    severity: 'medium',
    category: 'RBAC',
    rationale:
      'Whoever can create Pods (directly or through Deployments, DaemonSets, StatefulSets, Jobs, CronJobs, ReplicaSets or ReplicationControllers) can run with any ServiceAccount of the namespace and mount its Secrets, and without admission control can start privileged pods on nodes.',
    remediation:
      'Grant create on pods and workload resources only to deployment tooling (CI/CD, GitOps controllers); give people read access and enforce Pod Security admission (restricted) in their namespaces.',
    frameworks: [{ framework: 'cis-kubernetes', id: '5.1.4' }, NSA_RBAC, { framework: 'mitre-attack', id: 'T1610' }],
  },
  POD_CREATE,
);

export const podExec: Control = roleRightControl(
  {
    id: 'rbac.pod-exec',
    title: 'Role can exec into, attach to or port-forward Pods',
    severity: 'high',
    category: 'RBAC',
    rationale:
      'pods/exec and pods/attach run commands inside running containers with their identity and mounted Secrets; pods/portforward reaches services that are not exposed. They bypass most audit of what was done inside.',
    remediation:
      'Remove pods/exec, pods/attach and pods/portforward from roles used day to day; grant them through a separate, time-bound break-glass binding.',
    frameworks: [NSA_RBAC, { framework: 'mitre-attack', id: 'T1609' }],
  },
  POD_EXEC,
);

export const escalateBindImpersonate: Control = roleRightControl(
  {
    id: 'rbac.escalate-bind-impersonate',
    title: 'Role can escalate, bind or impersonate',
    severity: 'critical',
    category: 'RBAC',
    rationale:
      'escalate lets a subject grant rights it does not hold, bind lets it bind any role, impersonate lets it act as any user, group or ServiceAccount: each is a path to cluster-admin.',
    remediation:
      'Remove the escalate, bind and impersonate verbs (and * verbs on roles, clusterroles, users, groups and serviceaccounts) from the role; keep them to the RBAC management tooling that needs them.',
    frameworks: [{ framework: 'cis-kubernetes', id: '5.1.8' }, NSA_RBAC, { framework: 'mitre-attack', id: 'T1078' }],
  },
  ESCALATE_BIND_IMPERSONATE,
);

export const nodesProxy: Control = roleRightControl(
  {
    id: 'rbac.nodes-proxy',
    title: 'Role grants nodes/proxy',
    severity: 'high',
    category: 'RBAC',
    rationale:
      'nodes/proxy reaches the kubelet API directly: it can run commands in any pod on the node and bypasses admission control and most audit logging.',
    remediation:
      'Remove nodes/proxy from the role; monitoring agents usually need only nodes/metrics or nodes/stats.',
    frameworks: [{ framework: 'cis-kubernetes', id: '5.1.10' }, NSA_RBAC, { framework: 'mitre-attack', id: 'T1609' }],
  },
  NODES_PROXY,
);

export const roleRightControls: Control[] = [
  clusterAdminBinding,
  secretsRead,
  wildcard,
  podCreate,
  podExec,
  escalateBindImpersonate,
  nodesProxy,
];
