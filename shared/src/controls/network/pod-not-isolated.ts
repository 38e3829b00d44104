// net.pod-not-isolated: a pod (or pod template) that no NetworkPolicy selects for ingress
// accepts traffic from every pod in the cluster.
import type { Control } from '../../engine/types.js';
import { POD_BEARING_KINDS, type KubeObject } from '../../model/index.js';
import { isolationOf } from '../../network/policy.js';
import { podTemplateOf } from '../../workload/pod-template.js';
import { listInNamespace } from '../../network/same-namespace.js';

function finished(o: KubeObject): boolean {
  const phase = (o.status as { phase?: string } | undefined)?.phase;
  return o.kind === 'Pod' && (phase === 'Succeeded' || phase === 'Failed');
}

export const podNotIsolated: Control = {
  id: 'net.pod-not-isolated',
  title: 'Pod not isolated by a NetworkPolicy',
  severity: 'medium',
  category: 'Network',
  rationale:
    'Pods accept traffic from any pod in any namespace until a NetworkPolicy selects them. An attacker in one compromised pod can then reach every other service laterally.',
  remediation:
    'Add a NetworkPolicy in the namespace that selects these pods (a default-deny `podSelector: {}` with `policyTypes: [Ingress, Egress]`, then policies allowing the traffic the workload needs). Your CNI must enforce NetworkPolicies.',
  frameworks: [
    { framework: 'cis-kubernetes', id: '5.3.2' },
    { framework: 'nsa-cisa', id: 'network-separation' },
    { framework: 'mitre-attack', id: 'T1021' },
  ],
  kinds: POD_BEARING_KINDS,
  reads: ['NetworkPolicy'],
  check(subject, ctx) {
    const template = podTemplateOf(subject);
    if (!template || finished(subject)) return null;
    if ((template.spec as { hostNetwork?: unknown }).hostNetwork === true) {
      return [
        {
          message: 'uses hostNetwork: NetworkPolicies do not apply to host-network pods',
          evidence: [`${template.specPath}.hostNetwork`],
        },
      ];
    }
    const policies = listInNamespace(ctx.view, 'NetworkPolicy', subject.metadata.namespace);
    const isolation = isolationOf(policies, template.metadata.labels);
    if (isolation.ingress.length > 0) return [];
    const egress = isolation.egress.length > 0 ? '' : ' and no egress policy either';
    return [
      {
        message: `selected by no ingress NetworkPolicy${egress} in namespace ${subject.metadata.namespace ?? '(unset)'}`,
        evidence: [`${template.metadataPath}.labels`],
      },
    ];
  },
};
