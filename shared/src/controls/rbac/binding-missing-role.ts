// rbac.binding-missing-role: a binding whose roleRef names a role that does not exist. It
// grants nothing today, and whoever later creates a role of that name (a chart, a typo
// fixed, an attacker allowed to create roles) instantly grants it to the binding's subjects.
import type { Control } from '../../engine/types.js';
import { isBootstrapClusterRole } from '../../rbac/defaults.js';
import { describeSubjects, roleRefOf } from '../../rbac/subjects.js';
import { RBAC_BINDING_KINDS } from '../../rbac/types.js';

export const bindingMissingRole: Control = {
  id: 'rbac.binding-missing-role',
  title: 'Binding refers to a role that does not exist',
  severity: 'medium',
  category: 'RBAC',
  rationale:
    'A RoleBinding or ClusterRoleBinding whose role is missing is a dormant grant: the day a role of that name is created (by a chart, a restore, or anyone allowed to create roles in the namespace) its rights go to the binding\'s subjects without anyone binding them again. It is also a sign of drift: a role deleted or renamed while the grant stayed.',
  remediation:
    'Delete the binding if the grant is no longer wanted, or create the role it names with only the rights its subjects need; fix roleRef.name if it is a typo (roleRef cannot be edited: delete and recreate the binding). `kubectl get rolebindings,clusterrolebindings -A -o wide` lists every roleRef.',
  frameworks: [
    { framework: 'nsa-cisa', id: 'authentication-authorization' },
    { framework: 'mitre-attack', id: 'T1098' },
  ],
  kinds: RBAC_BINDING_KINDS,
  reads: ['Role', 'ClusterRole'],
  check(binding, ctx) {
    const ref = roleRefOf(binding);
    if (!ref) return null;
    const ns = binding.metadata.namespace;
    const name = `${binding.kind} ${ns ? `${ns}/` : ''}${binding.metadata.name}`;
    if (ref.kind === 'Role' && binding.kind === 'ClusterRoleBinding') {
      return [{ message: `${name} refers to Role "${ref.name}": a ClusterRoleBinding can only refer to a ClusterRole`, evidence: ['roleRef.kind'] }];
    }
    const exists =
      ref.kind === 'Role'
        ? ctx.view.get('Role', ns, ref.name) !== undefined
        : ctx.view.get('ClusterRole', undefined, ref.name) !== undefined || isBootstrapClusterRole(ref.name);
    if (exists) return [];
    const where = ref.kind === 'Role' ? ` in namespace ${ns ?? '(unset)'}` : '';
    return [
      {
        message: `${name} refers to ${ref.kind} "${ref.name}", which does not exist${where}: whoever creates it grants its rights to ${describeSubjects(binding)}`,
        evidence: ['roleRef.name'],
      },
    ];
  },
};
