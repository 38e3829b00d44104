// net.namespace-no-networkpolicy: a namespace running workloads without any NetworkPolicy.
import type { Control } from '../../engine/types.js';
import { POD_BEARING_KINDS } from '../../model/index.js';

/**
 * Controllers before what they create: a namespace with a Deployment never lists (so never
 * depends on) its Pods, which churn far more and are far more numerous.
 */
export const CHEAPEST_FIRST = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'ReplicationController', 'Job', 'ReplicaSet', 'Pod'] as const;

export const namespaceNoNetworkPolicy: Control = {
  id: 'net.namespace-no-networkpolicy',
  title: 'Namespace with workloads has no NetworkPolicy',
  severity: 'medium',
  category: 'Network',
  rationale:
    'Without any NetworkPolicy every pod of the namespace is reachable from, and can reach, every pod of the cluster: no segmentation limits lateral movement.',
  remediation:
    'Create a default-deny NetworkPolicy in the namespace (`podSelector: {}`, `policyTypes: [Ingress, Egress]`) and allow the flows each workload needs.',
  frameworks: [
    { framework: 'cis-kubernetes', id: '5.3.2' },
    { framework: 'nsa-cisa', id: 'network-separation' },
  ],
  kinds: ['Namespace'],
  reads: ['NetworkPolicy', ...POD_BEARING_KINDS],
  check(ns, ctx) {
    const name = ns.metadata.name ?? '';
    // Cheapest first: a namespace with a policy passes without listing its workloads.
    if (ctx.view.list('NetworkPolicy', name).length > 0) return [];
    for (const kind of CHEAPEST_FIRST) {
      const first = ctx.view.list(kind, name)[0];
      if (first) {
        return [
          {
            message: `namespace ${name} runs workloads (e.g. ${kind} ${first.metadata.name}) and has no NetworkPolicy`,
            evidence: ['metadata.name'],
          },
        ];
      }
    }
    return null; // nothing runs here
  },
};
