// Who a binding grants to, and whether that includes a given ServiceAccount.
import type { KubeObject } from '../model/object.js';
import type { RbacSubject, RoleRef } from './types.js';

export function roleRefOf(binding: KubeObject): RoleRef | undefined {
  const ref = binding.roleRef as Partial<RoleRef> | undefined;
  if (!ref || typeof ref.name !== 'string' || (ref.kind !== 'Role' && ref.kind !== 'ClusterRole')) return undefined;
  return { kind: ref.kind, name: ref.name, apiGroup: ref.apiGroup };
}

export function subjectsOf(binding: KubeObject): RbacSubject[] {
  if (!Array.isArray(binding.subjects)) return [];
  return binding.subjects.filter(
    (s): s is RbacSubject => typeof s === 'object' && s !== null && typeof s.kind === 'string' && typeof s.name === 'string',
  );
}

export function describeSubject(s: RbacSubject, bindingNamespace: string | undefined): string {
  if (s.kind === 'ServiceAccount') return `ServiceAccount ${s.namespace ?? bindingNamespace ?? ''}/${s.name}`;
  return `${s.kind} ${s.name}`;
}

export function describeSubjects(binding: KubeObject): string {
  const list = subjectsOf(binding).map((s) => describeSubject(s, binding.metadata.namespace));
  return list.length ? list.join(', ') : 'no subjects';
}

/**
 * The index keys a binding subject is found under, and the keys a ServiceAccount is
 * covered by: itself, its username, and its groups (all SAs, its namespace's SAs, and
 * every authenticated identity).
 */
export function subjectIndexKey(s: RbacSubject, bindingNamespace: string | undefined): string {
  if (s.kind === 'ServiceAccount') return `sa\u0001${s.namespace ?? bindingNamespace ?? ''}\u0001${s.name}`;
  return `${s.kind}\u0001${s.name}`;
}

export function serviceAccountKeys(namespace: string, name: string): string[] {
  return [
    `sa\u0001${namespace}\u0001${name}`,
    `User\u0001system:serviceaccount:${namespace}:${name}`,
    'Group\u0001system:serviceaccounts',
    `Group\u0001system:serviceaccounts:${namespace}`,
    'Group\u0001system:authenticated',
  ];
}

const indexes = new WeakMap<readonly KubeObject[], Map<string, KubeObject[]>>();

/**
 * Bindings by subject key. Memoised on the identity of the list: the engine and
 * memoryView hand every check of one batch the same array, so this is built once.
 */
export function bindingsBySubject(bindings: readonly KubeObject[]): Map<string, KubeObject[]> {
  let index = indexes.get(bindings);
  if (index) return index;
  index = new Map();
  for (const b of bindings) {
    const seen = new Set<string>();
    for (const s of subjectsOf(b)) {
      const key = subjectIndexKey(s, b.metadata.namespace);
      if (seen.has(key)) continue;
      seen.add(key);
      const list = index.get(key);
      if (list) list.push(b);
      else index.set(key, [b]);
    }
  }
  indexes.set(bindings, index);
  return index;
}

/** Bindings (from `bindings`) that grant to the ServiceAccount namespace/name. */
export function bindingsForServiceAccount(bindings: readonly KubeObject[], namespace: string, name: string): KubeObject[] {
  const index = bindingsBySubject(bindings);
  const out = new Set<KubeObject>();
  for (const key of serviceAccountKeys(namespace, name)) for (const b of index.get(key) ?? []) out.add(b);
  return [...out];
}
