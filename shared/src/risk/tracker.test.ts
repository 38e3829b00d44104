import { describe, expect, it } from 'vitest';
import { identityOf, refOf, type KubeObject } from '../model/object.js';
import { refKey } from './risk-index.js';
import { binding, deployment, ingress, networkPolicy, role, sa, SECRETS_READER, service, serviceAccount } from './testing/fixtures.js';
import { RiskHarness } from './testing/harness.js';
import type { ObjectRef } from './types.js';

const web = deployment('web', 'app', { serviceAccountName: 'web' });
const api = deployment('api', 'app', { serviceAccountName: 'api' });
const other = deployment('other', 'elsewhere');
const names = (refs: ObjectRef[]) => refs.map((r) => refKey(r).replaceAll('\u0001', '/')).sort();
const facts = (h: RiskHarness, o: KubeObject) => Object.keys(h.tracker.index.factsOf({ subjectKey: identityOf(o), subject: refOf(o) }));

describe('RiskTracker', () => {
  it('a Service turning LoadBalancer exposes the workloads it selects, and only their risk changes', () => {
    const h = new RiskHarness([web, api, other, service('web', 'app', { app: 'web' })]);
    expect(facts(h, web)).not.toContain('exposed');
    const touched = h.upsert(service('web', 'app', { app: 'web' }, { type: 'LoadBalancer' }));
    expect(names(touched)).toEqual(['Deployment/app/web', 'Service/app/web', 'ServiceAccount/app/web']);
    expect(facts(h, web)).toContain('exposed');
    // Selector changed to another workload: both are re-evaluated (the keys it had and has).
    expect(names(h.upsert(service('web', 'app', { app: 'api' }, { type: 'LoadBalancer' })))).toEqual(['Deployment/app/api', 'Deployment/app/web', 'Service/app/web', 'ServiceAccount/app/api', 'ServiceAccount/app/web']);
    expect(facts(h, web)).not.toContain('exposed');
    expect(facts(h, api)).toContain('exposed');
  });

  it('an Ingress appearing in front of a ClusterIP Service exposes its workloads', () => {
    const h = new RiskHarness([web, service('web', 'app', { app: 'web' })]);
    expect(names(h.upsert(ingress('site', 'app', 'web')))).toEqual(['Deployment/app/web', 'Ingress/app/site', 'Service/app/web', 'ServiceAccount/app/web']);
    expect(facts(h, web)).toContain('exposed');
    expect(names(h.delete(ingress('site', 'app', 'web')))).toEqual(['Deployment/app/web', 'Ingress/app/site', 'Service/app/web', 'ServiceAccount/app/web']);
    expect(facts(h, web)).not.toContain('exposed');
  });

  it('a binding appearing gives the workloads of that ServiceAccount their rights, and a path when exposed', () => {
    const h = new RiskHarness([web, api, service('web', 'app', { app: 'web' }, { type: 'NodePort' }), role('reader', 'app', SECRETS_READER)]);
    expect(h.tracker.attackPaths()).toEqual([]);
    const b = binding('web-reader', 'app', { kind: 'Role', name: 'reader' }, [sa('web', 'app')]);
    expect(names(h.upsert(b))).toEqual(['Deployment/app/web', 'Role/app/reader', 'RoleBinding/app/web-reader', 'Service/app/web', 'ServiceAccount/app/web']);
    expect(facts(h, web)).toEqual(expect.arrayContaining(['exposed', 'attack-path', 'powerful-identity', 'reaches-secrets']));
    expect(facts(h, api)).not.toContain('reaches-secrets');
    expect(h.tracker.attackPaths().map((p) => p.impact)).toEqual(['secrets']);
    // The role loses the right: the same objects again.
    expect(names(h.upsert(role('reader', 'app', [])))).toEqual(['Deployment/app/web', 'Role/app/reader', 'RoleBinding/app/web-reader', 'Service/app/web', 'ServiceAccount/app/web']);
    expect(h.tracker.attackPaths()).toEqual([]);
  });

  it('a NetworkPolicy added fences the workloads it selects and closes their ways in', () => {
    const h = new RiskHarness([web, other, service('web', 'app', { app: 'web' }, { type: 'LoadBalancer' })]);
    const touched = h.upsert(networkPolicy('deny', 'app', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
    expect(names(touched)).toEqual(['Deployment/app/web', 'Service/app/web', 'ServiceAccount/app/web']);
    expect(facts(h, web)).toEqual([]);
    expect(facts(h, other)).toEqual(['lateral-reachable', 'egress-open']);
  });

  it('automount turned off on the ServiceAccount drops the identity', () => {
    const h = new RiskHarness([web, binding('admin', undefined, { kind: 'ClusterRole', name: 'cluster-admin' }, [sa('web', 'app')])]);
    expect(facts(h, web)).toContain('cluster-admin');
    h.upsert(serviceAccount('web', 'app', false));
    expect(facts(h, web)).not.toContain('cluster-admin');
    expect(h.tracker.context(identityOf(web))!.identity).toBeUndefined();
  });

  it('forgets workloads deleted or scaled to zero, and reports nothing when a change changes no context', () => {
    const h = new RiskHarness([web, other]);
    expect(h.upsert({ ...other, metadata: { ...other.metadata, labels: { note: 'x' } } })).toEqual([]);
    expect(names(h.upsert({ ...web, spec: { ...(web.spec as object), replicas: 0 } }))).toEqual(['Deployment/app/web', 'ServiceAccount/app/web']);
    expect(h.tracker.context(identityOf(web))).toBeUndefined();
    h.delete(other);
    expect(h.tracker.stats.workloads).toBe(0);
  });
});
