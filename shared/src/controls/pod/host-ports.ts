// PSS baseline `hostPorts`: binding container ports on the node's interfaces.
import { definePodControl, describe, type Problem } from './support/define.js';

export const hostPorts = definePodControl(
  {
    id: 'pod.host-ports',
    title: 'Container ports bound on the host',
    severity: 'medium',
    category: 'Pod security',
    rationale:
      'A hostPort exposes the container directly on the node\'s network interfaces, bypassing Services and NetworkPolicies, and limits scheduling to nodes where the port is free.',
    remediation: 'Remove `hostPort` from container ports and expose the workload through a Service (ClusterIP, NodePort or LoadBalancer).',
    frameworks: [
      { framework: 'pss-baseline', id: 'hostPorts' },
      { framework: 'cis-kubernetes', id: '5.2.13' },
      { framework: 'nsa-cisa', id: 'network-separation' },
    ],
  },
  ({ containers, patch }) => {
    const problems: Problem[] = [];
    for (const ref of containers) {
      const ports = ref.container.ports;
      if (!Array.isArray(ports)) continue;
      const fixes: Record<string, unknown>[] = [];
      ports.forEach((port, i) => {
        if (typeof port?.hostPort !== 'number' || port.hostPort === 0) return;
        problems.push({ message: `${describe(ref)} binds host port ${port.hostPort}`, evidence: [`${ref.path}.ports[${i}].hostPort`] });
        // Ports merge on containerPort; null deletes the field in a strategic-merge patch.
        if (typeof port.containerPort === 'number') fixes.push({ containerPort: port.containerPort, hostPort: null });
      });
      if (fixes.length > 0) patch.container(ref, { ports: fixes });
    }
    return problems;
  },
);
