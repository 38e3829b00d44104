import { describe, expect, it } from 'vitest';
import { memoryView } from '../engine/evaluate.js';
import type { Outcome } from '../engine/types.js';
import { identityOf, refOf, type KubeObject } from '../model/object.js';
import { riskIndexOf } from './full.js';
import { CONTEXT_FACTORS, FACTOR_POINTS, scoreRisk, SEVERITY_POINTS } from './score.js';
import { binding, deployment, ingress, networkPolicy, role, sa, SECRETS_READER, service } from './testing/fixtures.js';
import type { ContextFactorId, Facts } from './types.js';

const failing = (o: KubeObject, severity: Outcome['severity'] = 'high'): Outcome => ({
  controlId: 'x',
  subject: refOf(o),
  subjectKey: identityOf(o),
  status: 'fail',
  severity,
});

describe('the risk formula', () => {
  it('is the severity\'s points plus each factor\'s, scaled by severity, capped at 100; the weights sum to the score', () => {
    expect(scoreRisk('medium', {})).toEqual({ score: 20, factors: [{ id: 'severity', description: 'medium severity', weight: 20 }] });
    const r = scoreRisk('medium', { exposed: 'e', 'egress-open': 'o' });
    expect(r.factors.map((f) => [f.id, f.weight])).toEqual([['severity', 20], ['exposed', 12], ['egress-open', 3]]);
    expect(r.score).toBe(35);
    const all: Facts = Object.fromEntries(CONTEXT_FACTORS.map((id) => [id, id]));
    expect(scoreRisk('low', all).score).toBe(10 + 7 + 7 + 7 + 5 + 4 + 4 + 2 + 2);
    expect(scoreRisk('critical', all).score).toBe(100);
    expect(scoreRisk('critical', all).factors.reduce((s, f) => s + f.weight, 0)).toBe(40 + 105);
    // Every severity keeps its order when the context is the same.
    for (const facts of [{}, { exposed: 'e' }, all]) {
      const scores = (['critical', 'high', 'medium', 'low'] as const).map((s) => scoreRisk(s, facts).score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    }
    expect(SEVERITY_POINTS).toEqual({ critical: 40, high: 30, medium: 20, low: 10 });
    expect(Object.keys(FACTOR_POINTS)).toEqual(CONTEXT_FACTORS);
  });
});

describe('factors of a workload', () => {
  const web = deployment('web', 'app', { serviceAccountName: 'web', containers: [{ name: 'c', image: 'i', securityContext: { privileged: true } }] });
  const objects = [
    web,
    service('web', 'app', { app: 'web' }, { type: 'LoadBalancer' }),
    binding('admin', undefined, { kind: 'ClusterRole', name: 'cluster-admin' }, [sa('web', 'app')]),
  ];

  it.each<[ContextFactorId, string]>([
    ['exposed', 'reachable from outside the cluster: Service app/web: type LoadBalancer open to any source address'],
    ['attack-path', 'on 2 attack paths, the worst (100): Service app/web → Deployment app/web → ServiceAccount app/web → ClusterRoleBinding admin → ClusterRole cluster-admin: cluster-admin-equivalent rights'],
    ['cluster-admin', 'runs as ServiceAccount app/web, whose token gives control of the cluster (cluster-admin-equivalent) cluster-wide'],
    ['host-access', 'host access: privileged container c'],
    ['powerful-identity', 'runs as ServiceAccount app/web, which holds cluster-admin-equivalent rights'],
    ['reaches-secrets', 'its token reads every Secret cluster-wide'],
    ['lateral-reachable', 'every pod of the cluster may connect to it (no ingress NetworkPolicy restricts it)'],
    ['egress-open', 'it may connect anywhere: other pods, cloud metadata, the internet (no egress NetworkPolicy restricts it)'],
  ])('%s', (id, description) => {
    const risk = riskIndexOf(memoryView(objects)).riskOf(failing(web))!;
    const f = risk.factors.find((x) => x.id === id)!;
    expect(f.description.startsWith(description), f.description).toBe(true);
    expect(f.weight).toBe(Math.round(FACTOR_POINTS[id] * 0.85));
  });

  it('leaves out what does not hold: a fenced, unexposed, unprivileged workload without a token is its severity alone', () => {
    const quiet = deployment('quiet', 'app', { automountServiceAccountToken: false });
    const fence = networkPolicy('deny', 'app', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const index = riskIndexOf(memoryView([quiet, fence, service('quiet', 'app', { app: 'quiet' }, { type: 'NodePort' })]));
    expect(index.riskOf(failing(quiet, 'low'))).toEqual({ score: 10, factors: [{ id: 'severity', description: 'low severity', weight: 10 }] });
    expect(index.riskOf({ ...failing(quiet), status: 'pass' })).toBeUndefined();
  });

  it('scores a stored finding from its subject reference and severity alone', () => {
    const index = riskIndexOf(memoryView(objects));
    const stored = { subjectKey: identityOf(web), subject: { kind: 'Deployment', namespace: 'app', name: 'web' } };
    expect(index.scoreOf(stored, 'high')).toEqual(index.riskOf(failing(web)));
  });
});

describe('factors of the objects a workload links to', () => {
  const web = deployment('web', 'app', { serviceAccountName: 'web' });
  const svc = service('web', 'app', { app: 'web' });
  const ing = ingress('site', 'app', 'web');
  const reader = role('reader', undefined, SECRETS_READER);
  const b = binding('web-reader', undefined, { kind: 'ClusterRole', name: 'reader' }, [sa('web', 'app')]);
  const account: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'app' } };
  const index = riskIndexOf(memoryView([web, svc, ing, reader, b, account]));
  const ids = (o: KubeObject) => index.riskOf(failing(o))!.factors.map((f) => f.id);
  const text = (o: KubeObject, id: ContextFactorId) => index.riskOf(failing(o))!.factors.find((f) => f.id === id)?.description;

  it('a way in carries the exposure and what the workload behind it holds', () => {
    expect(ids(ing)).toEqual(['severity', 'exposed', 'attack-path', 'powerful-identity', 'reaches-secrets']);
    expect(text(svc, 'exposed')).toBe('routes outside traffic to Deployment app/web');
    expect(text(svc, 'reaches-secrets')).toBe('routes to Deployment app/web, whose token reads Secrets');
  });

  it('a ServiceAccount carries its rights and the exposure of who mounts it', () => {
    expect(ids(account)).toEqual(['severity', 'exposed', 'attack-path', 'powerful-identity', 'reaches-secrets']);
    expect(text(account, 'exposed')).toBe('mounted by Deployment app/web, which is reachable from outside the cluster');
  });

  it('a binding and its role carry the rights they grant and whom to', () => {
    expect(ids(b)).toEqual(['severity', 'exposed', 'attack-path', 'powerful-identity', 'reaches-secrets']);
    expect(text(b, 'powerful-identity')).toBe('grants get/list/watch on Secrets cluster-wide to the token of Deployment app/web');
    expect(text(reader, 'reaches-secrets')).toBe('lets the token of Deployment app/web read Secrets');
  });

  it('cluster-admin and host access reach the objects linked too', () => {
    const priv = deployment('web', 'app', { serviceAccountName: 'web', containers: [{ name: 'c', image: 'i', securityContext: { privileged: true } }] });
    const admin = binding('admin', undefined, { kind: 'ClusterRole', name: 'cluster-admin' }, [sa('web', 'app')]);
    const lb = service('web', 'app', { app: 'web' }, { type: 'LoadBalancer' });
    const facts = (objects: KubeObject[], o: KubeObject) =>
      Object.fromEntries(riskIndexOf(memoryView(objects)).riskOf(failing(o))!.factors.map((x) => [x.id, x.description]));
    const exposed = [priv, lb, admin];
    expect(facts(exposed, lb)['cluster-admin']).toBe('routes to Deployment app/web, whose token is cluster-admin-equivalent');
    expect(facts(exposed, lb)['host-access']).toBe('routes to Deployment app/web, which has host access (privileged container c)');
    expect(facts(exposed, admin)['cluster-admin']).toBe('grants cluster-admin-equivalent rights to the token of Deployment app/web');
    expect(facts(exposed, admin).exposed).toBe('grants to the token of Deployment app/web, which is reachable from outside the cluster');
    // Not exposed (a ClusterIP Service, no Ingress): no path and no exposure; the rights remain.
    const inside = facts([priv, svc, admin], admin);
    expect(inside.exposed).toBeUndefined();
    expect(inside['attack-path']).toBeUndefined();
    expect(inside['cluster-admin']).toBeDefined();
    expect(facts([priv, svc, admin], svc)).toEqual({ severity: 'high severity' });
  });

  it('objects nothing links to, and pods represented by their controller, are their severity alone', () => {
    expect(ids(role('unbound', 'app', SECRETS_READER))).toEqual(['severity']);
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'app', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-x', uid: 'u', controller: true }] }, spec: { containers: [] } };
    expect(ids(pod)).toEqual(['severity']);
  });
});
