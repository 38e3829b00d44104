// /proc masking. Upstream has two checks with different scopes, so two controls:
// PSS baseline `procMount` allows any procMount in a user namespace (hostUsers: false),
// PSS restricted `procMount_restricted` requires the default everywhere.
import type { ContainerRef } from '../../workload/index.js';
import { definePodControl, describe, type PodCheckInput, type Problem } from './support/define.js';
import { inUserNamespace } from '../../workload/index.js';

function unmasked(ref: ContainerRef): boolean {
  const value = ref.container.securityContext?.procMount;
  return value != null && value !== 'Default';
}

function check({ containers, patch }: PodCheckInput): Problem[] {
  const problems: Problem[] = [];
  for (const ref of containers) {
    if (!unmasked(ref)) continue;
    problems.push({
      message: `${describe(ref)} sets procMount ${JSON.stringify(ref.container.securityContext?.procMount)}`,
      evidence: [`${ref.path}.securityContext.procMount`],
    });
    patch.container(ref, { securityContext: { procMount: 'Default' } });
  }
  return problems;
}

const rationale =
  'The default /proc mount masks kernel interfaces (/proc/kcore, /proc/sys, …) that leak host information or allow host changes; Unmasked removes those masks.';
const remediation = 'Remove `securityContext.procMount` or set it to `Default` on every container.';

export const procMount = definePodControl(
  {
    id: 'pod.proc-mount',
    title: 'Unmasked /proc (outside a user namespace)',
    severity: 'high',
    category: 'Pod security',
    rationale,
    remediation: `${remediation} (Pods with hostUsers: false may unmask /proc under the baseline profile.)`,
    frameworks: [
      { framework: 'pss-baseline', id: 'procMount' },
      { framework: 'nsa-cisa', id: 'pod-security' },
    ],
  },
  (input) => (inUserNamespace(input.spec) ? [] : check(input)),
);

export const procMountRestricted = definePodControl(
  {
    id: 'pod.proc-mount-restricted',
    title: 'Unmasked /proc',
    severity: 'medium',
    category: 'Pod security',
    rationale: `${rationale} The restricted profile requires the default mask even in a user namespace.`,
    remediation,
    frameworks: [
      { framework: 'pss-restricted', id: 'procMount_restricted' },
      { framework: 'nsa-cisa', id: 'pod-security' },
    ],
  },
  check,
);
