// What an object may carry out of the cluster: no managedFields (noise), and for Secrets
// nothing but metadata — their values never leave the agent.
import type { KubeObject } from '@stance/shared/model/index';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export function sanitize(obj: KubeObject, kind: string, apiVersion: string): KubeObject {
  const meta = { ...obj.metadata };
  delete meta.managedFields;
  if (kind === 'Secret') {
    // The last-applied annotation holds a copy of the data.
    if (meta.annotations && LAST_APPLIED in meta.annotations) {
      const { [LAST_APPLIED]: _dropped, ...rest } = meta.annotations;
      meta.annotations = rest;
    }
    const out: KubeObject = { apiVersion, kind, metadata: meta };
    if (typeof obj.type === 'string') out.type = obj.type;
    if (typeof obj.immutable === 'boolean') out.immutable = obj.immutable;
    return out;
  }
  // Metadata-only listings answer PartialObjectMetadata; name the real kind again.
  return { ...obj, apiVersion, kind, metadata: meta };
}

/** Stands in for an object too large to send: its identity survives, its body does not. */
export function truncated(obj: KubeObject, bytes: number): KubeObject {
  const meta = { ...obj.metadata };
  delete meta.managedFields;
  meta.annotations = { ...(meta.annotations ?? {}), 'stance.dev/truncated': `object of ${bytes} bytes exceeds the agent's limit` };
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: meta };
}
