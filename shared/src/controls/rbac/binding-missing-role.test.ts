import { describe, expect, it } from 'vitest';
import { bindingMissingRole } from './binding-missing-role.js';
import { binding, group, outcomesByName, role, sa, user } from './fixtures.js';

describe('rbac.binding-missing-role', () => {
  it('fails bindings whose Role or ClusterRole does not exist, naming who would get it', () => {
    const out = outcomesByName(
      [
        binding('typo', 'app', { kind: 'Role', name: 'deployer' }, [sa('ci', 'app')]),
        role('deployer', 'other', []), // a Role of that name elsewhere does not count
        binding('gone', undefined, { kind: 'ClusterRole', name: 'removed-operator' }, [group('ops')]),
        binding('wrong-kind', undefined, { kind: 'Role', name: 'deployer' }, [user('bob')]),
      ],
      bindingMissingRole,
    );
    expect(out.get('RoleBinding/typo')).toMatchObject({ status: 'fail', evidence: ['roleRef.name'] });
    expect(out.get('RoleBinding/typo')!.message).toBe(
      'RoleBinding app/typo refers to Role "deployer", which does not exist in namespace app: whoever creates it grants its rights to ServiceAccount app/ci',
    );
    expect(out.get('ClusterRoleBinding/gone')!.message).toContain('ClusterRole "removed-operator", which does not exist: whoever creates it grants its rights to Group ops');
    expect(out.get('ClusterRoleBinding/wrong-kind')).toMatchObject({ status: 'fail', evidence: ['roleRef.kind'] });
    expect(bindingMissingRole.frameworks.some((f) => f.framework === 'mitre-attack')).toBe(true);
  });

  it('passes roles present, and the ClusterRoles every cluster has even when no file holds them', () => {
    const out = outcomesByName(
      [
        role('deployer', 'app', []),
        binding('ok', 'app', { kind: 'Role', name: 'deployer' }, [sa('ci', 'app')]),
        binding('edit', 'app', { kind: 'ClusterRole', name: 'edit' }, [group('devs')]),
        binding('delegator', undefined, { kind: 'ClusterRole', name: 'system:auth-delegator' }, [sa('metrics', 'kube-system')]),
        binding('ctl', undefined, { kind: 'ClusterRole', name: 'system:controller:job-controller' }, [sa('job', 'kube-system')]),
      ],
      bindingMissingRole,
    );
    for (const name of ['RoleBinding/ok', 'RoleBinding/edit', 'ClusterRoleBinding/delegator', 'ClusterRoleBinding/ctl']) expect(out.get(name)!.status, name).toBe('pass');
  });

  it('excepts Kubernetes\' own system: bindings as platform defaults, visibly and removably', () => {
    const sys = binding('system:kube-dns', undefined, { kind: 'ClusterRole', name: 'system:coredns' }, [sa('coredns', 'kube-system')]);
    const exempt = outcomesByName([sys], bindingMissingRole).get('ClusterRoleBinding/system:kube-dns')!;
    expect(exempt.status).toBe('exempt');
    expect(exempt.message).toContain('platform defaults');
    expect(outcomesByName([sys], bindingMissingRole, { systemExemptions: false }).get('ClusterRoleBinding/system:kube-dns')!.status).toBe('fail');
  });

  it('does not except a system: name that binds someone other than Kubernetes itself', () => {
    const components = binding('system:monitoring', undefined, { kind: 'ClusterRole', name: 'gone' }, [user('system:kube-scheduler'), group('system:nodes'), sa('metrics', 'kube-system')]);
    const person = binding('system:backdoor', undefined, { kind: 'ClusterRole', name: 'gone' }, [sa('metrics', 'kube-system'), user('mallory')]);
    const appSa = binding('system:app', 'app', { kind: 'Role', name: 'gone' }, [sa('web', 'app')]);
    const out = outcomesByName([components, person, appSa], bindingMissingRole);
    expect(out.get('ClusterRoleBinding/system:monitoring')!.status).toBe('exempt');
    expect(out.get('ClusterRoleBinding/system:backdoor')!.status).toBe('fail');
    expect(out.get('RoleBinding/system:app')!.status).toBe('fail');
  });

  it('does not take an app\'s service accounts named as a system: user or group for Kubernetes\' own', () => {
    const gone = { kind: 'ClusterRole' as const, name: 'gone' };
    const out = outcomesByName(
      [
        binding('system:sa-user', undefined, gone, [user('system:serviceaccount:app:web')]),
        binding('system:sa-group', undefined, gone, [group('system:serviceaccounts:app')]),
        binding('system:all-sas', undefined, gone, [group('system:serviceaccounts')]),
        binding('system:kube-sa', undefined, gone, [user('system:serviceaccount:kube-system:coredns'), group('system:serviceaccounts:kube-system')]),
        binding('system:local-sa', 'kube-system', { kind: 'Role', name: 'gone' }, [{ kind: 'ServiceAccount', name: 'coredns' }]),
        { ...binding('system:forged', undefined, gone, []), subjects: 'not a list' },
        { ...binding('system:forged-item', undefined, gone, []), subjects: [null] },
      ],
      bindingMissingRole,
    );
    for (const name of ['system:sa-user', 'system:sa-group', 'system:all-sas', 'system:forged', 'system:forged-item']) expect(out.get(`ClusterRoleBinding/${name}`)!.status, name).toBe('fail');
    expect(out.get('ClusterRoleBinding/system:kube-sa')!.status).toBe('exempt');
    expect(out.get('RoleBinding/system:local-sa')!.status).toBe('exempt');
  });
});
