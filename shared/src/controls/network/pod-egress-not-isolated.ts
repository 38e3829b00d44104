// net.pod-egress-not-isolated: a pod (or pod template) whose egress no NetworkPolicy
// restricts can connect anywhere: other pods, the API server, cloud metadata, the internet.
import { podTrafficControl } from './pod-traffic.js';

export const podEgressNotIsolated = podTrafficControl(
  {
    id: 'net.pod-egress-not-isolated',
    title: 'Pod egress not restricted by a NetworkPolicy',
    severity: 'medium',
    category: 'Network',
    rationale:
      'Until a NetworkPolicy selects a pod for egress it can open connections to any address: every pod and Service of the cluster, the node and cloud metadata endpoints (credentials of the node\'s identity) and the internet. A compromised pod then moves laterally, steals cloud credentials and exfiltrates data unhindered.',
    remediation:
      'Add a default-deny egress NetworkPolicy in the namespace (`podSelector: {}`, `policyTypes: [Egress]`, no `egress` rules), then allow what each workload needs: DNS to kube-dns, its own dependencies by podSelector/namespaceSelector, and named external ranges by ipBlock (excluding 169.254.169.254/32). A rule with no `to` and no `ports` allows everything again.',
    frameworks: [
      { framework: 'cis-kubernetes', id: '5.3.2' },
      { framework: 'nsa-cisa', id: 'network-separation' },
      { framework: 'mitre-attack', id: 'T1041' },
    ],
  },
  'Egress',
  'it can connect to any pod, the cloud metadata endpoint and the internet',
);
