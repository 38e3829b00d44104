// Built-in RBAC exemptions: objects Kubernetes (and kubeadm) create themselves, whose
// rights are by design. Data, so users can list them; `systemExemptions: false` turns
// them off.
import type { ExemptionRule } from '../../engine/exemption-rules.js';

const RBAC_KINDS = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'];

/**
 * Controls a `system:` name alone exempts. Not anonymous-binding nor cluster-admin-binding:
 * naming a binding `system:…` must not hide the two findings attackers most want hidden;
 * the genuine defaults carry the bootstrap label and are exempted by it.
 */
const COMPONENT_ROLE_CONTROLS = [
  'rbac.secrets-read',
  'rbac.wildcard',
  'rbac.pod-create',
  'rbac.pod-exec',
  'rbac.escalate-bind-impersonate',
  'rbac.nodes-proxy',
];

export const rbacExemptions: readonly ExemptionRule[] = [
  {
    controls: ['rbac.*'],
    kinds: RBAC_KINDS,
    labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
    reason: 'default RBAC policy the API server creates and reconciles (label kubernetes.io/bootstrapping=rbac-defaults)',
  },
  {
    controls: COMPONENT_ROLE_CONTROLS,
    kinds: RBAC_KINDS,
    namePrefixes: ['system:'],
    reason: 'system: roles and bindings belong to Kubernetes components (controllers, add-ons), which need these rights',
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
    controls: ['rbac.binding-missing-role'],
    kinds: ['RoleBinding', 'ClusterRoleBinding'],
    namePrefixes: ['system:'],
    systemSubjectsOnly: true,
    reason:
      'Kubernetes\' own system: bindings are platform defaults: the control plane, its controllers and add-ons create and reconcile the roles they refer to, which manifests and partial views often leave out',
  },
  {
    controls: COMPONENT_ROLE_CONTROLS,
    kinds: RBAC_KINDS,
    namePrefixes: ['kubeadm:'],
    reason: 'created by kubeadm for node bootstrap (CSR approval, node config) and upgrades',
  },
  {
    controls: ['rbac.anonymous-binding'],
    kinds: ['RoleBinding'],
    namespaces: ['kube-public'],
    names: ['kubeadm:bootstrap-signer-clusterinfo'],
    reason: 'kubeadm lets anonymous clients read the signed cluster-info ConfigMap in kube-public for node join discovery',
  },
  {
    controls: ['rbac.cluster-admin-binding'],
    kinds: ['ClusterRoleBinding'],
    names: ['kubeadm:cluster-admins'],
    reason: 'kubeadm binds cluster-admin to the kubeadm:cluster-admins group for admin.conf; audit that group\'s membership instead',
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
