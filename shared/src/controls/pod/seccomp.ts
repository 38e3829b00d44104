// Seccomp: PSS baseline forbids `Unconfined` anywhere (`seccompProfile_baseline`); PSS
// restricted requires RuntimeDefault or Localhost for every container, set at pod level
// (inherited) or on the container (`seccompProfile_restricted`).
import { definePodControl, describe, type Problem } from './support/define.js';
import { isWindowsPod } from '../../workload/index.js';

const RUNTIME_DEFAULT = { seccompProfile: { type: 'RuntimeDefault' } };

function validRestricted(type: unknown): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

export const seccompUnconfined = definePodControl(
  {
    id: 'pod.seccomp-unconfined',
    title: 'Seccomp disabled (Unconfined)',
    severity: 'medium',
    category: 'Pod security',
    rationale:
      'An Unconfined seccomp profile lets the container call every syscall, including the rarely used ones most kernel exploits go through.',
    remediation: 'Set `securityContext.seccompProfile.type` to `RuntimeDefault` (or a `Localhost` profile) instead of `Unconfined`.',
    frameworks: [
      { framework: 'pss-baseline', id: 'seccompProfile_baseline' },
      { framework: 'nsa-cisa', id: 'pod-security' },
      { framework: 'mitre-attack', id: 'T1611' },
    ],
  },
  ({ spec, template, containers, patch }) => {
    const problems: Problem[] = [];
    if (spec.securityContext?.seccompProfile?.type === 'Unconfined') {
      problems.push({ message: 'pod sets seccomp profile Unconfined', evidence: [`${template.specPath}.securityContext.seccompProfile.type`] });
      patch.pod({ securityContext: RUNTIME_DEFAULT });
    }
    for (const ref of containers) {
      if (ref.container.securityContext?.seccompProfile?.type !== 'Unconfined') continue;
      problems.push({ message: `${describe(ref)} sets seccomp profile Unconfined`, evidence: [`${ref.path}.securityContext.seccompProfile.type`] });
      patch.container(ref, { securityContext: RUNTIME_DEFAULT });
    }
    return problems;
  },
);

export const seccompMissing = definePodControl(
  {
    id: 'pod.seccomp-missing',
    title: 'No seccomp profile (RuntimeDefault or Localhost)',
    severity: 'low',
    category: 'Pod security',
    rationale:
      'Kubernetes runs containers without seccomp unless a profile is set; RuntimeDefault blocks dangerous syscalls at almost no compatibility cost.',
    remediation:
      'Set `securityContext.seccompProfile.type: RuntimeDefault` at pod level (or Localhost with a profile), or on every container. (Not required for Windows pods.)',
    frameworks: [
      { framework: 'pss-restricted', id: 'seccompProfile_restricted' },
      { framework: 'cis-kubernetes', id: '5.7.2' },
      { framework: 'nsa-cisa', id: 'pod-security' },
    ],
  },
  ({ spec, template, containers, patch }) => {
    if (isWindowsPod(spec)) return [];
    const problems: Problem[] = [];
    const podProfile = spec.securityContext?.seccompProfile;
    const podPath = `${template.specPath}.securityContext.seccompProfile`;
    const podValid = podProfile != null && validRestricted(podProfile.type);
    if (podProfile != null && !podValid) {
      problems.push({ message: `pod sets seccomp profile ${JSON.stringify(podProfile.type ?? '')}`, evidence: [`${podPath}.type`] });
    }
    const implicit: string[] = [];
    for (const ref of containers) {
      const profile = ref.container.securityContext?.seccompProfile;
      if (profile != null) {
        if (validRestricted(profile.type)) continue;
        problems.push({
          message: `${describe(ref)} sets seccomp profile ${JSON.stringify(profile.type ?? '')}`,
          evidence: [`${ref.path}.securityContext.seccompProfile.type`],
        });
        patch.container(ref, { securityContext: RUNTIME_DEFAULT });
      } else if (!podValid) {
        implicit.push(describe(ref));
      }
    }
    if (implicit.length > 0 && podProfile == null) {
      problems.push({ message: `pod or ${implicit.join(', ')} must set a RuntimeDefault or Localhost seccomp profile`, evidence: [podPath] });
    }
    if (!podValid && (podProfile != null || implicit.length > 0)) patch.pod({ securityContext: RUNTIME_DEFAULT });
    return problems;
  },
);
