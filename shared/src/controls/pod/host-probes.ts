// PSS baseline `hostProbesAndHostLifecycle`: a probe or lifecycle handler with `host`
// makes the kubelet connect to an arbitrary address (a server-side request forgery from
// the node).
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
      const handlers: { path: string; handler: unknown; fixAt: (f: Record<string, unknown>) => Record<string, unknown> }[] = [
        ...PROBES.map((p) => ({ path: `${ref.path}.${p}`, handler: c[p], fixAt: (f: Record<string, unknown>) => ({ [p]: f }) })),
        ...LIFECYCLE.map((l) => ({
          path: `${ref.path}.lifecycle.${l}`,
          handler: isRecord(c.lifecycle) ? c.lifecycle[l] : undefined,
          fixAt: (f: Record<string, unknown>) => ({ lifecycle: { [l]: f } }),
        })),
      ];
      for (const { path, handler, fixAt } of handlers) {
        if (!isRecord(handler)) continue;
        for (const kind of HANDLERS) {
          const h = handler[kind];
          if (!isRecord(h) || typeof h.host !== 'string' || h.host === '') continue;
          problems.push({ message: `${describe(ref)} ${path.slice(ref.path.length + 1)}.${kind} targets host ${JSON.stringify(h.host)}`, evidence: [`${path}.${kind}.host`] });
          patch.container(ref, fixAt({ [kind]: { host: null } }));
        }
      }
    }
    return problems;
  },
);
