// Objects of a kind in the subject's namespace. Manifests in `stance scan` may leave the
// namespace out: those count as one namespace of their own (they apply together).
import type { ClusterView } from '../engine/types.js';
import type { KubeObject } from '../model/object.js';

export function listInNamespace(view: ClusterView, kind: string, namespace: string | undefined): KubeObject[] {
  if (namespace) return view.list(kind, namespace);
  return view.list(kind).filter((o) => !o.metadata.namespace);
}
