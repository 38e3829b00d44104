// net.pod-not-isolated: a pod (or pod template) whose ingress no NetworkPolicy restricts
// accepts traffic from every pod in the cluster.
import { podTrafficControl } from './pod-traffic.js';

export const podNotIsolated = podTrafficControl(
  {
    id: 'net.pod-not-isolated',
    title: 'Pod not isolated by a NetworkPolicy',
    severity: 'medium',
    category: 'Network',
    rationale:
      'Pods accept traffic from any pod in any namespace until a NetworkPolicy selects them for ingress. An attacker in one compromised pod can then reach every other service laterally.',
    remediation:
      'Add a NetworkPolicy in the namespace that selects these pods (a default-deny `podSelector: {}` with `policyTypes: [Ingress, Egress]`, then policies allowing the traffic the workload needs). Your CNI must enforce NetworkPolicies.',
    frameworks: [
      { framework: 'cis-kubernetes', id: '5.3.2' },
      { framework: 'nsa-cisa', id: 'network-separation' },
      { framework: 'mitre-attack', id: 'T1021' },
    ],
  },
  'Ingress',
  'every pod of the cluster can connect to it',
);
