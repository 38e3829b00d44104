// The parts of RBAC objects Stance reads. Objects stay plain JSON, so every field is
// optional and checked before use.

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface RoleRef {
  apiGroup?: string;
  kind: 'Role' | 'ClusterRole';
  name: string;
}

export interface RbacSubject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export const RBAC_ROLE_KINDS = ['Role', 'ClusterRole'] as const;
export const RBAC_BINDING_KINDS = ['RoleBinding', 'ClusterRoleBinding'] as const;
export const RBAC_KINDS = [...RBAC_ROLE_KINDS, ...RBAC_BINDING_KINDS] as const;

export function isBindingKind(kind: string): boolean {
  return kind === 'RoleBinding' || kind === 'ClusterRoleBinding';
}

export function isRoleKind(kind: string): boolean {
  return kind === 'Role' || kind === 'ClusterRole';
}
