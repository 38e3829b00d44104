// PSS baseline `hostProbesAndHostLifecycle`: a probe or lifecycle handler with `host`
// makes the kubelet connect to an arbitrary address (a server-side request forgery from
// the node).
import type { ContainerRef, PodPatch } from '../../workload/index.js';
import { definePodControl, describe, isRecord, type Problem } from './support/define.js';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const LIFECYCLE = ['postStart', 'preStop'] as const;
const HANDLERS = ['httpGet', 'tcpSocket'] as const;

export const hostProbes = definePodControl(
  {
    id: 'pod.host-probes',
    title: 'Probes or lifecycle handlers target another host',
    severity: 'medium',
    category: 'Pod security',
    rationale:
      'The kubelet runs probes and lifecycle hooks from the node; a `host` field lets a workload make the node send requests to any address, including node-local services and cloud metadata endpoints.',
    remediation: 'Remove the `host` field from httpGet and tcpSocket probes and lifecycle handlers (they then target the Pod IP).',
    frameworks: [
      { framework: 'pss-baseline', id: 'hostProbesAndHostLifecycle' },
      { framework: 'nsa-cisa', id: 'pod-security' },
    ],
  },
  ({ containers, patch }) => {
    const problems: Problem[] = [];
    for (const ref of containers) {
      const c = ref.container;
      // Plain loops, paths built only for a finding: this runs for every pod-bearing subject.
      for (const p of PROBES) hostTargets(ref, c[p], p, false, problems, patch);
      if (!isRecord(c.lifecycle)) continue;
      for (const l of LIFECYCLE) hostTargets(ref, c.lifecycle[l], l, true, problems, patch);
    }
    return problems;
  },
);

/** Problems (and fixes) for the httpGet/tcpSocket handlers of one probe or hook that set `host`. */
function hostTargets(ref: ContainerRef, handler: unknown, name: string, lifecycle: boolean, problems: Problem[], patch: PodPatch): void {
  if (!isRecord(handler)) return;
  for (const kind of HANDLERS) {
    const h = handler[kind];
    if (!isRecord(h) || typeof h.host !== 'string' || h.host === '') continue;
    const rel = lifecycle ? `lifecycle.${name}` : name;
    problems.push({ message: `${describe(ref)} ${rel}.${kind} targets host ${JSON.stringify(h.host)}`, evidence: [`${ref.path}.${rel}.${kind}.host`] });
    const fix = { [name]: { [kind]: { host: null } } };
    patch.container(ref, lifecycle ? { lifecycle: fix } : fix);
  }
}
