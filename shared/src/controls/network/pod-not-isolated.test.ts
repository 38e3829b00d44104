import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../model/object.js';
import { deployment, outcomesByName } from '../rbac/fixtures.js';
import { podNotIsolated } from './pod-not-isolated.js';

const policy = (name: string, ns: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: ns },
  spec,
});

describe('net.pod-not-isolated', () => {
  it('fails workloads no ingress policy selects, saying when egress is open too', () => {
    const out = outcomesByName(
      [
        deployment('web', 'app'),
        deployment('db', 'app'),
        policy('db-only', 'app', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Egress'] }),
        policy('elsewhere', 'other', { podSelector: {} }),
      ],
      podNotIsolated,
    );
    expect(out.get('Deployment/web')!.message).toContain('no egress policy either');
    expect(out.get('Deployment/db')!.status).toBe('fail');
    expect(out.get('Deployment/db')!.message).not.toContain('egress');
  });

  it('passes pods selected by an ingress policy (expressions included)', () => {
    const out = outcomesByName(
      [
        deployment('web', 'app'),
        policy('web', 'app', { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] } }),
      ],
      podNotIsolated,
    );
    expect(out.get('Deployment/web')!.status).toBe('pass');
  });

  it('flags hostNetwork pods, which policies cannot isolate', () => {
    const out = outcomesByName([deployment('agent', 'app', { hostNetwork: true }), policy('all', 'app', { podSelector: {} })], podNotIsolated);
    expect(out.get('Deployment/agent')!.message).toContain('hostNetwork');
  });
});
