// PSS restricted `runAsNonRoot` and `runAsUser`: containers must be required to run as
// a non-root user, and never with UID 0 explicitly. Pods in a user namespace
// (hostUsers: false) are exempt upstream: their root is unprivileged on the node.
import { definePodControl, describe, type Problem } from './support/define.js';
import { inUserNamespace } from '../../workload/index.js';

export const runAsRoot = definePodControl(
  {
    id: 'pod.run-as-root',
    title: 'Containers may run as root',
    severity: 'medium',
    category: 'Pod security',
    rationale:
      'Without runAsNonRoot: true the kubelet starts images whose user is root; root in a container is one kernel bug or misconfiguration away from root on the node.',
    remediation:
      'Set `securityContext.runAsNonRoot: true` at pod level (containers inherit it) and never override it with false on a container; build images with a non-root USER.',
    frameworks: [
      { framework: 'pss-restricted', id: 'runAsNonRoot' },
      { framework: 'cis-kubernetes', id: '5.2.7' },
      { framework: 'nsa-cisa', id: 'pod-security' },
      { framework: 'mitre-attack', id: 'T1611' },
    ],
  },
  ({ spec, template, containers, patch }) => {
    if (inUserNamespace(spec)) return [];
    const problems: Problem[] = [];
    const podPath = `${template.specPath}.securityContext.runAsNonRoot`;
    const podValue = spec.securityContext?.runAsNonRoot;
    if (podValue === false) {
      problems.push({ message: 'pod sets runAsNonRoot: false', evidence: [podPath] });
    }
    const implicit: string[] = [];
    for (const ref of containers) {
      const value = ref.container.securityContext?.runAsNonRoot;
      if (value === false) {
        problems.push({ message: `${describe(ref)} sets runAsNonRoot: false`, evidence: [`${ref.path}.securityContext.runAsNonRoot`] });
        patch.container(ref, { securityContext: { runAsNonRoot: true } });
      } else if (value !== true && podValue !== true) {
        implicit.push(describe(ref));
      }
    }
    if (implicit.length > 0) {
      problems.push({ message: `pod or ${implicit.join(', ')} must set runAsNonRoot: true`, evidence: [podPath] });
    }
    if (podValue === false || implicit.length > 0) patch.pod({ securityContext: { runAsNonRoot: true } });
    return problems;
  },
);

export const runAsUid0 = definePodControl(
  {
    id: 'pod.run-as-uid-0',
    title: 'Containers run as UID 0',
    severity: 'high',
    category: 'Pod security',
    rationale: 'runAsUser: 0 runs the container as root explicitly, whatever the image says.',
    remediation:
      'Set `securityContext.runAsUser` to a non-zero UID the image supports (or remove it and rely on the image USER with runAsNonRoot: true).',
    frameworks: [
      { framework: 'pss-restricted', id: 'runAsUser' },
      { framework: 'cis-kubernetes', id: '5.2.7' },
      { framework: 'nsa-cisa', id: 'pod-security' },
    ],
  },
  ({ spec, template, containers }) => {
    if (inUserNamespace(spec)) return [];
    const problems: Problem[] = [];
    if (spec.securityContext?.runAsUser === 0) {
      problems.push({ message: 'pod sets runAsUser: 0', evidence: [`${template.specPath}.securityContext.runAsUser`] });
    }
    for (const ref of containers) {
      if (ref.container.securityContext?.runAsUser !== 0) continue;
      problems.push({ message: `${describe(ref)} sets runAsUser: 0`, evidence: [`${ref.path}.securityContext.runAsUser`] });
    }
    // No patch: which UID the image can run as is the workload owner's choice.
    return problems;
  },
);
