// PSS baseline `hostPathVolumes`, and the critical special case of mounting a container
// runtime socket (control of the runtime means control of every container on the node).
import { definePodControl, type Problem } from './support/define.js';
import type { VolumeLike } from '../../workload/index.js';

function hostPathVolumes(volumes: unknown): { volume: VolumeLike; index: number }[] {
  if (!Array.isArray(volumes)) return [];
  return volumes
    .map((volume: VolumeLike, index) => ({ volume, index }))
    .filter(({ volume }) => typeof volume === 'object' && volume !== null && volume.hostPath != null);
}

export const hostPath = definePodControl(
  {
    id: 'pod.host-path',
    title: 'hostPath volumes',
    severity: 'high',
    category: 'Pod security',
    rationale:
      'A hostPath volume exposes the node filesystem to the container; writable mounts of host directories allow tampering with kubelet credentials, other pods\' data or binaries run by the host.',
    remediation:
      'Replace hostPath volumes with emptyDir, configMap, secret, projected or persistentVolumeClaim volumes; if host access is required, mount the narrowest path read-only and isolate the workload.',
    frameworks: [
      { framework: 'pss-baseline', id: 'hostPathVolumes' },
      { framework: 'cis-kubernetes', id: '5.2.12' },
      { framework: 'nsa-cisa', id: 'pod-security' },
      { framework: 'mitre-attack', id: 'T1611' },
    ],
  },
  ({ spec, template }) =>
    hostPathVolumes(spec.volumes).map(({ volume, index }) => ({
      message: `volume "${volume.name ?? index}" mounts host path ${JSON.stringify(volume.hostPath?.path ?? '')}`,
      evidence: [`${template.specPath}.volumes[${index}].hostPath`],
    })),
);

/** Sockets (and the directories holding them) that give control of a container runtime. */
export const RUNTIME_SOCKET_PATHS: readonly string[] = [
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/var/run/cri-dockerd.sock',
  '/run/cri-dockerd.sock',
  '/var/run/containerd/containerd.sock',
  '/run/containerd/containerd.sock',
  '/run/k3s/containerd/containerd.sock',
  '/var/run/crio/crio.sock',
  '/run/crio/crio.sock',
  '/run/podman/podman.sock',
  '/var/run/podman/podman.sock',
];

function normalize(path: string): string {
  const collapsed = path.replace(/\/+/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
}

/** The runtime socket a host path exposes: the socket itself or a directory above it. */
export function runtimeSocketUnder(path: string): string | undefined {
  const p = normalize(path);
  // Mounting `/` exposes every socket; a directory exposes the sockets below it.
  return RUNTIME_SOCKET_PATHS.find((sock) => sock === p || p === '/' || sock.startsWith(`${p}/`));
}

export const runtimeSocketMount = definePodControl(
  {
    id: 'pod.runtime-socket-mount',
    title: 'Container runtime socket mounted',
    severity: 'critical',
    category: 'Pod security',
    rationale:
      'Whoever talks to the Docker, containerd or CRI-O socket can start privileged containers on the node and read every container\'s secrets: mounting it is a full node compromise.',
    remediation:
      'Remove hostPath volumes that point at a container runtime socket or a directory containing one (/var/run, /run/containerd, …). Build images with rootless builders (e.g. BuildKit rootless, kaniko) instead of the node runtime.',
    frameworks: [
      { framework: 'nsa-cisa', id: 'pod-security' },
      { framework: 'mitre-attack', id: 'T1611' },
      { framework: 'mitre-attack', id: 'T1610' },
    ],
  },
  ({ spec, template }) => {
    const problems: Problem[] = [];
    for (const { volume, index } of hostPathVolumes(spec.volumes)) {
      const path = volume.hostPath?.path;
      if (typeof path !== 'string') continue;
      const sock = runtimeSocketUnder(path);
      if (!sock) continue;
      const what = normalize(path) === sock ? `the runtime socket ${sock}` : `${JSON.stringify(path)}, which contains the runtime socket ${sock}`;
      problems.push({ message: `volume "${volume.name ?? index}" mounts ${what}`, evidence: [`${template.specPath}.volumes[${index}].hostPath.path`] });
    }
    return problems;
  },
);
