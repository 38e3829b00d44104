import { describe, expect, it } from 'vitest';
import { binding, group, role, sa, user } from '../controls/rbac/fixtures.js';
import { memoryView } from '../engine/evaluate.js';
import { clusterAdminGrants, effectivePermissions, grantsAllowing, heldRights, identityKeys, permissionsOf, type RbacIdentity } from './effective.js';

const alice: RbacIdentity = { kind: 'User', name: 'alice' };
const web: RbacIdentity = { kind: 'ServiceAccount', namespace: 'app', name: 'web' };

describe('effective RBAC', () => {
  const objects = [
    role('secrets', 'app', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['web-tls'] }]),
    role('exec', undefined, [{ apiGroups: [''], resources: ['pods/exec', 'nodes/proxy'], verbs: ['create', 'get'] }]),
    binding('web-secrets', 'app', { kind: 'Role', name: 'secrets' }, [sa('web', 'app')]),
    binding('web-exec', 'app', { kind: 'ClusterRole', name: 'exec' }, [sa('web', 'app')]),
    binding('all-sa-view', undefined, { kind: 'ClusterRole', name: 'view' }, [group('system:serviceaccounts')]),
    binding('alice-edit', 'prod', { kind: 'ClusterRole', name: 'edit' }, [user('alice')]),
    binding('alice-missing', 'prod', { kind: 'Role', name: 'nope' }, [user('alice')]),
    binding('sa-by-username', 'other', { kind: 'ClusterRole', name: 'view' }, [user('system:serviceaccount:app:web')]),
  ];
  const view = memoryView(objects);

  it('collects the grants of a ServiceAccount through its name, username and groups, with scope and role', () => {
    const perms = permissionsOf(view, web);
    const bindings = [...new Set(perms.grants.map((g) => g.binding.metadata.name))];
    expect(bindings).toEqual(['web-secrets', 'web-exec', 'sa-by-username', 'all-sa-view']);
    const viaGroup = perms.grants.find((g) => g.binding.metadata.name === 'all-sa-view')!;
    expect(viaGroup).toMatchObject({ role: { kind: 'ClusterRole', name: 'view', builtin: true } });
    expect(viaGroup.namespace).toBeUndefined();
    expect(perms.grants.find((g) => g.binding.metadata.name === 'web-exec')).toMatchObject({ namespace: 'app', role: { name: 'exec', builtin: false } });
  });

  it('authorizes requests as the API server would: scope, subresources, resourceNames', () => {
    const { grants } = permissionsOf(view, web);
    expect(grantsAllowing(grants, { verb: 'get', group: '', resource: 'secrets', namespace: 'app', name: 'web-tls' })).toHaveLength(1);
    expect(grantsAllowing(grants, { verb: 'get', group: '', resource: 'secrets', namespace: 'app', name: 'db' })).toHaveLength(0);
    expect(grantsAllowing(grants, { verb: 'list', group: '', resource: 'secrets', namespace: 'app' })).toHaveLength(0);
    expect(grantsAllowing(grants, { verb: 'create', group: '', resource: 'pods/exec', namespace: 'app', name: 'x' })).toHaveLength(1);
    expect(grantsAllowing(grants, { verb: 'create', group: '', resource: 'pods/exec', namespace: 'prod', name: 'x' })).toHaveLength(0);
    // A RoleBinding cannot grant cluster-scoped resources, even through a ClusterRole.
    expect(grantsAllowing(grants, { verb: 'get', group: '', resource: 'nodes/proxy', name: 'n1' })).toHaveLength(0);
    // view (built-in, cluster-wide through the group) reads pods everywhere, not Secrets.
    expect(grantsAllowing(grants, { verb: 'list', group: '', resource: 'pods', namespace: 'prod' }).length).toBeGreaterThan(0);
  });

  it('lists the powerful rights per binding, leaving out what a RoleBinding cannot grant', () => {
    const held = heldRights(permissionsOf(view, web).grants);
    expect(held.map((h) => [h.binding.metadata.name, h.right.id, h.namespace])).toEqual([['web-exec', 'pod-exec', 'app']]);
    const aliceHeld = heldRights(permissionsOf(view, alice).grants);
    expect(aliceHeld.map((h) => h.right.id)).toEqual(['secrets-read', 'pod-create', 'pod-exec', 'escalate-bind-impersonate']);
    expect(aliceHeld.every((h) => h.namespace === 'prod' && h.role.builtin)).toBe(true);
  });

  it('reports bindings to missing roles as unresolved, and cluster-admin only when held cluster-wide', () => {
    expect(permissionsOf(view, alice).unresolved.map((b) => b.metadata.name)).toEqual(['alice-missing']);
    const crud = [['get', 'list', 'watch', 'create'], ['update', 'patch', 'delete', 'deletecollection']];
    const admin = memoryView([
      binding('ns-admin', 'app', { kind: 'ClusterRole', name: 'cluster-admin' }, [user('bob')]),
      ...crud.map((verbs, i) => role(`half-${i}`, undefined, [{ apiGroups: ['*'], resources: ['*'], verbs }])),
      ...crud.map((_, i) => binding(`h${i}`, undefined, { kind: 'ClusterRole', name: `half-${i}` }, [user('dave')])),
      binding('h-only', undefined, { kind: 'ClusterRole', name: 'half-0' }, [user('erin')]),
    ]);
    // cluster-admin through a RoleBinding is admin of one namespace.
    expect(clusterAdminGrants(permissionsOf(admin, { kind: 'User', name: 'bob' }).grants)).toEqual([]);
    // Two bindings that together amount to cluster-admin.
    expect(clusterAdminGrants(permissionsOf(admin, { kind: 'User', name: 'dave' }).grants).map((g) => g.binding.metadata.name)).toEqual(['h0', 'h1']);
    expect(clusterAdminGrants(permissionsOf(admin, { kind: 'User', name: 'erin' }).grants)).toEqual([]);
  });

  it('knows who is in which group', () => {
    expect(identityKeys({ kind: 'User', name: 'system:anonymous' })).toEqual(['User\u0001system:anonymous', 'Group\u0001system:unauthenticated']);
    expect(identityKeys(alice)).toContain('Group\u0001system:authenticated');
    expect(identityKeys({ kind: 'User', name: 'system:serviceaccount:app:web' })).toEqual(identityKeys(web));
  });

  it('resolves every subject the bindings name', () => {
    const all = effectivePermissions(view);
    expect(all.map((p) => `${p.subject.kind}:${p.subject.namespace ?? ''}:${p.subject.name}`).sort()).toEqual([
      'Group::system:serviceaccounts',
      'ServiceAccount:app:web',
      'User::alice',
      'User::system:serviceaccount:app:web',
    ]);
  });
});
