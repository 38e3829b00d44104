// Bare Pods are not recreated when they die or their node goes away, and they escape
// the rollout and review process controllers go through.
import { definePodControl } from './support/define.js';

export const nakedPod = definePodControl(
  {
    id: 'pod.naked',
    title: 'Pod without a controller',
    severity: 'low',
    category: 'Reliability',
    rationale:
      'A Pod created directly is not rescheduled after a node failure, cannot be rolled out or rolled back, and often marks an ad-hoc (or attacker-created) workload.',
    remediation: 'Run the workload through a Deployment, StatefulSet, DaemonSet or Job.',
    frameworks: [{ framework: 'mitre-attack', id: 'T1610' }],
    kinds: ['Pod'],
  },
  ({ subject }) => {
    const owners = subject.metadata.ownerReferences;
    if (Array.isArray(owners) && owners.length > 0) return [];
    return [{ message: `Pod "${subject.metadata.name ?? ''}" has no owner (no controller will recreate it)`, evidence: ['metadata.ownerReferences'] }];
  },
);
