// The rights the RBAC controls look for, each a predicate over one PolicyRule.
import { ruleAllows, type Target } from './rules.js';
import type { PolicyRule } from './types.js';

export interface Right {
  id: string;
  /** For messages: "read Secrets". */
  label: string;
  grants(rule: PolicyRule): boolean;
}

const core = (...resources: string[]): Target[] => resources.map((resource) => ({ group: '', resource }));
const inGroup = (group: string, ...resources: string[]): Target[] => resources.map((resource) => ({ group, resource }));

export const CLUSTER_ADMIN: Right = {
  id: 'cluster-admin',
  label: 'cluster-admin-equivalent rights (* verbs on * resources in * apiGroups)',
  grants: (r) => !!r.verbs?.includes('*') && !!r.resources?.includes('*') && !!r.apiGroups?.includes('*'),
};

export const SECRETS_READ: Right = {
  id: 'secrets-read',
  label: 'get/list/watch on Secrets',
  grants: (r) => ruleAllows(r, ['get', 'list', 'watch'], core('secrets')),
};

export const WILDCARD: Right = {
  id: 'wildcard',
  label: 'wildcard (*) verbs, resources or apiGroups',
  grants: (r) => !!(r.verbs?.includes('*') || r.resources?.includes('*') || r.apiGroups?.includes('*')),
};

const WORKLOAD_TARGETS: Target[] = [
  ...core('pods', 'replicationcontrollers'),
  ...inGroup('apps', 'deployments', 'daemonsets', 'statefulsets', 'replicasets'),
  ...inGroup('extensions', 'deployments', 'daemonsets', 'replicasets'),
  ...inGroup('batch', 'jobs', 'cronjobs'),
];

export const POD_CREATE: Right = {
  id: 'pod-create',
  label: 'create Pods or workloads',
  grants: (r) => ruleAllows(r, ['create'], WORKLOAD_TARGETS),
};

export const POD_EXEC: Right = {
  id: 'pod-exec',
  label: 'pods/exec, pods/attach or pods/portforward',
  // Exec over WebSockets is a GET, so `get` on the subresource is enough.
  grants: (r) => ruleAllows(r, ['create', 'get'], core('pods/exec', 'pods/attach', 'pods/portforward')),
};

export const ESCALATE_BIND_IMPERSONATE: Right = {
  id: 'escalate-bind-impersonate',
  label: 'escalate, bind or impersonate',
  grants: (r) =>
    ruleAllows(r, ['escalate', 'bind'], inGroup('rbac.authorization.k8s.io', 'roles', 'clusterroles')) ||
    ruleAllows(r, ['impersonate'], [
      ...core('users', 'groups', 'serviceaccounts'),
      ...inGroup('authentication.k8s.io', 'uids', 'userextras/scopes', 'userextras'),
    ]),
};

export const NODES_PROXY: Right = {
  id: 'nodes-proxy',
  label: 'nodes/proxy (direct kubelet API access)',
  grants: (r) => ruleAllows(r, ['get', 'create', 'update', 'patch', 'delete'], core('nodes/proxy')),
};

/** What a workload's ServiceAccount must not hold (rbac.workload-powerful-sa). */
export const POWERFUL_RIGHTS: readonly Right[] = [
  CLUSTER_ADMIN,
  SECRETS_READ,
  POD_CREATE,
  POD_EXEC,
  ESCALATE_BIND_IMPERSONATE,
  NODES_PROXY,
];
