// Who a binding grants to, and whether that includes a given ServiceAccount.
import { lookupIn } from '../engine/lookup.js';
import type { ClusterView, LookupIndex } from '../engine/types.js';
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

/**
 * The same strings for the same account: they key maps in the engine's read recording,
 * where a string already hashed is cheap. Bounded: cleared when it holds too many.
 */
const keysMemo = new Map<string, Map<string, readonly string[]>>();
let keysMemoSize = 0;

export function serviceAccountKeys(namespace: string, name: string): readonly string[] {
  let byName = keysMemo.get(namespace);
  let keys = byName?.get(name);
  if (keys) return keys;
  keys = [
    `sa\u0001${namespace}\u0001${name}`,
    `User\u0001system:serviceaccount:${namespace}:${name}`,
    'Group\u0001system:serviceaccounts',
    `Group\u0001system:serviceaccounts:${namespace}`,
    'Group\u0001system:authenticated',
  ];
  if (keysMemoSize >= 100_000) {
    keysMemo.clear();
    keysMemoSize = 0;
    byName = undefined;
  }
  if (!byName) keysMemo.set(namespace, (byName = new Map()));
  byName.set(name, keys);
  keysMemoSize += 1;
  return keys;
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

/** Bindings by the index keys of the subjects they name (ClusterView.lookup). */
export const BINDINGS_BY_SUBJECT: LookupIndex = {
  id: 'rbac.bindings-by-subject',
  keysOf: (b) => subjectsOf(b).map((s) => subjectIndexKey(s, b.metadata.namespace)),
};

/**
 * Bindings of `kind` (RoleBinding or ClusterRoleBinding, any namespace) that grant to the
 * ServiceAccount namespace/name, through keyed lookups: the engine then re-evaluates the
 * account only when a binding naming it (or one of its groups) changes.
 */
export function bindingsForServiceAccountIn(view: ClusterView, kind: string, namespace: string, name: string): KubeObject[] {
  const out = new Set<KubeObject>();
  for (const key of serviceAccountKeys(namespace, name)) for (const b of lookupIn(view, kind, BINDINGS_BY_SUBJECT, key)) out.add(b);
  return [...out];
}
