// The user-facing ClusterRoles every cluster has (cluster-admin, admin, edit, view), as
// the objects the API server creates: labels and aggregation rules included, so a custom
// ClusterRole labelled `aggregate-to-edit` adds to edit (and admin) as it would in a
// cluster. Rules abridged from the upstream bootstrap policy to those that matter here.
// Used when the view does not hold them, as in `stance scan` of an application's manifests.
import type { KubeObject } from '../model/object.js';
import type { PolicyRule } from './types.js';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const AGGREGATE = (to: string) => `rbac.authorization.k8s.io/aggregate-to-${to}`;

const VIEW_RULES: PolicyRule[] = [
  { apiGroups: [''], resources: ['configmaps', 'endpoints', 'persistentvolumeclaims', 'pods', 'pods/log', 'replicationcontrollers', 'serviceaccounts', 'services', 'events', 'limitranges', 'resourcequotas', 'namespaces'], verbs: READ },
  { apiGroups: ['apps'], resources: ['controllerrevisions', 'daemonsets', 'deployments', 'replicasets', 'statefulsets'], verbs: READ },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: READ },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: READ },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: READ },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: READ },
];

const EDIT_RULES: PolicyRule[] = [
  { apiGroups: [''], resources: ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], verbs: WRITE },
  { apiGroups: [''], resources: ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'], verbs: READ },
  { apiGroups: [''], resources: ['configmaps', 'endpoints', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'secrets', 'serviceaccounts', 'services'], verbs: WRITE },
  { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
  { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
  { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], verbs: WRITE },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: WRITE },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: WRITE },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: WRITE },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: WRITE },
];

const ADMIN_RULES: PolicyRule[] = [
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'roles'], verbs: [...READ, ...WRITE] },
  { apiGroups: ['authorization.k8s.io'], resources: ['localsubjectaccessreviews'], verbs: ['create'] },
];

function clusterRole(name: string, rules: PolicyRule[], labels: Record<string, string>, aggregateFrom?: string): KubeObject {
  const role: KubeObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults', ...labels } },
    rules,
  };
  if (aggregateFrom) role.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [AGGREGATE(aggregateFrom)]: 'true' } }] };
  return role;
}

/**
 * admin aggregates edit, edit aggregates view (through their aggregate-to-* labels), so
 * each role's own rules are only what it adds.
 */
export const DEFAULT_CLUSTER_ROLES: Readonly<Record<string, KubeObject>> = {
  'cluster-admin': clusterRole(
    'cluster-admin',
    [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ],
    {},
  ),
  admin: clusterRole('admin', ADMIN_RULES, {}, 'admin'),
  edit: clusterRole('edit', EDIT_RULES, { [AGGREGATE('admin')]: 'true' }, 'edit'),
  view: clusterRole('view', VIEW_RULES, { [AGGREGATE('edit')]: 'true' }, 'view'),
};

/**
 * ClusterRoles the API server creates in every cluster (the bootstrap policy), by name or
 * prefix: a binding to one of them refers to a role that exists even when no file holds it.
 */
export const BOOTSTRAP_CLUSTER_ROLE_NAMES: readonly string[] = [
  ...Object.keys(DEFAULT_CLUSTER_ROLES),
  'system:aggregate-to-admin',
  'system:aggregate-to-edit',
  'system:aggregate-to-view',
  'system:auth-delegator',
  'system:basic-user',
  'system:certificates.k8s.io:certificatesigningrequests:nodeclient',
  'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient',
  'system:certificates.k8s.io:kube-apiserver-client-approver',
  'system:certificates.k8s.io:kube-apiserver-client-kubelet-approver',
  'system:certificates.k8s.io:kubelet-serving-approver',
  'system:certificates.k8s.io:legacy-unknown-approver',
  'system:discovery',
  'system:heapster',
  'system:kube-aggregator',
  'system:kube-controller-manager',
  'system:kube-dns',
  'system:kube-scheduler',
  'system:kubelet-api-admin',
  'system:monitoring',
  'system:node',
  'system:node-bootstrapper',
  'system:node-problem-detector',
  'system:node-proxier',
  'system:persistent-volume-provisioner',
  'system:public-info-viewer',
  'system:service-account-issuer-discovery',
  'system:volume-scheduler',
];

/** Prefixes of bootstrap ClusterRoles (one per built-in controller). */
export const BOOTSTRAP_CLUSTER_ROLE_PREFIXES: readonly string[] = ['system:controller:'];

export function isBootstrapClusterRole(name: string): boolean {
  return BOOTSTRAP_CLUSTER_ROLE_NAMES.includes(name) || BOOTSTRAP_CLUSTER_ROLE_PREFIXES.some((p) => name.startsWith(p));
}
