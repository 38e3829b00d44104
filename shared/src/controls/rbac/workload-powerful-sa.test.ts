import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../model/object.js';
import { binding, deployment, group, outcomesByName, role, sa } from './fixtures.js';
import { workloadPowerfulSa } from './workload-powerful-sa.js';

const secretsRole = role('secrets', 'app', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }]);
const harmless = role('cm', 'app', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]);

describe('rbac.workload-powerful-sa', () => {
  it('fails a workload whose ServiceAccount a binding grants powerful rights', () => {
    const out = outcomesByName(
      [deployment('web', 'app', { serviceAccountName: 'web' }), secretsRole, binding('b', 'app', { kind: 'Role', name: 'secrets' }, [sa('web', 'app')])],
      workloadPowerfulSa,
    );
    const o = out.get('Deployment/web')!;
    expect(o.status).toBe('fail');
    expect(o.message).toContain('get/list/watch on Secrets');
    expect(o.message).toContain('RoleBinding b');
    expect(o.evidence).toEqual(['spec.template.spec.serviceAccountName']);
  });

  it('follows group bindings and bindings in other namespaces', () => {
    const viaGroup = outcomesByName(
      [deployment('web', 'app'), binding('all-sa', undefined, { kind: 'ClusterRole', name: 'cluster-admin' }, [group('system:serviceaccounts:app')])],
      workloadPowerfulSa,
    );
    expect(viaGroup.get('Deployment/web')!.status).toBe('fail');
    const other = role('secrets', 'prod', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
    const cross = outcomesByName(
      [deployment('web', 'app'), other, binding('x', 'prod', { kind: 'Role', name: 'secrets' }, [sa('default', 'app')])],
      workloadPowerfulSa,
    );
    expect(cross.get('Deployment/web')!.message).toContain('in namespace prod');
  });

  it('passes harmless rights, unmounted tokens, and other ServiceAccounts', () => {
    const objects: KubeObject[] = [
      deployment('harmless', 'app', { serviceAccountName: 'cm' }),
      deployment('no-token', 'app', { serviceAccountName: 'web', automountServiceAccountToken: false }),
      deployment('sa-off', 'app', { serviceAccountName: 'quiet' }),
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'quiet', namespace: 'app' }, automountServiceAccountToken: false },
      deployment('other', 'app', { serviceAccountName: 'other' }),
      secretsRole,
      harmless,
      binding('web', 'app', { kind: 'Role', name: 'secrets' }, [sa('web', 'app'), sa('quiet', 'app')]),
      binding('cm', 'app', { kind: 'Role', name: 'cm' }, [sa('cm', 'app')]),
    ];
    const out = outcomesByName(objects, workloadPowerfulSa);
    for (const name of ['harmless', 'no-token', 'sa-off', 'other']) expect(out.get(`Deployment/${name}`)!.status, name).toBe('pass');
  });

  it('is not applicable to finished pods and exempt in kube-system', () => {
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'done', namespace: 'app' }, spec: { containers: [] }, status: { phase: 'Succeeded' } };
    expect(outcomesByName([pod], workloadPowerfulSa).get('Pod/done')!.status).toBe('not-applicable');
    const sys = outcomesByName([deployment('coredns', 'kube-system')], workloadPowerfulSa);
    expect(sys.get('Deployment/coredns')!.status).toBe('exempt');
  });
});
