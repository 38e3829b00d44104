// fast-check generators of small, colliding clusters: few namespaces, names, labels and
// ServiceAccounts, so random deltas keep hitting each other's relations (bindings ↔
// roles ↔ ServiceAccounts ↔ workloads, policies ↔ pods ↔ namespaces). Used by the
// engine's property test and reusable by benchmarks.
import fc from 'fast-check';
import type { KubeObject } from '../../model/object.js';

export const NAMESPACES = ['ns-a', 'ns-b', 'kube-system'] as const;
export const NAMES = ['a', 'b', 'c'] as const;
export const SA_NAMES = ['default', 'sa1', 'sa2'] as const;
export const ROLE_NAMES = ['r1', 'r2'] as const;
export const CLUSTER_ROLE_NAMES = ['cr1', 'cr2', 'agg', 'cluster-admin', 'system:ctl'] as const;

const ns = fc.constantFrom(...NAMESPACES);
const name = fc.constantFrom(...NAMES);
/** Two identities per name, so an object can be replaced under the same name. */
const uid = fc.option(fc.constantFrom('1', '2'), { nil: undefined });

function meta(kind: string, namespace: string | undefined, n: string, u: string | undefined, labels?: Record<string, string>) {
  const m: KubeObject['metadata'] = { name: n };
  if (namespace !== undefined) m.namespace = namespace;
  if (u !== undefined) m.uid = `${kind}/${namespace ?? ''}/${n}#${u}`;
  if (labels && Object.keys(labels).length) m.labels = labels;
  return m;
}

export const labelsArb: fc.Arbitrary<Record<string, string>> = fc.record(
  { app: fc.constantFrom('web', 'db'), tier: fc.constantFrom('front', 'back') },
  { requiredKeys: [] },
);

export const selectorArb = fc.oneof(
  fc.constant({}),
  fc.record({ matchLabels: labelsArb }),
  fc.record({
    matchExpressions: fc.array(
      fc.oneof(
        fc.record({ key: fc.constantFrom('app', 'tier'), operator: fc.constantFrom('In', 'NotIn'), values: fc.subarray(['web', 'db', 'front'], { minLength: 1 }) }),
        fc.record({ key: fc.constantFrom('app', 'tier', 'aggregate'), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
      ),
      { minLength: 1, maxLength: 2 },
    ),
  }),
);

const podSpecArb = fc.record(
  {
    serviceAccountName: fc.constantFrom(...SA_NAMES),
    automountServiceAccountToken: fc.boolean(),
    hostNetwork: fc.constant(true),
    containers: fc.tuple(fc.boolean()).map(([privileged]) => [
      { name: 'app', image: 'nginx:1.27', securityContext: { privileged } },
    ]),
  },
  { requiredKeys: ['containers'] },
);

export const podArb = fc
  .tuple(ns, name, uid, labelsArb, podSpecArb, fc.option(fc.constantFrom('Running', 'Succeeded'), { nil: undefined }))
  .map(([n, nm, u, labels, spec, phase]): KubeObject => {
    const o: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: meta('Pod', n, nm, u, labels), spec };
    if (phase) o.status = { phase };
    return o;
  });

export const deploymentArb = fc
  .tuple(ns, name, uid, labelsArb, podSpecArb, fc.option(fc.constantFrom(0, 2), { nil: undefined }))
  .map(([n, nm, u, labels, spec, replicas]): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta('Deployment', n, nm, u),
    spec: { ...(replicas === undefined ? {} : { replicas }), selector: { matchLabels: labels }, template: { metadata: { labels }, spec } },
  }));

export const serviceAccountArb = fc
  .tuple(ns, fc.constantFrom(...SA_NAMES), uid, fc.option(fc.boolean(), { nil: undefined }))
  .map(([n, nm, u, automount]): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta('ServiceAccount', n, nm, u),
    ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
  }));

export const ruleArb = fc.record(
  {
    apiGroups: fc.subarray(['', 'apps', 'rbac.authorization.k8s.io', '*'], { minLength: 1 }),
    resources: fc.subarray(['pods', 'pods/exec', 'secrets', 'deployments', 'nodes/proxy', 'clusterroles', 'serviceaccounts', 'configmaps', '*'], { minLength: 1 }),
    verbs: fc.subarray(['get', 'list', 'create', 'bind', 'impersonate', '*'], { minLength: 1 }),
    resourceNames: fc.constant(['one']),
  },
  { requiredKeys: ['apiGroups', 'resources', 'verbs'] },
);

