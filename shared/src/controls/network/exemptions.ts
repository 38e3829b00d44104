// Built-in network exemptions: system namespaces whose components are managed by the
// platform. Data, so users can list them; `systemExemptions: false` turns them off.
import type { ExemptionRule } from '../../engine/exemption-rules.js';

export const networkExemptions: readonly ExemptionRule[] = [
  {
    controls: ['net.namespace-no-networkpolicy'],
    kinds: ['Namespace'],
    names: ['kube-system', 'kube-public', 'kube-node-lease'],
    reason: 'system namespace: control-plane and add-on components need broad connectivity; isolate them with policies your CNI and distribution support',
  },
  {
    controls: ['net.pod-not-isolated', 'net.pod-egress-not-isolated'],
    namespaces: ['kube-system'],
    reason: 'control-plane and add-on pods in kube-system are managed by the platform',
  },
  {
    controls: ['net.exposed-service'],
    kinds: ['Service'],
    namespaces: ['default'],
    names: ['kubernetes'],
    reason: 'the API server\'s own Service, created by Kubernetes',
  },
];
