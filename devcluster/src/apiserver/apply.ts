// Server-side apply (PATCH with application/apply-patch+yaml), as one field manager sees
// it: the applied configuration is the whole intent, so it creates the object or replaces
// what was applied before (a field left out is removed, as when its only manager drops
// it). Server-set metadata and the status are kept. No managedFields, no conflicts
// between managers: enough for helm 4, which installs and upgrades with it.
import type { KubeObject } from '@stance/shared/model/index';
import { badRequest } from './errors.js';

const SERVER_METADATA = ['uid', 'creationTimestamp', 'generation'] as const;

export function serverSideApply(current: KubeObject | undefined, applied: unknown): unknown {
  if (typeof applied !== 'object' || applied === null || Array.isArray(applied)) {
    throw badRequest('the apply configuration must be an object');
  }
  const next = structuredClone(applied) as Partial<KubeObject> & Record<string, unknown>;
  const metadata: Record<string, unknown> = { ...((next.metadata as Record<string, unknown> | undefined) ?? {}) };
  // An apply never carries a resourceVersion precondition unless the client set one.
  if (current) {
    for (const k of SERVER_METADATA) if (current.metadata[k] !== undefined) metadata[k] = current.metadata[k];
    if (current.status !== undefined && next.status === undefined) next.status = current.status;
  }
  delete metadata.managedFields;
  next.metadata = metadata as KubeObject['metadata'];
  return next;
}
