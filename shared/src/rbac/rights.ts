// The rights the RBAC controls look for, each a predicate over one PolicyRule (and, for
// cluster-admin equivalence, over a set of rules: it may be spelled across several).
import { groupMatches, isNamed, ruleAllows, verbMatches, type Target } from './rules.js';
import type { PolicyRule } from './types.js';

export interface Right {
  id: string;
  /** For messages: "read Secrets". */
  label: string;
  /** Whether this one rule grants the right. */
  grants(rule: PolicyRule): boolean;
  /**
   * The rules of a set (one role, or one subject's grants in one scope) that together
   * grant the right; empty when the set does not. Absent: each rule that grants it alone.
   */
  among?<T extends { rule: PolicyRule }>(rules: readonly T[]): T[];
}

/** The rules of `rules` through which `right` is held (see Right.among). */
export function rulesGranting<T extends { rule: PolicyRule }>(right: Right, rules: readonly T[]): T[] {
  return right.among ? right.among(rules) : rules.filter((r) => right.grants(r.rule));
}

const core = (...resources: string[]): Target[] => resources.map((resource) => ({ group: '', resource }));
const inGroup = (group: string, ...resources: string[]): Target[] => resources.map((resource) => ({ group, resource }));

/**
 * With these verbs on every resource of every built-in API group a subject controls the
 * cluster: it reads every token, writes RBAC objects and runs any pod on any node.
 */
export const FULL_CONTROL_VERBS: readonly string[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/** The API groups kube-apiserver serves by default (GA groups of Kubernetes 1.32). */
export const BUILTIN_API_GROUPS: readonly string[] = [
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
];

/**
 * The rules that together grant every full-control verb on `*` resources in every built-in
 * API group, however spelled: `*` or explicit verbs and groups, one rule or several. Named
 * rules (resourceNames) never count: they reach only the objects they name.
 */
function fullControlAmong<T extends { rule: PolicyRule }>(rules: readonly T[]): T[] {
  const candidates = rules.filter((r) => !isNamed(r.rule) && !!r.rule.resources?.includes('*'));
  if (candidates.length === 0) return [];
  for (const group of BUILTIN_API_GROUPS) {
    for (const verb of FULL_CONTROL_VERBS) {
      if (!candidates.some((r) => groupMatches(r.rule, group) && verbMatches(r.rule, verb))) return [];
    }
  }
  return candidates;
}

export const CLUSTER_ADMIN: Right = {
  id: 'cluster-admin',
  label: 'cluster-admin-equivalent rights (every verb on * resources in every API group)',
  grants: (r) => fullControlAmong([{ rule: r }]).length > 0,
  among: fullControlAmong,
};

export const SECRETS_READ: Right = {
  id: 'secrets-read',
  label: 'get/list/watch on Secrets',
  // With resourceNames the rule reads only the Secrets it names: the least privilege asked for.
  grants: (r) => !isNamed(r) && ruleAllows(r, ['get', 'list', 'watch'], core('secrets')),
};

export const WILDCARD: Right = {
  id: 'wildcard',
  label: 'wildcard (*) verbs, resources, apiGroups or nonResourceURLs',
  // `*/scale` is a wildcard too: that subresource of every resource, CRDs added later included.
  grants: (r) =>
    !!(r.verbs?.includes('*') || r.resources?.some((x) => x.startsWith('*')) || r.apiGroups?.includes('*') || r.nonResourceURLs?.includes('*')),
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
  // create cannot be limited by name: a named rule never authorizes it.
  grants: (r) => !isNamed(r) && ruleAllows(r, ['create'], WORKLOAD_TARGETS),
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
