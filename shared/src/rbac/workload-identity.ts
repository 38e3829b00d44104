// Which ServiceAccount a workload runs as, whether its token is mounted, and whether the
// workload runs at all: what links a pod template to RBAC.
import type { KubeObject } from '../model/object.js';
import type { PodTemplate } from '../workload/pod-template.js';

interface PodIdentity {
  serviceAccountName?: unknown;
  serviceAccount?: unknown;
  automountServiceAccountToken?: unknown;
}

/** Pods that finished, and controllers scaled to zero, run nothing. */
export function isRunning(o: KubeObject): boolean {
  const status = o.status as { phase?: string } | undefined;
  if (o.kind === 'Pod') return status?.phase !== 'Succeeded' && status?.phase !== 'Failed';
  return (o.spec as { replicas?: unknown } | undefined)?.replicas !== 0;
}

/** spec.serviceAccountName, its deprecated alias, or `default`. */
export function serviceAccountOf(t: PodTemplate): string {
  const spec = t.spec as PodIdentity;
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName) return spec.serviceAccountName;
  if (typeof spec.serviceAccount === 'string' && spec.serviceAccount) return spec.serviceAccount;
  return 'default';
}

/** The pod's own automount setting wins over the ServiceAccount's. */
export function mountsToken(t: PodTemplate, sa: KubeObject | undefined): boolean {
  const own = (t.spec as PodIdentity).automountServiceAccountToken;
  if (typeof own === 'boolean') return own;
  return sa?.automountServiceAccountToken !== false;
}
