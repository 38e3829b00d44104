import { describe, expect, it } from 'vitest';
import type { Control } from '../../engine/types.js';
import { BUILTIN_API_GROUPS } from '../../rbac/rights.js';
import type { PolicyRule } from '../../rbac/types.js';
import { binding, group, outcomesByName, role, sa, user } from './fixtures.js';
import {
  clusterAdminBinding,
  escalateBindImpersonate,
  nodesProxy,
  podCreate,
  podExec,
  secretsRead,
  wildcard,
} from './role-rights.js';

const HARMLESS: PolicyRule = { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] };

const CASES: { control: Control; cis?: string; offending: PolicyRule }[] = [
  { control: clusterAdminBinding, cis: '5.1.1', offending: { apiGroups: ['*'], resources: ['*'], verbs: ['*'] } },
  { control: secretsRead, cis: '5.1.2', offending: { apiGroups: [''], resources: ['secrets'], verbs: ['list'] } },
  { control: wildcard, cis: '5.1.3', offending: { apiGroups: ['apps'], resources: ['*'], verbs: ['get'] } },
  { control: podCreate, cis: '5.1.4', offending: { apiGroups: ['batch'], resources: ['cronjobs'], verbs: ['create'] } },
  { control: podExec, offending: { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] } },
  { control: escalateBindImpersonate, cis: '5.1.8', offending: { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] } },
  { control: nodesProxy, cis: '5.1.10', offending: { apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] } },
];

describe.each(CASES)('$control.id', ({ control, cis, offending }) => {
  it('carries full data', () => {
    expect(control.title && control.rationale && control.remediation).toBeTruthy();
    if (cis) expect(control.frameworks).toContainEqual({ framework: 'cis-kubernetes', id: cis });
    expect(control.reads).toEqual(expect.arrayContaining(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']));
  });

  it('fails the binding that grants the right, naming role, rule and subjects', () => {
    const r = role('ops', 'team', [HARMLESS, offending]);
    const b = binding('ops-binding', 'team', { kind: 'Role', name: 'ops' }, [sa('deployer', 'team'), user('alice')]);
    const out = outcomesByName([r, b], control);
    const fail = out.get('RoleBinding/ops-binding')!;
    expect(fail.status).toBe('fail');
    expect(fail.severity).toBe(control.severity);
    expect(fail.message).toContain('Role "ops"');
    expect(fail.message).toContain('Role/ops rule #1');
    expect(fail.message).toContain('ServiceAccount team/deployer');
    expect(fail.message).toContain('User alice');
    expect(fail.evidence).toContain('roleRef');
    // The bound role itself passes: the finding sits on the binding.
    expect(out.get('Role/ops')!.status).toBe('pass');
  });

  it('fails a ClusterRoleBinding to a ClusterRole the same way', () => {
    const r = role('global', undefined, [offending]);
    const b = binding('global', undefined, { kind: 'ClusterRole', name: 'global' }, [group('devs')]);
    expect(outcomesByName([r, b], control).get('ClusterRoleBinding/global')!.status).toBe('fail');
  });

  it('fails an unbound role that grants the right at low severity', () => {
    const out = outcomesByName([role('lonely', undefined, [HARMLESS, offending])], control);
    const o = out.get('ClusterRole/lonely')!;
    expect(o.status).toBe('fail');
    expect(o.severity).toBe('low');
    expect(o.evidence).toEqual(['rules[1]']);
  });

  it('passes roles and bindings without the right', () => {
    const r = role('reader', 'team', [HARMLESS]);
    const b = binding('reader', 'team', { kind: 'Role', name: 'reader' }, [user('bob')]);
    const out = outcomesByName([r, b], control);
    expect(out.get('RoleBinding/reader')!.status).toBe('pass');
    expect(out.get('Role/reader')!.status).toBe('pass');
  });

  it('reports no-data when the role is missing, and exempts system: objects', () => {
    const b = binding('dangling', 'team', { kind: 'Role', name: 'gone' }, [user('bob')]);
    expect(outcomesByName([b], control).get('RoleBinding/dangling')!.status).toBe('no-data');
    const sys = role('system:controller:x', undefined, [offending], {
      metadata: { name: 'system:controller:x', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
    });
    expect(outcomesByName([sys], control).get('ClusterRole/system:controller:x')!.status).toBe('exempt');
    expect(outcomesByName([sys], control, { systemExemptions: false }).get('ClusterRole/system:controller:x')!.status).toBe('fail');
  });
});

describe('rbac.cluster-admin-binding specifics', () => {
  it('does not let a system: name alone hide a cluster-admin binding', () => {
    const evil = binding('system:totally-legit', undefined, { kind: 'ClusterRole', name: 'cluster-admin' }, [user('mallory')]);
    expect(outcomesByName([evil], clusterAdminBinding).get('ClusterRoleBinding/system:totally-legit')!.status).toBe('fail');
    const component = role('system:component', undefined, [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
    expect(outcomesByName([component], secretsRead).get('ClusterRole/system:component')!.status).toBe('exempt');
  });

  it('knows cluster-admin without its object (scan of manifests) and exempts the default binding', () => {
    const b = binding('ci-admin', undefined, { kind: 'ClusterRole', name: 'cluster-admin' }, [sa('ci', 'ci')]);
    const dflt = binding('cluster-admin', undefined, { kind: 'ClusterRole', name: 'cluster-admin' }, [group('system:masters')]);
    const out = outcomesByName([b, dflt], clusterAdminBinding);
    expect(out.get('ClusterRoleBinding/ci-admin')!.status).toBe('fail');
    expect(out.get('ClusterRoleBinding/cluster-admin')!.status).toBe('exempt');
  });

  it('resolves aggregated roles and points at the aggregated rule', () => {
    const part = role('part', undefined, [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }], {
      metadata: { name: 'part', labels: { 'agg/secrets': 'true' } },
    });
    const agg = role('agg', undefined, [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'agg/secrets': 'true' } }] } });
    const b = binding('b', 'app', { kind: 'ClusterRole', name: 'agg' }, [user('bob')]);
    const out = outcomesByName([part, agg, b], secretsRead);
    expect(out.get('RoleBinding/b')!.message).toContain('ClusterRole/part rule #0');
    expect(out.get('ClusterRole/part')!.status).toBe('pass'); // aggregated into a bound role
  });
});

