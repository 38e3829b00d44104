// Read-only root filesystems stop attackers from dropping tools or modifying binaries.
import { definePodControl, describe, type Problem } from './support/define.js';
import { isWindowsPod } from '../../workload/index.js';

export const writableRootFs = definePodControl(
  {
    id: 'pod.writable-root-fs',
    title: 'Writable root filesystem',
    severity: 'low',
    category: 'Pod security',
    rationale:
      'A writable container filesystem lets an intruder download tools, modify binaries and persist inside the container; immutable containers make that much harder.',
    remediation:
      'Set `securityContext.readOnlyRootFilesystem: true` on every container and mount emptyDir volumes at the paths the application writes to (e.g. /tmp).',
    frameworks: [
      { framework: 'nsa-cisa', id: 'pod-security' },
      { framework: 'cis-kubernetes', id: '5.7.3' },
    ],
  },
  ({ spec, containers, patch }) => {
    // Windows containers do not support read-only root filesystems.
    if (isWindowsPod(spec)) return null;
    const problems: Problem[] = [];
    for (const ref of containers) {
      // Ephemeral debug containers are interactive by nature.
      if (ref.type === 'ephemeralContainers') continue;
      if (ref.container.securityContext?.readOnlyRootFilesystem === true) continue;
      problems.push({ message: `${describe(ref)} has a writable root filesystem`, evidence: [`${ref.path}.securityContext.readOnlyRootFilesystem`] });
      patch.container(ref, { securityContext: { readOnlyRootFilesystem: true } });
    }
    return problems;
  },
);
