// Test fixtures for RBAC controls: small constructors for roles, bindings and workloads.
import { evaluateAll } from '../../engine/evaluate.js';
import type { Control, EngineConfig, Outcome } from '../../engine/types.js';
import type { KubeObject } from '../../model/object.js';
import type { PolicyRule, RbacSubject } from '../../rbac/types.js';

const RBAC = 'rbac.authorization.k8s.io/v1';

export function role(name: string, namespace: string | undefined, rules: PolicyRule[], extra: Partial<KubeObject> = {}): KubeObject {
  const kind = namespace ? 'Role' : 'ClusterRole';
  return { apiVersion: RBAC, kind, metadata: namespace ? { name, namespace } : { name }, rules, ...extra };
}

export function binding(
  name: string,
  namespace: string | undefined,
  roleRef: { kind: 'Role' | 'ClusterRole'; name: string },
  subjects: RbacSubject[],
): KubeObject {
  const kind = namespace ? 'RoleBinding' : 'ClusterRoleBinding';
  return {
    apiVersion: RBAC,
    kind,
    metadata: namespace ? { name, namespace } : { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
    subjects,
  };
}

export const sa = (name: string, namespace: string): RbacSubject => ({ kind: 'ServiceAccount', name, namespace });
export const user = (name: string): RbacSubject => ({ kind: 'User', name, apiGroup: 'rbac.authorization.k8s.io' });
export const group = (name: string): RbacSubject => ({ kind: 'Group', name, apiGroup: 'rbac.authorization.k8s.io' });

export function deployment(name: string, namespace: string, podSpec: Record<string, unknown> = {}, labels = { app: name }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'app:1' }], ...podSpec } } },
  };
}

/** Outcomes of one control over a cluster, by `Kind/name`. */
export function outcomesByName(objects: KubeObject[], control: Control, config: EngineConfig = {}): Map<string, Outcome> {
  return new Map(evaluateAll(objects, [control], config).map((o) => [`${o.subject.kind}/${o.subject.name}`, o]));
}
