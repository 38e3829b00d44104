// Effective RBAC: what one subject (User, Group or ServiceAccount) may do, across every
// RoleBinding (its namespace only) and ClusterRoleBinding (everywhere) that names it or a
// group it belongs to, through the roles they refer to (aggregated and built-in ones
// included). Bindings are found by keyed lookups, so the engine re-evaluates a reader
// only when a binding naming that subject changes.
import { lookupIn } from '../engine/lookup.js';
import type { ClusterView } from '../engine/types.js';
import type { KubeObject } from '../model/object.js';
import { resolveRoleRef, type SourcedRule } from './resolve.js';
import { CLUSTER_ADMIN, POWERFUL_RIGHTS, rulesGranting, type Right } from './rights.js';
import { ruleAllowsRequest, type ResourceRequest } from './rules.js';
import { BINDINGS_BY_SUBJECT, serviceAccountKeys, subjectsOf } from './subjects.js';

export type IdentityKind = 'User' | 'Group' | 'ServiceAccount';

export interface RbacIdentity {
  kind: IdentityKind;
  name: string;
  /** ServiceAccounts only. */
  namespace?: string;
}

export interface RoleOfGrant {
  kind: 'Role' | 'ClusterRole';
  name: string;
  namespace?: string;
  /** Rules from the built-in defaults (the role is not among the objects). */
  builtin: boolean;
}

/** One rule granted to the subject, with where it applies and how it got there. */
export interface Grant extends SourcedRule {
  /** The namespace a RoleBinding grants in; undefined: cluster-wide (ClusterRoleBinding). */
  namespace?: string;
  binding: KubeObject;
  role: RoleOfGrant;
}

export interface Permissions {
  subject: RbacIdentity;
  grants: Grant[];
  /** Bindings naming the subject whose role does not exist: they grant nothing (yet). */
  unresolved: KubeObject[];
}

const SA_USER = /^system:serviceaccount:([^:]+):([^:]+)$/;

/** The binding-subject index keys (subjects.ts) that cover the identity. */
export function identityKeys(id: RbacIdentity): readonly string[] {
  if (id.kind === 'ServiceAccount') return serviceAccountKeys(id.namespace ?? '', id.name);
  if (id.kind === 'Group') return [`Group\u0001${id.name}`];
  const sa = SA_USER.exec(id.name);
  if (sa) return serviceAccountKeys(sa[1]!, sa[2]!);
  // Every request that is not anonymous is in system:authenticated.
  if (id.name === 'system:anonymous') return ['User\u0001system:anonymous', 'Group\u0001system:unauthenticated'];
  return [`User\u0001${id.name}`, 'Group\u0001system:authenticated'];
}

/** RoleBindings, then ClusterRoleBindings, that grant to the identity (each once). */
export function bindingsOf(view: ClusterView, id: RbacIdentity): KubeObject[] {
  const out = new Set<KubeObject>();
  const keys = identityKeys(id);
  for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
    for (const key of keys) for (const b of lookupIn(view, kind, BINDINGS_BY_SUBJECT, key)) out.add(b);
  }
  return [...out];
}

/** Every rule the identity holds, each with its scope, binding and role. */
export function permissionsOf(view: ClusterView, id: RbacIdentity): Permissions {
  const grants: Grant[] = [];
  const unresolved: KubeObject[] = [];
  for (const binding of bindingsOf(view, id)) {
    const role = resolveRoleRef(view, binding);
    if (!role) {
      unresolved.push(binding);
      continue;
    }
    const namespace = binding.kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
    const roleOf: RoleOfGrant = { kind: role.kind, name: role.name, builtin: !role.object };
    if (role.namespace) roleOf.namespace = role.namespace;
    for (const r of role.rules) {
      const grant: Grant = { ...r, binding, role: roleOf };
      if (namespace !== undefined) grant.namespace = namespace;
      grants.push(grant);
    }
  }
  return { subject: id, grants, unresolved };
}

/**
 * The grants that authorize a request, as the API server would: a namespaced request
 * (`namespace` set) by a grant of that namespace or a cluster-wide one; a cluster-scoped
 * request (nodes, namespaces, ClusterRoles…) only by a cluster-wide grant.
 */
export function grantsAllowing(grants: readonly Grant[], req: ResourceRequest & { namespace?: string }): Grant[] {
  return grants.filter((g) => (g.namespace === undefined || g.namespace === req.namespace) && ruleAllowsRequest(g.rule, req));
}

/** Grants held cluster-wide that make the subject cluster-admin, however spelled; else empty. */
export function clusterAdminGrants(grants: readonly Grant[]): Grant[] {
  return CLUSTER_ADMIN.among!(grants.filter((g) => g.namespace === undefined));
}

/** A powerful right held through one binding. */
export interface HeldRight {
  right: Right;
  /** The namespace it applies in; undefined: cluster-wide. */
  namespace?: string;
  binding: KubeObject;
  role: RoleOfGrant;
  grants: Grant[];
}

/** Rights that concern cluster-scoped resources only: a RoleBinding cannot grant them. */
const CLUSTER_SCOPED_RIGHTS: ReadonlySet<string> = new Set(['nodes-proxy']);

/** The powerful rights held, per binding in the order found (RoleBindings first). */
export function heldRights(grants: readonly Grant[], rights: readonly Right[] = POWERFUL_RIGHTS): HeldRight[] {
  const byBinding = new Map<KubeObject, Grant[]>();
  for (const g of grants) {
    const list = byBinding.get(g.binding);
    if (list) list.push(g);
    else byBinding.set(g.binding, [g]);
  }
  const out: HeldRight[] = [];
  for (const [binding, list] of byBinding) {
    const namespace = list[0]!.namespace;
    for (const right of rights) {
      if (namespace !== undefined && CLUSTER_SCOPED_RIGHTS.has(right.id)) continue;
      const through = rulesGranting(right, list);
      if (through.length === 0) continue;
      const held: HeldRight = { right, binding, role: list[0]!.role, grants: through };
      if (namespace !== undefined) held.namespace = namespace;
      out.push(held);
    }
  }
  return out;
}

/** "in namespace app via RoleBinding b → Role r" / "cluster-wide via ClusterRoleBinding c → ClusterRole x" */
export function describeVia(h: Pick<HeldRight, 'namespace' | 'binding' | 'role'>): string {
  const where = h.namespace !== undefined ? `in namespace ${h.namespace}` : 'cluster-wide';
  return `${where} via ${h.binding.kind} ${h.binding.metadata.name} → ${h.role.kind} ${h.role.name}`;
}

/** Every identity a binding of the view names (ServiceAccounts with their namespace), once each. */
export function identitiesInView(view: ClusterView): RbacIdentity[] {
  const seen = new Map<string, RbacIdentity>();
  for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
    for (const b of view.list(kind)) {
      for (const s of subjectsOf(b)) {
        if (s.kind !== 'User' && s.kind !== 'Group' && s.kind !== 'ServiceAccount') continue;
        const id: RbacIdentity = { kind: s.kind, name: s.name };
        if (s.kind === 'ServiceAccount') id.namespace = s.namespace ?? b.metadata.namespace ?? '';
        const key = `${id.kind}\u0001${id.namespace ?? ''}\u0001${id.name}`;
        if (!seen.has(key)) seen.set(key, id);
      }
    }
  }
  return [...seen.values()];
}

/** What every subject named by a binding may do: the effective RBAC of the view. */
export function effectivePermissions(view: ClusterView): Permissions[] {
  return identitiesInView(view).map((id) => permissionsOf(view, id));
}