describe('cluster-admin equivalence, however spelled', () => {
  const all = { apiGroups: ['*'], resources: ['*'] };
  const crud = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

  it.each([
    ['explicit verbs', [{ ...all, verbs: crud }]],
    ['verbs split across rules', [{ ...all, verbs: ['get', 'list', 'watch'] }, { ...all, verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'] }]],
    ['every built-in API group listed', [{ apiGroups: [...BUILTIN_API_GROUPS], resources: ['*'], verbs: ['*'] }]],
    ['groups split across rules', [{ apiGroups: [''], resources: ['*'], verbs: ['*'] }, { apiGroups: BUILTIN_API_GROUPS.filter((g) => g !== ''), resources: ['*'], verbs: ['*'] }]],
  ])('%s', (_, rules) => {
    const b = binding('ops', undefined, { kind: 'ClusterRole', name: 'ops' }, [user('alice')]);
    const out = outcomesByName([role('ops', undefined, rules), b], clusterAdminBinding);
    expect(out.get('ClusterRoleBinding/ops')!.status).toBe('fail');
  });

  it('is not equivalent with a verb, a group or every resource missing, nor through resourceNames', () => {
    const cases: PolicyRule[][] = [
      [{ ...all, verbs: crud.filter((v) => v !== 'deletecollection') }],
      [{ apiGroups: BUILTIN_API_GROUPS.filter((g) => g !== 'rbac.authorization.k8s.io'), resources: ['*'], verbs: ['*'] }],
      [{ apiGroups: ['*'], resources: ['pods', 'secrets', 'nodes'], verbs: ['*'] }],
      [{ ...all, verbs: ['*'], resourceNames: ['one'] }],
    ];
    for (const rules of cases) {
      const b = binding('ops', undefined, { kind: 'ClusterRole', name: 'ops' }, [user('alice')]);
      expect(outcomesByName([role('ops', undefined, rules), b], clusterAdminBinding).get('ClusterRoleBinding/ops')!.status, JSON.stringify(rules)).toBe('pass');
    }
  });
});

describe('rbac.wildcard spellings', () => {
  it('counts */subresource and nonResourceURLs *, not a listed endpoint', () => {
    const cases: [PolicyRule, string][] = [
      [{ apiGroups: ['apps'], resources: ['*/scale'], verbs: ['update'] }, 'fail'],
      [{ nonResourceURLs: ['*'], verbs: ['get'] }, 'fail'],
      [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }, 'pass'],
      [{ apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['update'] }, 'pass'],
    ];
    for (const [rule, status] of cases) {
      const b = binding('ops', undefined, { kind: 'ClusterRole', name: 'ops' }, [user('alice')]);
      expect(outcomesByName([role('ops', undefined, [rule]), b], wildcard).get('ClusterRoleBinding/ops')!.status, JSON.stringify(rule)).toBe(status);
    }
  });
});

describe('resourceNames', () => {
  it('a rule naming its Secrets is the least privilege rbac.secrets-read asks for; named create grants nothing', () => {
    const r = role('named', 'app', [
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['web-tls'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['create'], resourceNames: ['x'] },
    ]);
    const b = binding('named', 'app', { kind: 'Role', name: 'named' }, [sa('web', 'app')]);
    expect(outcomesByName([r, b], secretsRead).get('RoleBinding/named')!.status).toBe('pass');
    expect(outcomesByName([r, b], podCreate).get('RoleBinding/named')!.status).toBe('pass');
  });
});

describe('built-in default roles', () => {
  it('aggregate custom roles labelled aggregate-to-edit into edit and admin when absent from the objects', () => {
    const extra = role('crd-editor', undefined, [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }], {
      metadata: { name: 'crd-editor', labels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } },
    });
    const toAdmin = binding('team-admin', undefined, { kind: 'ClusterRole', name: 'admin' }, [group('team')]);
    const toView = binding('team-view', undefined, { kind: 'ClusterRole', name: 'view' }, [group('team')]);
    const out = outcomesByName([extra, toAdmin, toView], nodesProxy);
    expect(out.get('ClusterRoleBinding/team-admin')!.message).toContain('ClusterRole/crd-editor rule #0');
    expect(out.get('ClusterRoleBinding/team-view')!.status).toBe('pass');
    // Part of the built-in edit (and so admin): granted, not a role "nothing binds yet".
    expect(out.get('ClusterRole/crd-editor')!.status).toBe('pass');
    // admin → edit → view: secrets come from edit's own rules, pods/exec too.
    const secrets = outcomesByName([toAdmin], secretsRead).get('ClusterRoleBinding/team-admin')!;
    expect(secrets.message).toContain('ClusterRole/edit (built-in)');
  });
});
