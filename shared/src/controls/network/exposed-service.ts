// net.exposed-service: Services reachable from outside the cluster network.
import type { Control, Violation } from '../../engine/types.js';

/** Cloud annotations that make a LoadBalancer internal (private address only). */
export const INTERNAL_LB_ANNOTATIONS: Readonly<Record<string, string>> = {
  'service.beta.kubernetes.io/aws-load-balancer-internal': 'true',
  'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
  'networking.gke.io/load-balancer-type': 'Internal',
  'cloud.google.com/load-balancer-type': 'Internal',
  'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
  'service.beta.kubernetes.io/oci-load-balancer-internal': 'true',
};

export const exposedService: Control = {
  id: 'net.exposed-service',
  title: 'Service exposed outside the cluster',
  severity: 'medium',
  category: 'Network',
  rationale:
    'LoadBalancer and NodePort Services, and externalIPs, accept traffic from outside the cluster network; every such entry point must be intended and protected (authentication, TLS, source ranges).',
  remediation:
    'Use type ClusterIP and expose HTTP through an Ingress/Gateway with TLS; for a LoadBalancer that must stay, restrict `spec.loadBalancerSourceRanges` or make it internal with your cloud\'s annotation. Remove unneeded `spec.externalIPs` (and block them with an admission policy, CVE-2020-8554).',
  frameworks: [
    { framework: 'nsa-cisa', id: 'network-separation' },
    { framework: 'mitre-attack', id: 'T1133' },
  ],
  kinds: ['Service'],
  check(svc) {
    const spec = (svc.spec ?? {}) as { type?: string; externalIPs?: unknown; loadBalancerSourceRanges?: unknown };
    const out: Violation[] = [];
    const annotations = svc.metadata.annotations ?? {};
    const internal = Object.entries(INTERNAL_LB_ANNOTATIONS).some(([k, v]) => annotations[k]?.toLowerCase() === v.toLowerCase());
    if (spec.type === 'LoadBalancer' && !internal) {
      const ranges = Array.isArray(spec.loadBalancerSourceRanges) ? spec.loadBalancerSourceRanges : [];
      const open = ranges.length === 0 || ranges.includes('0.0.0.0/0') || ranges.includes('::/0');
      out.push({
        message: open
          ? 'type LoadBalancer open to any source address'
          : `type LoadBalancer (source ranges ${ranges.join(', ')})`,
        evidence: ['spec.type', ...(ranges.length ? ['spec.loadBalancerSourceRanges'] : [])],
        severity: open ? 'medium' : 'low',
      });
    } else if (spec.type === 'NodePort') {
      out.push({ message: 'type NodePort opens a port on every node', evidence: ['spec.type'] });
    }
    if (Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0) {
      out.push({ message: `externalIPs ${spec.externalIPs.join(', ')}`, evidence: ['spec.externalIPs'] });
    }
    return out;
  },
};
