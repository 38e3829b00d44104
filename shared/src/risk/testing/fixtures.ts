// Small constructors for risk tests: Services, Ingresses, NetworkPolicies, namespaces and
// ServiceAccounts around the RBAC fixtures' workloads, roles and bindings.
import type { KubeObject } from '../../model/object.js';

export { binding, deployment, group, role, sa, user } from '../../controls/rbac/fixtures.js';

export function service(name: string, namespace: string, selector: Record<string, string>, spec: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, ...(annotations ? { annotations } : {}) }, spec: { type: 'ClusterIP', selector, ...spec } };
}

export function ingress(name: string, namespace: string, serviceName: string, host = `${name}.example.com`): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace },
    spec: { rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: serviceName, port: { number: 80 } } } }] } }] },
  };
}

export function networkPolicy(name: string, namespace: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

export function namespace(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export function serviceAccount(name: string, namespace: string, automount?: boolean): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace }, ...(automount === undefined ? {} : { automountServiceAccountToken: automount }) };
}

export const SECRETS_READER = [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }];
