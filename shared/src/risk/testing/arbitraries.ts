// fast-check generators for risk: the engine's colliding small clusters plus what a
// workload's context reads beyond them (Ingresses, exposed Services, NetworkPolicy rules
// with peers, Pod Security labels, ports, host access), so random deltas keep changing
// links of attack paths.
import fc from 'fast-check';
import { kubeObjectArb, labelsArb, NAMES, NAMESPACES, SA_NAMES, selectorArb } from '../../engine/testing/arbitraries.js';
import type { KubeObject } from '../../model/object.js';

const ns = fc.constantFrom(...NAMESPACES);
const name = fc.constantFrom(...NAMES);
const uid = fc.option(fc.constantFrom('1', '2'), { nil: undefined });

function meta(kind: string, namespace: string | undefined, n: string, u: string | undefined, extra: Record<string, unknown> = {}): KubeObject['metadata'] {
  return { name: n, ...(namespace !== undefined ? { namespace } : {}), ...(u !== undefined ? { uid: `${kind}/${namespace ?? ''}/${n}#${u}` } : {}), ...extra };
}

export const ingressArb = fc.tuple(ns, name, uid, fc.constantFrom(...NAMES), fc.boolean()).map(
  ([n, nm, u, backend, asDefault]): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta('Ingress', n, nm, u),
    spec: asDefault
      ? { defaultBackend: { service: { name: backend, port: { number: 80 } } } }
      : { rules: [{ host: `${nm}.example.com`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: backend, port: { number: 80 } } } }] } }] },
  }),
);

export const exposedServiceArb = fc
  .tuple(ns, name, uid, fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer'), labelsArb, fc.constantFrom('open', 'ranges', 'internal'))
  .map(([n, nm, u, type, selector, lb]): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta('Service', n, nm, u, lb === 'internal' ? { annotations: { 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' } } : {}),
    spec: { type, selector, ...(lb === 'ranges' ? { loadBalancerSourceRanges: ['10.0.0.0/8'] } : {}) },
  }));

const peerArb = fc.oneof(
  fc.record({ podSelector: selectorArb }),
  fc.record({ namespaceSelector: selectorArb }),
  fc.constant({ ipBlock: { cidr: '0.0.0.0/0' } }),
);
const trafficRuleArb = fc.record({ peers: fc.option(fc.array(peerArb, { maxLength: 2 }), { nil: undefined }), ports: fc.option(fc.constant([{ port: 80 }]), { nil: undefined }) }, { requiredKeys: [] });

export const policyWithRulesArb = fc
  .tuple(ns, name, uid, selectorArb, fc.option(fc.subarray(['Ingress', 'Egress'], { minLength: 1 }), { nil: undefined }), fc.option(fc.array(trafficRuleArb, { maxLength: 2 }), { nil: undefined }), fc.option(fc.array(trafficRuleArb, { maxLength: 2 }), { nil: undefined }))
  .map(([n, nm, u, podSelector, policyTypes, ingress, egress]): KubeObject => {
    const rules = (list: typeof ingress, field: 'from' | 'to') => list?.map((r) => ({ ...(r.peers ? { [field]: r.peers } : {}), ...(r.ports ? { ports: r.ports } : {}) }));
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('NetworkPolicy', n, nm, u),
      spec: { podSelector, ...(policyTypes ? { policyTypes } : {}), ...(ingress ? { ingress: rules(ingress, 'from') } : {}), ...(egress ? { egress: rules(egress, 'to') } : {}) },
    };
  });

export const enforcedNamespaceArb = fc.tuple(ns, uid, fc.constantFrom('privileged', 'baseline', 'restricted')).map(
  ([nm, u, level]): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: meta('Namespace', undefined, nm, u, { labels: { 'pod-security.kubernetes.io/enforce': level } }) }),
);

const containerArb = fc.record({
  privileged: fc.boolean(),
  port: fc.constantFrom(undefined, { containerPort: 8080 }, { containerPort: 80, hostPort: 8080 }),
  cap: fc.constantFrom(undefined, 'SYS_ADMIN', 'NET_ADMIN'),
});

export const exposedWorkloadArb = fc
  .tuple(ns, name, uid, labelsArb, fc.constantFrom(...SA_NAMES), fc.option(fc.boolean(), { nil: undefined }), fc.boolean(), fc.boolean(), containerArb, fc.constantFrom('Deployment', 'Pod', 'DaemonSet'))
  .map(([n, nm, u, labels, sa, automount, hostNetwork, hostPath, c, kind]): KubeObject => {
    const spec: Record<string, unknown> = {
      serviceAccountName: sa,
      ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
      ...(hostNetwork ? { hostNetwork } : {}),
      ...(hostPath ? { volumes: [{ name: 'h', hostPath: { path: '/var/log' } }] } : {}),
      containers: [
        {
          name: 'app',
          image: 'app:1',
          ...(c.port ? { ports: [c.port] } : {}),
          securityContext: { privileged: c.privileged, ...(c.cap ? { capabilities: { add: [c.cap] } } : {}) },
          ...(hostPath ? { volumeMounts: [{ name: 'h', mountPath: '/h', readOnly: true }] } : {}),
        },
      ],
    };
    if (kind === 'Pod') return { apiVersion: 'v1', kind, metadata: meta(kind, n, nm, u, { labels }), spec };
    return { apiVersion: 'apps/v1', kind, metadata: meta(kind, n, nm, u), spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec } } };
  });

export const riskObjectArb: fc.Arbitrary<KubeObject> = fc.oneof(
  { weight: 6, arbitrary: kubeObjectArb },
  { weight: 2, arbitrary: exposedWorkloadArb },
  { weight: 1, arbitrary: ingressArb },
  { weight: 1, arbitrary: exposedServiceArb },
  { weight: 1, arbitrary: policyWithRulesArb },
  { weight: 1, arbitrary: enforcedNamespaceArb },
);

export type RiskDeltaOp = { op: 'upsert'; object: KubeObject } | { op: 'delete'; pick: number };

export const riskDeltaArb: fc.Arbitrary<RiskDeltaOp> = fc.oneof(
  { weight: 4, arbitrary: riskObjectArb.map((object): RiskDeltaOp => ({ op: 'upsert', object })) },
  { weight: 1, arbitrary: fc.nat().map((pick): RiskDeltaOp => ({ op: 'delete', pick })) },
);
