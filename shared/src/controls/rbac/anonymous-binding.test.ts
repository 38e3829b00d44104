import { describe, expect, it } from 'vitest';
import { anonymousBinding } from './anonymous-binding.js';
import { binding, group, outcomesByName, user } from './fixtures.js';

describe('rbac.anonymous-binding', () => {
  it('fails bindings to anonymous, unauthenticated or all authenticated users', () => {
    const out = outcomesByName(
      [
        binding('anon', undefined, { kind: 'ClusterRole', name: 'view' }, [user('bob'), user('system:anonymous')]),
        binding('authn', 'app', { kind: 'Role', name: 'r' }, [group('system:authenticated')]),
      ],
      anonymousBinding,
    );
    expect(out.get('ClusterRoleBinding/anon')).toMatchObject({ status: 'fail', evidence: ['subjects[1]'] });
    expect(out.get('ClusterRoleBinding/anon')!.message).toContain('User system:anonymous');
    expect(out.get('RoleBinding/authn')!.status).toBe('fail');
    expect(anonymousBinding.frameworks).toContainEqual({ framework: 'cis-kubernetes', id: '5.1.7' });
  });

  it('passes named subjects and the discovery roles Kubernetes binds to everyone', () => {
    const out = outcomesByName(
      [
        binding('named', undefined, { kind: 'ClusterRole', name: 'view' }, [group('devs')]),
        binding('public-info', undefined, { kind: 'ClusterRole', name: 'system:public-info-viewer' }, [group('system:unauthenticated')]),
      ],
      anonymousBinding,
    );
    expect(out.get('ClusterRoleBinding/named')!.status).toBe('pass');
    expect(out.get('ClusterRoleBinding/public-info')!.status).toBe('pass');
  });
});