const rulesArb = fc.array(ruleArb, { maxLength: 3 });

export const roleArb = fc.tuple(ns, fc.constantFrom(...ROLE_NAMES), uid, rulesArb).map(
  ([n, nm, u, rules]): KubeObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta('Role', n, nm, u), rules }),
);

export const clusterRoleArb = fc
  .tuple(
    fc.constantFrom(...CLUSTER_ROLE_NAMES),
    uid,
    rulesArb,
    fc.record(
      { aggregate: fc.constantFrom('yes', 'no'), 'kubernetes.io/bootstrapping': fc.constant('rbac-defaults') },
      { requiredKeys: [] },
    ),
    fc.option(selectorArb, { nil: undefined }),
  )
  .map(([nm, u, rules, labels, aggSel]): KubeObject => {
    const o: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta('ClusterRole', undefined, nm, u, labels), rules };
    if (aggSel) o.aggregationRule = { clusterRoleSelectors: [aggSel] };
    return o;
  });

export const subjectArb = fc.oneof(
  fc.record({ kind: fc.constant('ServiceAccount'), name: fc.constantFrom(...SA_NAMES), namespace: ns }),
  fc.record({ kind: fc.constant('Group'), name: fc.constantFrom('system:serviceaccounts', 'system:serviceaccounts:ns-a', 'system:authenticated', 'devs') }),
  fc.record({ kind: fc.constant('User'), name: fc.constantFrom('system:anonymous', 'system:serviceaccount:ns-b:sa1', 'bob') }),
);

const roleRefArb = fc.oneof(
  fc.record({ apiGroup: fc.constant('rbac.authorization.k8s.io'), kind: fc.constant('Role'), name: fc.constantFrom(...ROLE_NAMES) }),
  fc.record({ apiGroup: fc.constant('rbac.authorization.k8s.io'), kind: fc.constant('ClusterRole'), name: fc.constantFrom(...CLUSTER_ROLE_NAMES, 'edit', 'missing') }),
);

export const roleBindingArb = fc.tuple(ns, name, uid, roleRefArb, fc.array(subjectArb, { maxLength: 3 })).map(
  ([n, nm, u, roleRef, subjects]): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta('RoleBinding', n, nm, u),
    roleRef,
    subjects,
  }),
);

export const clusterRoleBindingArb = fc
  .tuple(fc.constantFrom('a', 'b', 'system:x'), uid, fc.constantFrom(...CLUSTER_ROLE_NAMES, 'view'), fc.array(subjectArb, { maxLength: 3 }))
  .map(([nm, u, roleName, subjects]): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: meta('ClusterRoleBinding', undefined, nm, u),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects,
  }));

export const networkPolicyArb = fc
  .tuple(
    ns,
    name,
    uid,
    selectorArb,
    fc.option(fc.subarray(['Ingress', 'Egress'], { minLength: 1 }), { nil: undefined }),
    fc.boolean(),
  )
  .map(([n, nm, u, podSelector, policyTypes, egress]): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta('NetworkPolicy', n, nm, u),
    spec: { podSelector, ...(policyTypes ? { policyTypes } : {}), ...(egress ? { egress: [{}] } : {}) },
  }));

export const namespaceArb = fc.tuple(ns, uid, labelsArb).map(
  ([nm, u, labels]): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: meta('Namespace', undefined, nm, u, labels) }),
);

export const serviceArb = fc
  .tuple(ns, name, uid, fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer'), fc.boolean(), labelsArb)
  .map(([n, nm, u, type, external, selector]): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta('Service', n, nm, u),
    spec: { type, selector, ...(external ? { externalIPs: ['203.0.113.7'] } : {}) },
  }));

export const kubeObjectArb: fc.Arbitrary<KubeObject> = fc.oneof(
  podArb,
  deploymentArb,
  serviceAccountArb,
  roleArb,
  clusterRoleArb,
  roleBindingArb,
  clusterRoleBindingArb,
  networkPolicyArb,
  namespaceArb,
  serviceArb,
);

/** A delta: an upsert of a generated object, or the deletion of the `pick`-th object present. */
export type DeltaOp = { op: 'upsert'; object: KubeObject } | { op: 'delete'; pick: number };

export const deltaArb: fc.Arbitrary<DeltaOp> = fc.oneof(
  { weight: 4, arbitrary: kubeObjectArb.map((object): DeltaOp => ({ op: 'upsert', object })) },
  { weight: 1, arbitrary: fc.nat().map((pick): DeltaOp => ({ op: 'delete', pick })) },
);
