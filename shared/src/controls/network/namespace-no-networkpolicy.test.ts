import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../model/object.js';
import { deployment, outcomesByName } from '../rbac/fixtures.js';
import { POD_BEARING_KINDS } from '../../model/kinds.js';
import { CHEAPEST_FIRST, namespaceNoNetworkPolicy } from './namespace-no-networkpolicy.js';

const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

describe('net.namespace-no-networkpolicy', () => {
  it('fails a namespace with workloads and no policy; passes one with a policy; n/a when empty', () => {
    const out = outcomesByName(
      [
        ns('open'),
        deployment('web', 'open'),
        ns('guarded'),
        deployment('web2', 'guarded'),
        { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'guarded' }, spec: { podSelector: {} } },
        ns('empty'),
        ns('kube-system'),
        deployment('coredns', 'kube-system'),
      ],
      namespaceNoNetworkPolicy,
    );
    expect(out.get('Namespace/open')).toMatchObject({ status: 'fail', evidence: ['metadata.name'] });
    expect(out.get('Namespace/open')!.message).toContain('Deployment web');
    expect(out.get('Namespace/guarded')!.status).toBe('pass');
    expect(out.get('Namespace/empty')!.status).toBe('not-applicable');
    expect(out.get('Namespace/kube-system')!.status).toBe('exempt');
  });

  it('looks at every pod-bearing kind', () => {
    expect([...CHEAPEST_FIRST].sort()).toEqual([...POD_BEARING_KINDS].sort());
  });
});
