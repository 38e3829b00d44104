// rbac.anonymous-binding: bindings that grant to everyone (anonymous, unauthenticated or
// every authenticated identity), other than the harmless discovery roles Kubernetes
// itself binds that way.
import type { Control } from '../../engine/types.js';
import { describeSubject, roleRefOf, subjectsOf } from '../../rbac/subjects.js';
import { RBAC_BINDING_KINDS, type RbacSubject } from '../../rbac/types.js';

/** ClusterRoles the API server binds to these groups by default: discovery and self-review only. */
export const HARMLESS_PUBLIC_ROLES: readonly string[] = ['system:public-info-viewer', 'system:discovery', 'system:basic-user'];

function isEveryone(s: RbacSubject): boolean {
  if (s.kind === 'User') return s.name === 'system:anonymous';
  if (s.kind === 'Group') return s.name === 'system:unauthenticated' || s.name === 'system:authenticated';
  return false;
}

export const anonymousBinding: Control = {
  id: 'rbac.anonymous-binding',
  title: 'Binding grants to anonymous or all authenticated users',
  severity: 'high',
  category: 'RBAC',
  rationale:
    'system:anonymous and system:unauthenticated are anyone who can reach the API server; system:authenticated is every user and every ServiceAccount token of the cluster. A role bound to them is granted to attackers before any credential is stolen.',
  remediation:
    'Remove system:anonymous, system:unauthenticated and system:authenticated from the binding\'s subjects and bind the users or groups that need the role. Consider --anonymous-auth=false on the API server.',
  frameworks: [
    { framework: 'cis-kubernetes', id: '5.1.7' },
    { framework: 'nsa-cisa', id: 'authentication-authorization' },
    { framework: 'mitre-attack', id: 'T1078' },
  ],
  kinds: RBAC_BINDING_KINDS,
  check(binding) {
    const ref = roleRefOf(binding);
    if (!ref) return null;
    if (ref.kind === 'ClusterRole' && HARMLESS_PUBLIC_ROLES.includes(ref.name)) return [];
    const subjects = subjectsOf(binding);
    const offending = subjects
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => isEveryone(s));
    if (offending.length === 0) return [];
    return [
      {
        message: `${binding.kind} ${binding.metadata.name} grants ${ref.kind} "${ref.name}" to ${offending
          .map(({ s }) => describeSubject(s, binding.metadata.namespace))
          .join(', ')}`,
        evidence: offending.map(({ i }) => `subjects[${i}]`),
      },
    ];
  },
};
