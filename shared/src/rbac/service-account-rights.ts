// What a ServiceAccount may do that matters: the powerful rights it holds through any
// RoleBinding (any namespace) or ClusterRoleBinding naming it, its username or its groups.
import type { ClusterView } from '../engine/types.js';
import { resolveRoleRef } from './resolve.js';
import { POWERFUL_RIGHTS } from './rights.js';
import { bindingsForServiceAccountIn } from './subjects.js';

export interface HeldRight {
  /** Labels of the rights, e.g. "get/list/watch on Secrets". */
  rights: string[];
  /** "in namespace x via RoleBinding b → Role r" / "cluster-wide via ClusterRoleBinding …" */
  via: string;
}

export function powerfulRightsOf(view: ClusterView, namespace: string, name: string): HeldRight[] {
  const bindings = [
    ...bindingsForServiceAccountIn(view, 'RoleBinding', namespace, name),
    ...bindingsForServiceAccountIn(view, 'ClusterRoleBinding', namespace, name),
  ];
  const out: HeldRight[] = [];
  for (const b of bindings) {
    const role = resolveRoleRef(view, b);
    if (!role) continue;
    const rights = POWERFUL_RIGHTS.filter((right) => role.rules.some((r) => right.grants(r.rule)));
    if (rights.length === 0) continue;
    const where = b.kind === 'RoleBinding' ? `in namespace ${b.metadata.namespace}` : 'cluster-wide';
    out.push({ rights: rights.map((r) => r.label), via: `${where} via ${b.kind} ${b.metadata.name} → ${role.kind} ${role.name}` });
  }
  return out;
}

export function describeHeld(held: readonly HeldRight[]): string {
  return held.map((h) => `${h.rights.join(', ')} ${h.via}`).join('; ');
}
