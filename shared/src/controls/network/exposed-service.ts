// net.exposed-service: Services reachable from outside the cluster network.
import type { Control } from '../../engine/types.js';
import { serviceExposures } from '../../network/service-exposure.js';

export { INTERNAL_LB_ANNOTATIONS } from '../../network/service-exposure.js';

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
  check: (svc) =>
    serviceExposures(svc).map((e) => ({
      message: e.detail,
      evidence: e.evidence,
      ...(e.via === 'load-balancer' ? { severity: e.restricted ? ('low' as const) : ('medium' as const) } : {}),
    })),
};
