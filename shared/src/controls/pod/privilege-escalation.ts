// PSS restricted `allowPrivilegeEscalation`: every container must set it to false
// (unset means allowed: setuid binaries and file capabilities can raise privileges).
import { definePodControl, describe, type Problem } from './support/define.js';
import { isWindowsPod } from '../../workload/index.js';

export const privilegeEscalation = definePodControl(
  {
    id: 'pod.privilege-escalation',
    title: 'Privilege escalation allowed',
    severity: 'medium',
    category: 'Pod security',
    rationale:
      'Unless allowPrivilegeEscalation is false, a process can gain more privileges than its parent (setuid binaries, file capabilities), turning a foothold into root in the container.',
    remediation: 'Set `securityContext.allowPrivilegeEscalation: false` on every container. (Not required for Windows pods.)',
    frameworks: [
      { framework: 'pss-restricted', id: 'allowPrivilegeEscalation' },
      { framework: 'cis-kubernetes', id: '5.2.6' },
      { framework: 'nsa-cisa', id: 'pod-security' },
      { framework: 'mitre-attack', id: 'T1611' },
    ],
  },
  ({ spec, containers, patch }) => {
    // Windows has no setuid or no_new_privs: upstream exempts Windows pods (1.25+).
    if (isWindowsPod(spec)) return [];
    const problems: Problem[] = [];
    for (const ref of containers) {
      const value = ref.container.securityContext?.allowPrivilegeEscalation;
      if (value === false) continue;
      problems.push({
        message: `${describe(ref)} ${value === true ? 'sets allowPrivilegeEscalation: true' : 'does not set allowPrivilegeEscalation: false'}`,
        evidence: [`${ref.path}.securityContext.allowPrivilegeEscalation`],
      });
      patch.container(ref, { securityContext: { allowPrivilegeEscalation: false } });
    }
    return problems;
  },
);
