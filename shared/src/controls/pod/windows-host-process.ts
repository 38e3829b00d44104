// PSS baseline `windowsHostProcess`: HostProcess containers run directly on the Windows
// node with host privileges: the Windows equivalent of privileged.
import { definePodControl, describe, type Problem } from './support/define.js';

export const windowsHostProcess = definePodControl(
  {
    id: 'pod.windows-host-process',
    title: 'Windows HostProcess containers',
    severity: 'critical',
    category: 'Pod security',
    rationale: 'A Windows HostProcess container runs as a process on the node with access to the host network, filesystem and devices.',
    remediation: 'Remove `securityContext.windowsOptions.hostProcess: true` at pod and container level.',
    frameworks: [
      { framework: 'pss-baseline', id: 'windowsHostProcess' },
      { framework: 'cis-kubernetes', id: '5.2.11' },
      { framework: 'nsa-cisa', id: 'pod-security' },
      { framework: 'mitre-attack', id: 'T1611' },
    ],
  },
  ({ spec, template, containers, patch }) => {
    const problems: Problem[] = [];
    const fix = { securityContext: { windowsOptions: { hostProcess: false } } };
    if (spec.securityContext?.windowsOptions?.hostProcess === true) {
      problems.push({ message: 'pod sets windowsOptions.hostProcess: true', evidence: [`${template.specPath}.securityContext.windowsOptions.hostProcess`] });
      patch.pod(fix);
    }
    for (const ref of containers) {
      if (ref.container.securityContext?.windowsOptions?.hostProcess !== true) continue;
      problems.push({ message: `${describe(ref)} sets windowsOptions.hostProcess: true`, evidence: [`${ref.path}.securityContext.windowsOptions.hostProcess`] });
      patch.container(ref, fix);
    }
    return problems;
  },
);
