// Workloads in the `default` namespace share it with everything deployed without
// thought: policies, quotas and RBAC scoped to it are rarely tight.
import { definePodControl } from './support/define.js';

export const defaultNamespace = definePodControl(
  {
    id: 'pod.default-namespace',
    title: 'Workload in the default namespace',
    severity: 'low',
    category: 'Workload isolation',
    rationale:
      'The default namespace is where unscoped objects land; using dedicated namespaces is what lets RBAC, NetworkPolicies, quotas and Pod Security labels separate workloads.',
    remediation: 'Deploy the workload into a dedicated namespace with its own RBAC, NetworkPolicies and pod-security labels.',
    frameworks: [
      { framework: 'cis-kubernetes', id: '5.7.4' },
      { framework: 'nsa-cisa', id: 'network-separation' },
    ],
  },
  ({ subject }) => {
    const ns = subject.metadata.namespace;
    // A manifest without a namespace lands wherever it is applied: not judged here.
    if (ns === undefined || ns === '') return null;
    return ns === 'default' ? [{ message: `${subject.kind} "${subject.metadata.name ?? ''}" is in the default namespace`, evidence: ['metadata.namespace'] }] : [];
  },
);
