import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../model/object.js';
import { deployment, outcomesByName } from '../rbac/fixtures.js';
import { podEgressNotIsolated } from './pod-egress-not-isolated.js';
import { podNotIsolated } from './pod-not-isolated.js';

const policy = (name: string, ns: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: ns },
  spec,
});

describe('net.pod-not-isolated (ingress)', () => {
  it('fails workloads no ingress policy selects; an egress-only policy does not isolate ingress', () => {
    const out = outcomesByName(
      [
        deployment('web', 'app'),
        deployment('db', 'app'),
        policy('db-egress', 'app', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Egress'] }),
        policy('elsewhere', 'other', { podSelector: {} }),
      ],
      podNotIsolated,
    );
    expect(out.get('Deployment/web')).toMatchObject({ status: 'fail', evidence: ['spec.template.metadata.labels'] });
    expect(out.get('Deployment/web')!.message).toContain('selected by no ingress NetworkPolicy in namespace app');
    expect(out.get('Deployment/db')!.status).toBe('fail');
  });

  it('passes pods selected by an ingress policy (expressions included), even one with no rules (deny all)', () => {
    const out = outcomesByName(
      [
        deployment('web', 'app'),
        policy('web', 'app', { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] } }),
        deployment('api', 'api'),
        policy('deny', 'api', { podSelector: {}, policyTypes: ['Ingress'], ingress: [] }),
      ],
      podNotIsolated,
    );
    expect(out.get('Deployment/web')!.status).toBe('pass');
    expect(out.get('Deployment/api')!.status).toBe('pass');
  });

  it('fails a pod isolated in name only: a rule with no peers and no ports admits everything', () => {
    const out = outcomesByName(
      [
        deployment('web', 'app'),
        policy('deny', 'app', { podSelector: {} }),
        policy('allow-all', 'app', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] }),
        deployment('api', 'api'),
        policy('port-only', 'api', { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] }),
      ],
      podNotIsolated,
    );
    expect(out.get('Deployment/web')!.status).toBe('fail');
    expect(out.get('Deployment/web')!.message).toContain('isolated for ingress by NetworkPolicy deny, allow-all, but NetworkPolicy allow-all ingress rule #0 admits every source on every port');
    expect(out.get('Deployment/api')!.status).toBe('pass'); // every source, but one port only
  });

  it('flags hostNetwork pods, which policies cannot isolate', () => {
    const out = outcomesByName([deployment('agent', 'app', { hostNetwork: true }), policy('all', 'app', { podSelector: {} })], podNotIsolated);
    expect(out.get('Deployment/agent')!.message).toContain('hostNetwork');
  });
});

describe('net.pod-egress-not-isolated', () => {
  it('judges egress on its own: an ingress-only policy (policyTypes absent, no egress rules) does not isolate egress', () => {
    const out = outcomesByName(
      [
        deployment('web', 'app'),
        policy('ingress-only', 'app', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] }),
        // `egress: []` without policyTypes defaults to Ingress only: egress stays open.
        policy('empty-egress', 'app', { podSelector: {}, egress: [] }),
      ],
      podEgressNotIsolated,
    );
    expect(out.get('Deployment/web')).toMatchObject({ status: 'fail', evidence: ['spec.template.metadata.labels'] });
    expect(out.get('Deployment/web')!.message).toContain('selected by no egress NetworkPolicy in namespace app');
    expect(out.get('Deployment/web')!.message).toContain('cloud metadata');
  });

  it('passes deny-all egress (policyTypes Egress with `egress: []` or none) and egress rules that name peers', () => {
    const out = outcomesByName(
      [
        deployment('a', 'ns-a'),
        policy('deny', 'ns-a', { podSelector: {}, policyTypes: ['Egress'], egress: [] }),
        deployment('b', 'ns-b'),
        policy('deny', 'ns-b', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
        deployment('c', 'ns-c'),
        // policyTypes absent, egress rules present: Egress is implied.
        policy('dns', 'ns-c', { podSelector: {}, egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }] }] }),
      ],
      podEgressNotIsolated,
    );
    for (const name of ['a', 'b', 'c']) expect(out.get(`Deployment/${name}`)!.status, name).toBe('pass');
  });

  it('fails egress isolated in name only, and hostNetwork pods', () => {
    const out = outcomesByName(
      [
        deployment('web', 'app'),
        policy('deny', 'app', { podSelector: {}, policyTypes: ['Egress'] }),
        policy('open', 'app', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [] }] }),
        deployment('agent', 'host', { hostNetwork: true }),
      ],
      podEgressNotIsolated,
    );
    expect(out.get('Deployment/web')!.message).toContain('NetworkPolicy open egress rule #0 admits every destination on every port');
    expect(out.get('Deployment/agent')!.message).toContain('hostNetwork');
  });

  it('takes egress to 0.0.0.0/0 or ::/0 on every port for allow-all; an except, a port or a narrower block restricts it', () => {
    const egress = (name: string, rule: Record<string, unknown>) => [deployment(name, name), policy('p', name, { podSelector: {}, policyTypes: ['Egress'], egress: [rule] })];
    const out = outcomesByName(
      [
        ...egress('v4', { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }),
        ...egress('v6', { to: [{ podSelector: {} }, { ipBlock: { cidr: '::/0', except: [] } }] }),
        ...egress('except', { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }] }),
        ...egress('https', { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }] }),
        ...egress('narrow', { to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }),
      ],
      podEgressNotIsolated,
    );
    expect(out.get('Deployment/v4')!.message).toContain('NetworkPolicy p egress rule #0 admits every destination on every port');
    expect(out.get('Deployment/v6')!.status).toBe('fail');
    for (const name of ['except', 'https', 'narrow']) expect(out.get(`Deployment/${name}`)!.status, name).toBe('pass');
  });

  it('is exempt in kube-system and n/a for finished pods', () => {
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'done', namespace: 'app' }, spec: { containers: [] }, status: { phase: 'Failed' } };
    const out = outcomesByName([deployment('coredns', 'kube-system'), pod], podEgressNotIsolated);
    expect(out.get('Deployment/coredns')!.status).toBe('exempt');
    expect(out.get('Pod/done')!.status).toBe('not-applicable');
  });
});
