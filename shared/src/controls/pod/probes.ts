// Liveness and readiness probes for long-running containers. Run-to-completion pods
// (Jobs, CronJobs, restartPolicy Never/OnFailure) and init containers are not expected to
// have them; sidecars (init containers with restartPolicy Always) are.
import type { KubeObject } from '../../model/object.js';
import type { ContainerRef, PodSpecLike } from '../../workload/index.js';
import { isSidecar } from '../../workload/index.js';
import { definePodControl, describe, type PodCheckInput, type Problem } from './support/define.js';

function runsToCompletion(subject: KubeObject, spec: PodSpecLike): boolean {
  if (subject.kind === 'Job' || subject.kind === 'CronJob') return true;
  if (subject.metadata.ownerReferences?.some((o) => o.kind === 'Job')) return true;
  return spec.restartPolicy === 'Never' || spec.restartPolicy === 'OnFailure';
}

function longRunning(containers: ContainerRef[]): ContainerRef[] {
  return containers.filter((c) => c.type === 'containers' || isSidecar(c));
}

function probeCheck(field: 'livenessProbe' | 'readinessProbe') {
  return ({ subject, spec, containers }: PodCheckInput): Problem[] | null => {
    if (runsToCompletion(subject, spec)) return null;
    return longRunning(containers)
      .filter((ref) => ref.container[field] == null)
      .map((ref) => ({ message: `${describe(ref)} has no ${field}`, evidence: [`${ref.path}.${field}`] }));
  };
}

export const livenessProbe = definePodControl(
  {
    id: 'pod.liveness-probe',
    title: 'Missing liveness probe',
    severity: 'low',
    category: 'Reliability',
    rationale: 'Without a liveness probe a hung process keeps its pod Running and is never restarted.',
    remediation: 'Add a `livenessProbe` (httpGet, tcpSocket, grpc or exec) to every long-running container.',
    frameworks: [],
  },
  probeCheck('livenessProbe'),
);

export const readinessProbe = definePodControl(
  {
    id: 'pod.readiness-probe',
    title: 'Missing readiness probe',
    severity: 'low',
    category: 'Reliability',
    rationale: 'Without a readiness probe Services send traffic to pods that are still starting or have stopped serving.',
    remediation: 'Add a `readinessProbe` to every long-running container that serves traffic.',
    frameworks: [],
  },
  probeCheck('readinessProbe'),
);
