import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../model/object.js';
import { binding, deployment, group, outcomesByName, role, sa } from './fixtures.js';
import { workloadPowerfulSa } from './workload-powerful-sa.js';

const secretsRole = role('secrets', 'app', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }]);
const harmless = role('cm', 'app', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]);
const account = (name: string, ns: string, automount?: boolean): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace: ns },
  ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
});

describe('rbac.workload-powerful-sa', () => {
  it('fails the ServiceAccount a running workload mounts, naming rights, binding and workloads', () => {
    const out = outcomesByName(
      [
        account('web', 'app'),
        deployment('web', 'app', { serviceAccountName: 'web' }),
        secretsRole,
        binding('b', 'app', { kind: 'Role', name: 'secrets' }, [sa('web', 'app')]),
      ],
      workloadPowerfulSa,
    );
    const o = out.get('ServiceAccount/web')!;
    expect(o.status).toBe('fail');
    expect(o.message).toContain('mounted by Deployment web');
    expect(o.message).toContain('get/list/watch on Secrets in namespace app via RoleBinding b → Role secrets');
    // The workload defers to its ServiceAccount's finding.
    expect(out.get('Deployment/web')!.status).toBe('not-applicable');
  });

  it('judges a workload on itself when its ServiceAccount object is unknown (manifests)', () => {
    const out = outcomesByName(
      [deployment('web', 'app', { serviceAccountName: 'web' }), secretsRole, binding('b', 'app', { kind: 'Role', name: 'secrets' }, [sa('web', 'app')])],
      workloadPowerfulSa,
    );
    expect(out.get('Deployment/web')).toMatchObject({ status: 'fail', evidence: ['spec.template.spec.serviceAccountName'] });
  });

  it('follows group bindings and bindings in other namespaces', () => {
    const viaGroup = outcomesByName(
      [deployment('web', 'app'), binding('all-sa', undefined, { kind: 'ClusterRole', name: 'cluster-admin' }, [group('system:serviceaccounts:app')])],
      workloadPowerfulSa,
    );
    expect(viaGroup.get('Deployment/web')!.status).toBe('fail');
    const other = role('secrets', 'prod', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
    const cross = outcomesByName(
      [account('default', 'app'), deployment('web', 'app'), other, binding('x', 'prod', { kind: 'Role', name: 'secrets' }, [sa('default', 'app')])],
      workloadPowerfulSa,
    );
    expect(cross.get('ServiceAccount/default')!.message).toContain('in namespace prod');
  });

  it('passes harmless rights; n/a when no running workload mounts the token', () => {
    const objects: KubeObject[] = [
      account('cm', 'app'),
      deployment('harmless', 'app', { serviceAccountName: 'cm' }),
      account('web', 'app'),
      deployment('no-token', 'app', { serviceAccountName: 'web', automountServiceAccountToken: false }),
      account('quiet', 'app', false),
      deployment('inherits-off', 'app', { serviceAccountName: 'quiet' }),
      account('idle', 'app'),
      { ...deployment('scaled-down', 'app', { serviceAccountName: 'idle' }), spec: { replicas: 0, template: { spec: { serviceAccountName: 'idle' } } } },
      secretsRole,
      harmless,
      binding('web', 'app', { kind: 'Role', name: 'secrets' }, [sa('web', 'app'), sa('quiet', 'app'), sa('idle', 'app')]),
      binding('cm', 'app', { kind: 'Role', name: 'cm' }, [sa('cm', 'app')]),
    ];
    const out = outcomesByName(objects, workloadPowerfulSa);
    expect(out.get('ServiceAccount/cm')!.status).toBe('pass');
    for (const name of ['web', 'quiet', 'idle']) expect(out.get(`ServiceAccount/${name}`)!.status, name).toBe('not-applicable');
  });

  it('is not applicable to finished pods and exempt in kube-system', () => {
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'done', namespace: 'app' }, spec: { containers: [] }, status: { phase: 'Succeeded' } };
    expect(outcomesByName([pod], workloadPowerfulSa).get('Pod/done')!.status).toBe('not-applicable');
    const sys = outcomesByName([deployment('coredns', 'kube-system')], workloadPowerfulSa);
    expect(sys.get('Deployment/coredns')!.status).toBe('exempt');
  });
});
