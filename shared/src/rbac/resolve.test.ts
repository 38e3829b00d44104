import { describe, expect, it } from 'vitest';
import { memoryView } from '../engine/evaluate.js';
import type { KubeObject } from '../model/object.js';
import { effectiveRules, isBound, resolveRoleRef } from './resolve.js';
import { SECRETS_READ, POD_EXEC, CLUSTER_ADMIN } from './rights.js';
import { resourceMatches } from './rules.js';

const RBAC = 'rbac.authorization.k8s.io/v1';
const clusterRole = (name: string, extra: Partial<KubeObject> = {}): KubeObject => ({ apiVersion: RBAC, kind: 'ClusterRole', metadata: { name }, rules: [], ...extra });
const binding = (kind: 'RoleBinding' | 'ClusterRoleBinding', name: string, roleRef: { kind: string; name: string }, ns?: string): KubeObject => ({
  apiVersion: RBAC,
  kind,
  metadata: ns ? { name, namespace: ns } : { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
  subjects: [{ kind: 'User', name: 'bob' }],
});

describe('RBAC resolution', () => {
  it('matches subresources through */sub and wildcards', () => {
    expect(resourceMatches({ resources: ['*/exec'] }, 'pods/exec')).toBe(true);
    expect(resourceMatches({ resources: ['pods'] }, 'pods/exec')).toBe(false);
    expect(POD_EXEC.grants({ apiGroups: [''], resources: ['pods/exec'], verbs: ['get'] })).toBe(true);
    expect(SECRETS_READ.grants({ apiGroups: ['*'], resources: ['*'], verbs: ['list'] })).toBe(true);
    expect(SECRETS_READ.grants({ apiGroups: ['apps'], resources: ['secrets'], verbs: ['get'] })).toBe(false);
  });

  it('resolves aggregated ClusterRoles by label selector, transitively', () => {
    const reader = clusterRole('secret-reader', {
      metadata: { name: 'secret-reader', labels: { 'example.com/aggregate-to-mid': 'true' } },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
    });
    const mid = clusterRole('mid', {
      metadata: { name: 'mid', labels: { 'example.com/aggregate-to-top': 'true' } },
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate-to-mid': 'true' } }] },
    });
    const top = clusterRole('top', { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate-to-top': 'true' } }] } });
    const view = memoryView([reader, mid, top]);
    const rules = effectiveRules(view, top);
    expect(rules).toEqual([{ rule: expect.objectContaining({ resources: ['secrets'] }), index: 0, from: 'ClusterRole/secret-reader', own: false }]);
    expect(isBound(view, reader)).toBe(true); // pulled into `mid`
    expect(isBound(view, top)).toBe(false);
  });

  it('falls back to the built-in default ClusterRoles and reports unknown roles as unresolved', () => {
    const view = memoryView([]);
    const admin = resolveRoleRef(view, binding('ClusterRoleBinding', 'x', { kind: 'ClusterRole', name: 'cluster-admin' }));
    expect(admin?.rules.some((r) => CLUSTER_ADMIN.grants(r.rule))).toBe(true);
    expect(resolveRoleRef(view, binding('ClusterRoleBinding', 'y', { kind: 'ClusterRole', name: 'nope' }))).toBeUndefined();
    // A ClusterRoleBinding cannot refer to a Role.
    expect(resolveRoleRef(view, binding('ClusterRoleBinding', 'z', { kind: 'Role', name: 'r' }))).toBeUndefined();
  });

  it('a ClusterRole labelled aggregate-to-view is part of the built-in view, even when no file holds view', () => {
    const extra = clusterRole('extra', { metadata: { name: 'extra', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } } });
    expect(isBound(memoryView([extra]), extra)).toBe(true);
    const lone = clusterRole('lone', { metadata: { name: 'lone', labels: { team: 'x' } } });
    expect(isBound(memoryView([lone]), lone)).toBe(false);
  });

  it('a Role is bound only by RoleBindings of its namespace', () => {
    const role: KubeObject = { apiVersion: RBAC, kind: 'Role', metadata: { name: 'r', namespace: 'a' }, rules: [] };
    expect(isBound(memoryView([role, binding('RoleBinding', 'b', { kind: 'Role', name: 'r' }, 'b')]), role)).toBe(false);
    expect(isBound(memoryView([role, binding('RoleBinding', 'b', { kind: 'Role', name: 'r' }, 'a')]), role)).toBe(true);
  });
});
