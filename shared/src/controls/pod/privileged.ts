// PSS baseline `privileged`: no container of any type may run privileged.
import { definePodControl, describe, type Problem } from './support/define.js';

export const privileged = definePodControl(
  {
    id: 'pod.privileged',
    title: 'Privileged containers',
    severity: 'critical',
    category: 'Pod security',
    rationale:
      'A privileged container has every capability and full access to the host devices; escaping to the node is trivial, so it is equivalent to root on the host.',
    remediation:
      'Remove `securityContext.privileged: true` (or set it to false) on every container; grant only the specific capabilities the workload needs.',
    frameworks: [
      { framework: 'pss-baseline', id: 'privileged' },
      { framework: 'cis-kubernetes', id: '5.2.2' },
      { framework: 'nsa-cisa', id: 'pod-security' },
      { framework: 'mitre-attack', id: 'T1611' },
    ],
  },
  ({ containers, patch }) => {
    const problems: Problem[] = [];
    for (const ref of containers) {
      if (ref.container.securityContext?.privileged !== true) continue;
      problems.push({ message: `${describe(ref)} runs privileged`, evidence: [`${ref.path}.securityContext.privileged`] });
      patch.container(ref, { securityContext: { privileged: false } });
    }
    return problems;
  },
);
