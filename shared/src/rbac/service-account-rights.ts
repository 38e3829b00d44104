// What a ServiceAccount may do that matters: the powerful rights it holds through any
// RoleBinding (any namespace) or ClusterRoleBinding naming it, its username or its groups.
import type { ClusterView } from '../engine/types.js';
import { describeVia, heldRights, permissionsOf } from './effective.js';

export interface RightsVia {
  /** Labels of the rights, e.g. "get/list/watch on Secrets". */
  rights: string[];
  /** "in namespace x via RoleBinding b → Role r" / "cluster-wide via ClusterRoleBinding …" */
  via: string;
}

export function powerfulRightsOf(view: ClusterView, namespace: string, name: string): RightsVia[] {
  const byBinding = new Map<unknown, RightsVia>();
  for (const h of heldRights(permissionsOf(view, { kind: 'ServiceAccount', namespace, name }).grants)) {
    const seen = byBinding.get(h.binding);
    if (seen) seen.rights.push(h.right.label);
    else byBinding.set(h.binding, { rights: [h.right.label], via: describeVia(h) });
  }
  return [...byBinding.values()];
}

export function describeHeld(held: readonly RightsVia[]): string {
  return held.map((h) => `${h.rights.join(', ')} ${h.via}`).join('; ');
}
