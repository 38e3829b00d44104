// What a pod template can reach of its node: privileged containers, host namespaces,
// host paths and dangerous capabilities; and which of them alone take the node over.
import { DANGEROUS_CAPABILITIES } from '../controls/pod/capabilities.js';
import { containersOf } from '../workload/containers.js';
import type { PodTemplate } from '../workload/pod-template.js';
import type { HostAccess } from './types.js';

/** Host paths whose access is control of the node (runtime sockets, kubelet state, system trees). */
const SENSITIVE_HOST_PATHS = [
  '/etc',
  '/root',
  '/proc',
  '/sys',
  '/dev',
  '/boot',
  '/var/run',
  '/run',
  '/var/lib/kubelet',
  '/var/lib/docker',
  '/var/lib/containerd',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
];

/** Capabilities that escape to the node on their own (SYS_PTRACE needs hostPID as well). */
const ESCAPE_CAPABILITIES = new Set(['ALL', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_RAWIO', 'DAC_READ_SEARCH', 'BPF']);

function sensitive(path: string): boolean {
  const p = path.replace(/\/+$/, '') || '/';
  return p === '/' || SENSITIVE_HOST_PATHS.some((s) => p === s || p.startsWith(`${s}/`));
}

interface MountLike {
  name?: unknown;
  readOnly?: unknown;
}

export function hostAccessOf(t: PodTemplate): HostAccess[] {
  const spec = t.spec;
  const out: HostAccess[] = [];
  const containers = containersOf(spec, t.specPath);
  const hostPID = spec.hostPID === true;
  for (const ref of containers) {
    if (ref.container.securityContext?.privileged === true) out.push({ detail: `privileged container ${ref.name}`, takeover: true });
  }
  if (hostPID) out.push({ detail: 'hostPID (every process of the node)', takeover: true });
  if (spec.hostIPC === true) out.push({ detail: 'hostIPC', takeover: false });
  if (spec.hostNetwork === true) out.push({ detail: 'hostNetwork', takeover: false });
  const volumes = Array.isArray(spec.volumes) ? spec.volumes : [];
  for (const v of volumes) {
    const path = v?.hostPath?.path;
    if (typeof path !== 'string') continue;
    const mounts = containers.flatMap((c) => (Array.isArray(c.container.volumeMounts) ? (c.container.volumeMounts as MountLike[]) : []).filter((m) => m?.name === v.name));
    const writable = mounts.some((m) => m.readOnly !== true);
    out.push({ detail: `hostPath ${path}${writable ? '' : ' (read-only)'}`, takeover: sensitive(path) || writable });
  }
  const caps = new Set<string>();
  for (const ref of containers) {
    const add = ref.container.securityContext?.capabilities?.add;
    for (const c of Array.isArray(add) ? add : []) if (typeof c === 'string') caps.add(c.toUpperCase().replace(/^CAP_/, ''));
  }
  for (const cap of caps) {
    if (!DANGEROUS_CAPABILITIES.has(cap) || cap === 'NET_ADMIN' || cap === 'PERFMON') continue;
    out.push({ detail: `capability ${cap}`, takeover: ESCAPE_CAPABILITIES.has(cap) || (cap === 'SYS_PTRACE' && hostPID) });
  }
  return out;
}
