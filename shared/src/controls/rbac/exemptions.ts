// Built-in RBAC exemptions: objects Kubernetes (and kubeadm) create themselves, whose
// rights are by design. Data, so users can list them; `systemExemptions: false` turns
// them off.
import type { ExemptionRule } from '../../engine/exemption-rules.js';

export const rbacExemptions: readonly ExemptionRule[] = [
  {
    controls: ['rbac.*'],
    kinds: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
    namePrefixes: ['system:'],
    reason: 'system: roles and bindings are created and reconciled by Kubernetes components (API server bootstrap policy, controllers)',
  },
  {
    controls: ['rbac.*'],
    kinds: ['ClusterRole'],
    names: ['cluster-admin', 'admin', 'edit', 'view'],
    reason: 'default user-facing ClusterRole from the Kubernetes bootstrap policy; findings are reported on the bindings that grant it',
  },
  {
    controls: ['rbac.cluster-admin-binding'],
    kinds: ['ClusterRoleBinding'],
    names: ['cluster-admin'],
    reason: 'default binding of cluster-admin to the system:masters group (bootstrap policy); audit membership of system:masters instead',
  },
  {
    controls: ['rbac.*'],
    kinds: ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'],
    namePrefixes: ['kubeadm:'],
    reason: 'created by kubeadm for node bootstrap and cluster-info discovery',
  },
  {
    controls: ['rbac.*'],
    kinds: ['Role', 'RoleBinding'],
    namespaces: ['kube-system'],
    names: ['extension-apiserver-authentication-reader'],
    reason: 'bootstrap policy Role letting extension API servers read the authentication ConfigMap',
  },
  {
    controls: ['rbac.workload-powerful-sa'],
    namespaces: ['kube-system'],
    reason: 'control-plane and add-on workloads in kube-system run with the rights their components need',
  },
];
