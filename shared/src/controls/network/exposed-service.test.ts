import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../model/object.js';
import { outcomesByName } from '../rbac/fixtures.js';
import { exposedService } from './exposed-service.js';

const svc = (name: string, spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'app', ...(annotations ? { annotations } : {}) },
  spec,
});

describe('net.exposed-service', () => {
  it('fails LoadBalancer, NodePort and externalIPs; restricted LoadBalancers are low', () => {
    const out = outcomesByName(
      [
        svc('lb', { type: 'LoadBalancer' }),
        svc('np', { type: 'NodePort' }),
        svc('ext', { type: 'ClusterIP', externalIPs: ['203.0.113.9'] }),
        svc('ranged', { type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/8'] }),
      ],
      exposedService,
    );
    expect(out.get('Service/lb')).toMatchObject({ status: 'fail', severity: 'medium', evidence: ['spec.type'] });
    expect(out.get('Service/np')!.message).toContain('NodePort');
    expect(out.get('Service/ext')!.evidence).toEqual(['spec.externalIPs']);
    expect(out.get('Service/ranged')).toMatchObject({ status: 'fail', severity: 'low' });
  });

  it('passes ClusterIP and internal load balancers', () => {
    const out = outcomesByName(
      [svc('cip', { type: 'ClusterIP' }), svc('internal', { type: 'LoadBalancer' }, { 'networking.gke.io/load-balancer-type': 'Internal' })],
      exposedService,
    );
    expect(out.get('Service/cip')!.status).toBe('pass');
    expect(out.get('Service/internal')!.status).toBe('pass');
  });
});
