// PSS baseline `hostNamespaces`: sharing the host's PID, IPC or network namespace.
import type { Control } from '../../engine/types.js';
import { definePodControl } from './support/define.js';

type HostField = 'hostPID' | 'hostIPC' | 'hostNetwork';

function hostNamespaceControl(field: HostField, id: string, cis: string, title: string, rationale: string): Control {
  return definePodControl(
    {
      id,
      title,
      severity: 'high',
      category: 'Pod security',
      rationale,
      remediation: `Remove \`${field}: true\` from the Pod spec (or set it to false).`,
      frameworks: [
        { framework: 'pss-baseline', id: 'hostNamespaces' },
        { framework: 'cis-kubernetes', id: cis },
        { framework: 'nsa-cisa', id: 'pod-security' },
        { framework: 'mitre-attack', id: 'T1611' },
      ],
    },
    ({ spec, template, patch }) => {
      if (spec[field] !== true) return [];
      patch.pod({ [field]: false });
      return [{ message: `pod sets ${field}: true`, evidence: [`${template.specPath}.${field}`] }];
    },
  );
}

export const hostPid = hostNamespaceControl(
  'hostPID',
  'pod.host-pid',
  '5.2.3',
  'Containers share the host PID namespace',
  'With the host PID namespace a container sees and can signal or ptrace every process on the node, and read their environment and memory.',
);

export const hostIpc = hostNamespaceControl(
  'hostIPC',
  'pod.host-ipc',
  '5.2.4',
  'Containers share the host IPC namespace',
  'With the host IPC namespace a container can read and write shared memory of every process on the node.',
);

export const hostNetwork = hostNamespaceControl(
  'hostNetwork',
  'pod.host-network',
  '5.2.5',
  'Containers share the host network namespace',
  'With the host network a container can sniff node traffic, reach services bound to localhost on the node, and bypasses NetworkPolicies.',
);
