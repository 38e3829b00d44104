// How traffic from outside the cluster reaches pods: Services of type LoadBalancer or
// NodePort and externalIPs, and Ingresses routing to Services; which Services select a
// pod's labels and which Ingresses route to a Service, as keyed lookups so a change to
// one reaches only the workloads it can concern.
import { lookupIn } from '../engine/lookup.js';
import type { ClusterView, LookupIndex } from '../engine/types.js';
import type { KubeObject } from '../model/object.js';

/** Cloud annotations that make a LoadBalancer internal (private address only). */
export const INTERNAL_LB_ANNOTATIONS: Readonly<Record<string, string>> = {
  'service.beta.kubernetes.io/aws-load-balancer-internal': 'true',
  'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
  'networking.gke.io/load-balancer-type': 'Internal',
  'cloud.google.com/load-balancer-type': 'Internal',
  'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
  'service.beta.kubernetes.io/oci-load-balancer-internal': 'true',
};

export type ServiceEntry = 'load-balancer' | 'node-port' | 'external-ip';

export interface ServiceExposure {
  via: ServiceEntry;
  /** "type LoadBalancer open to any source address" */
  detail: string;
  /** A LoadBalancer limited by loadBalancerSourceRanges. */
  restricted: boolean;
  evidence: string[];
}

interface ServiceSpec {
  type?: unknown;
  selector?: unknown;
  externalIPs?: unknown;
  loadBalancerSourceRanges?: unknown;
}

const specOf = (o: KubeObject): Record<string, unknown> => (typeof o.spec === 'object' && o.spec !== null ? (o.spec as Record<string, unknown>) : {});

function isInternal(svc: KubeObject): boolean {
  const annotations = svc.metadata.annotations ?? {};
  return Object.entries(INTERNAL_LB_ANNOTATIONS).some(([k, v]) => annotations[k]?.toLowerCase() === v.toLowerCase());
}

/** The ways a Service accepts traffic from outside the cluster network (none for ClusterIP). */
export function serviceExposures(svc: KubeObject): ServiceExposure[] {
  const spec = specOf(svc) as ServiceSpec;
  const out: ServiceExposure[] = [];
  if (spec.type === 'LoadBalancer' && !isInternal(svc)) {
    const ranges = Array.isArray(spec.loadBalancerSourceRanges) ? (spec.loadBalancerSourceRanges as unknown[]).map(String) : [];
    const open = ranges.length === 0 || ranges.includes('0.0.0.0/0') || ranges.includes('::/0');
    out.push({
      via: 'load-balancer',
      detail: open ? 'type LoadBalancer open to any source address' : `type LoadBalancer (source ranges ${ranges.join(', ')})`,
      restricted: !open,
      evidence: ['spec.type', ...(ranges.length ? ['spec.loadBalancerSourceRanges'] : [])],
    });
  } else if (spec.type === 'NodePort') {
    out.push({ via: 'node-port', detail: 'type NodePort opens a port on every node', restricted: false, evidence: ['spec.type'] });
  }
  if (Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0) {
    out.push({ via: 'external-ip', detail: `externalIPs ${spec.externalIPs.join(', ')}`, restricted: false, evidence: ['spec.externalIPs'] });
  }
  return out;
}

/** spec.selector as label pairs; undefined when absent or empty (the Service selects no pods). */
export function selectorOf(svc: KubeObject): Record<string, string> | undefined {
  const sel = specOf(svc).selector;
  if (typeof sel !== 'object' || sel === null || Array.isArray(sel)) return undefined;
  const pairs = Object.entries(sel).filter((e): e is [string, string] => typeof e[1] === 'string');
  return pairs.length ? Object.fromEntries(pairs) : undefined;
}

const pairKey = (namespace: string, k: string, v: string) => `${namespace}\u0001${k}\u0001${v}`;

/** Services by each pair of their selector (in their namespace). */
export const SERVICES_BY_SELECTOR: LookupIndex = {
  id: 'net.services-by-selector',
  keysOf: (svc) => Object.entries(selectorOf(svc) ?? {}).map(([k, v]) => pairKey(svc.metadata.namespace ?? '', k, v)),
};

/**
 * Services of the namespace whose selector matches these pod labels. Every match carries
 * each of its selector's pairs, so looking up the pod's pairs finds them all.
 */
export function servicesSelecting(view: ClusterView, namespace: string, labels: Record<string, string> | undefined): KubeObject[] {
  const out = new Set<KubeObject>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (typeof v !== 'string') continue;
    for (const svc of lookupIn(view, 'Service', SERVICES_BY_SELECTOR, pairKey(namespace, k, v))) {
      if (out.has(svc)) continue;
      const sel = selectorOf(svc)!;
      if (Object.entries(sel).every(([sk, sv]) => labels![sk] === sv)) out.add(svc);
    }
  }
  return [...out];
}

export interface IngressBackend {
  service: string;
  /** Hosts routed to it (`*` for a rule without host or the default backend). */
  hosts: string[];
}

function backendService(b: unknown): string | undefined {
  if (typeof b !== 'object' || b === null) return undefined;
  const o = b as { service?: { name?: unknown }; serviceName?: unknown };
  if (typeof o.service?.name === 'string' && o.service.name) return o.service.name;
  return typeof o.serviceName === 'string' && o.serviceName ? o.serviceName : undefined; // extensions/v1beta1
}

/** The Services an Ingress routes to, with the hosts of each. */
export function ingressBackends(ing: KubeObject): IngressBackend[] {
  const spec = specOf(ing) as { defaultBackend?: unknown; backend?: unknown; rules?: unknown };
  const hosts = new Map<string, Set<string>>();
  const add = (svc: string | undefined, host: string) => {
    if (!svc) return;
    let set = hosts.get(svc);
    if (!set) hosts.set(svc, (set = new Set()));
    set.add(host);
  };
  add(backendService(spec.defaultBackend ?? spec.backend), '*');
  for (const rule of Array.isArray(spec.rules) ? spec.rules : []) {
    const r = (typeof rule === 'object' && rule !== null ? rule : {}) as { host?: unknown; http?: { paths?: unknown } };
    const host = typeof r.host === 'string' && r.host ? r.host : '*';
    for (const path of Array.isArray(r.http?.paths) ? r.http.paths : []) add(backendService((path as { backend?: unknown } | null)?.backend), host);
  }
  return [...hosts].map(([service, set]) => ({ service, hosts: [...set] }));
}

/** Ingresses by the Services they route to (in their namespace). */
export const INGRESSES_BY_BACKEND: LookupIndex = {
  id: 'net.ingresses-by-backend',
  keysOf: (ing) => ingressBackends(ing).map((b) => `${ing.metadata.namespace ?? ''}\u0001${b.service}`),
};

/** Ingresses of the namespace routing to the Service, with the hosts they route to it. */
export function ingressesRoutingTo(view: ClusterView, namespace: string, service: string): { ingress: KubeObject; hosts: string[] }[] {
  return lookupIn(view, 'Ingress', INGRESSES_BY_BACKEND, `${namespace}\u0001${service}`).map((ingress) => ({
    ingress,
    hosts: ingressBackends(ingress).find((b) => b.service === service)?.hosts ?? [],
  }));
}
