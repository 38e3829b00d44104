import { describe, expect, it } from 'vitest';
import { memoryView } from '../engine/evaluate.js';
import type { KubeObject } from '../model/object.js';
import { workloadContext } from './context.js';
import { binding, deployment, group, ingress, namespace, networkPolicy, role, sa, SECRETS_READER, service, serviceAccount } from './testing/fixtures.js';
import type { WorkloadContext } from './types.js';

const web = deployment('web', 'app', { serviceAccountName: 'web', containers: [{ name: 'app', image: 'app:1', ports: [{ containerPort: 8080 }] }] });
const ctxOf = (objects: KubeObject[], subject: KubeObject = web): WorkloadContext => workloadContext(memoryView([subject, ...objects]), subject)!;

describe('workload context: ways in', () => {
  it('finds Services selecting the workload by every pair of their selector, and their exposure', () => {
    const ctx = ctxOf([
      service('lb', 'app', { app: 'web' }, { type: 'LoadBalancer' }),
      service('narrow', 'app', { app: 'web' }, { type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24'] }),
      service('internal', 'app', { app: 'web' }, { type: 'LoadBalancer' }, { 'networking.gke.io/load-balancer-type': 'Internal' }),
      service('np', 'app', { app: 'web' }, { type: 'NodePort', externalIPs: ['198.51.100.7'] }),
      service('other-labels', 'app', { app: 'web', tier: 'db' }, { type: 'NodePort' }),
      service('other-ns', 'prod', { app: 'web' }, { type: 'NodePort' }),
      service('no-selector', 'app', {}, { type: 'NodePort' }),
    ]);
    expect(ctx.entries.map((e) => [e.via, e.steps.map((s) => s.name).join('>'), e.restricted, e.admitted])).toEqual([
      ['load-balancer', 'lb', false, true],
      ['load-balancer', 'narrow', true, true],
      ['node-port', 'np', false, true],
      ['external-ip', 'np', false, true],
    ]);
    expect(ctx.entries[0]!.detail).toBe('Service app/lb: type LoadBalancer open to any source address');
  });

  it('follows Ingress → Service → workload, for any Service type, default backends and legacy fields included', () => {
    const legacy: KubeObject = { apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'old', namespace: 'app' }, spec: { backend: { serviceName: 'web', servicePort: 80 } } };
    const ctx = ctxOf([service('web', 'app', { app: 'web' }), ingress('site', 'app', 'web', 'shop.example.com'), legacy, ingress('elsewhere', 'app', 'api')]);
    expect(ctx.entries.map((e) => e.steps.map((s) => `${s.kind}/${s.name}:${s.relation}`))).toEqual([
      ['Ingress/site:ingress', 'Service/web:routes-to'],
      ['Ingress/old:ingress', 'Service/web:routes-to'],
    ]);
    expect(ctx.entries[0]!.detail).toBe('Ingress app/site (shop.example.com) → Service web');
  });

  it('counts host ports, and the declared ports of host-network pods', () => {
    const hp = deployment('hp', 'app', { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80, hostPort: 8080 }] }] });
    expect(ctxOf([], hp).entries).toMatchObject([{ via: 'host-port', steps: [], detail: 'host port 8080 on its nodes', admitted: true }]);
    const hn = deployment('hn', 'app', { hostNetwork: true, containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 9100 }] }] });
    expect(ctxOf([], hn).entries).toMatchObject([{ via: 'host-network', admitted: true }]);
    const quiet = deployment('quiet', 'app', { hostNetwork: true });
    expect(ctxOf([], quiet).entries).toEqual([]);
  });

  it('keeps outside clients out when ingress policies admit no external source, but not an Ingress controller\'s pods', () => {
    const objects = [service('lb', 'app', { app: 'web' }, { type: 'LoadBalancer' }), service('web', 'app', { app: 'web' }), ingress('site', 'app', 'web')];
    const fromController = networkPolicy('from-ingress-nginx', 'app', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }] }] });
    const ctx = ctxOf([...objects, fromController]);
    expect(ctx.entries.map((e) => [e.via, e.admitted])).toEqual([['load-balancer', false], ['ingress', true]]);
    expect(ctx.ingressOpen).toBe(false);
    const denyAll = ctxOf([...objects, networkPolicy('deny', 'app', { podSelector: {} })]);
    expect(denyAll.entries.every((e) => !e.admitted)).toBe(true);
    expect(denyAll.paths).toEqual([]);
    const cidr = ctxOf([...objects, networkPolicy('cidr', 'app', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })]);
    expect(cidr.entries.map((e) => e.admitted)).toEqual([true, false]);
  });
});

describe('workload context: identity', () => {
  const objects = [role('reader', undefined, SECRETS_READER), binding('web-reader', undefined, { kind: 'ClusterRole', name: 'reader' }, [sa('web', 'app')])];

  it('holds the token\'s powerful rights per binding and their impact', () => {
    const ctx = ctxOf(objects);
    expect(ctx.identity).toEqual({
      serviceAccount: { kind: 'ServiceAccount', namespace: 'app', name: 'web' },
      rights: [{ right: 'secrets-read', label: 'get/list/watch on Secrets', binding: { kind: 'ClusterRoleBinding', name: 'web-reader' }, role: { kind: 'ClusterRole', name: 'reader' } }],
      impacts: [{ impact: 'secrets', scope: 'cluster-wide', via: [0], description: 'every Secret cluster-wide' }],
    });
  });

  it('honours automount: the pod\'s setting wins over the ServiceAccount\'s', () => {
    expect(ctxOf([...objects, serviceAccount('web', 'app', false)]).identity).toBeUndefined();
    const optIn = deployment('web', 'app', { serviceAccountName: 'web', automountServiceAccountToken: true });
    expect(ctxOf([...objects, serviceAccount('web', 'app', false)], optIn).identity?.rights).toHaveLength(1);
    const optOut = deployment('web', 'app', { serviceAccountName: 'web', automountServiceAccountToken: false });
    expect(ctxOf(objects, optOut).identity).toBeUndefined();
  });

  it('names cluster-admin (built-in, or escalate/bind cluster-wide), and node takeover where admission lets privileged pods in', () => {
    const admin = ctxOf([binding('all-sa', undefined, { kind: 'ClusterRole', name: 'cluster-admin' }, [group('system:serviceaccounts')])]);
    expect(admin.identity!.impacts.map((i) => i.impact)).toEqual(['cluster-admin', 'node-takeover', 'secrets']);
    expect(admin.identity!.rights[0]!.role).toEqual({ kind: 'ClusterRole', name: 'cluster-admin', builtin: true });

    const creator = role('creator', 'app', [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }]);
    const b = binding('web-creator', 'app', { kind: 'Role', name: 'creator' }, [sa('web', 'app')]);
    expect(ctxOf([creator, b]).identity!.impacts.map((i) => [i.impact, i.scope])).toEqual([['node-takeover', 'in namespace app']]);
    // Pod Security admission enforcing baseline refuses the privileged pod.
    expect(ctxOf([creator, b, namespace('app', { 'pod-security.kubernetes.io/enforce': 'baseline' })]).identity!.impacts).toEqual([]);
  });
});

describe('workload context: the other impacts of a token', () => {
  const impacts = (objects: KubeObject[]) => ctxOf(objects).identity!.impacts.map((i) => [i.impact, i.scope]);
  const bound = (roleName: string, ns?: string) => binding(`web-${roleName}`, ns, { kind: 'ClusterRole', name: roleName }, [sa('web', 'app')]);

  it('node takeover through nodes/proxy (cluster-scoped: never through a RoleBinding) and exec cluster-wide only', () => {
    const proxy = role('proxy', undefined, [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }]);
    expect(impacts([proxy, bound('proxy')])).toEqual([['node-takeover', 'cluster-wide']]);
    expect(impacts([proxy, bound('proxy', 'app')])).toEqual([]);
    const exec = role('exec', undefined, [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }]);
    expect(impacts([exec, bound('exec')])).toEqual([['node-takeover', 'cluster-wide']]);
    expect(impacts([exec, bound('exec', 'app')])).toEqual([]);
  });

  it('cluster-admin spelled across two bindings: each is a step of a cluster-admin path', () => {
    const halves = [['get', 'list', 'watch', 'create'], ['update', 'patch', 'delete', 'deletecollection']].flatMap((verbs, i) => [
      role(`half-${i}`, undefined, [{ apiGroups: ['*'], resources: ['*'], verbs }]),
      bound(`half-${i}`),
    ]);
    const ctx = ctxOf([...halves, service('lb', 'app', { app: 'web' }, { type: 'LoadBalancer' })]);
    const admin = ctx.identity!.impacts[0]!;
    expect([admin.impact, admin.scope]).toEqual(['cluster-admin', 'cluster-wide']);
    expect(admin.via.map((v) => ctx.identity!.rights[v]!.binding.name)).toEqual(['web-half-0', 'web-half-1']);
    const paths = ctx.paths.filter((p) => p.impact === 'cluster-admin');
    expect(paths.map((p) => [p.score, p.steps.at(-2)!.name])).toEqual([[100, 'web-half-0'], [100, 'web-half-1']]);
  });
});

describe('workload context: host access, network and paths', () => {
  it('lists host access and which parts take the node over', () => {
    const w = deployment('agent', 'app', {
      hostPID: true,
      hostIPC: true,
      volumes: [{ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }, { name: 'logs', hostPath: { path: '/var/log' } }],
      containers: [
        { name: 'c', image: 'i', securityContext: { privileged: true, capabilities: { add: ['cap_sys_ptrace', 'NET_ADMIN'] } }, volumeMounts: [{ name: 'sock', mountPath: '/s', readOnly: true }, { name: 'logs', mountPath: '/l', readOnly: true }] },
      ],
    });
    expect(ctxOf([], w).host).toEqual([
      { detail: 'privileged container c', takeover: true },
      { detail: 'hostPID (every process of the node)', takeover: true },
      { detail: 'hostIPC', takeover: false },
      { detail: 'hostPath /var/run/docker.sock (read-only)', takeover: true },
      { detail: 'hostPath /var/log (read-only)', takeover: false },
      { detail: 'capability SYS_PTRACE', takeover: true },
    ]);
  });

  it('tells whether ingress and egress are open; host network is never fenced', () => {
    expect([ctxOf([]).ingressOpen, ctxOf([]).egressOpen]).toEqual([true, true]);
    const fenced = ctxOf([networkPolicy('deny', 'app', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })]);
    expect([fenced.ingressOpen, fenced.egressOpen]).toEqual([false, false]);
    const hn = deployment('hn', 'app', { hostNetwork: true });
    const onHost = workloadContext(memoryView([hn, networkPolicy('deny', 'app', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })]), hn)!;
    expect([onHost.ingressOpen, onHost.egressOpen]).toEqual([true, true]);
  });

  it('builds paths from each admitted way in to each impact, scored by impact and entry', () => {
    const ctx = ctxOf([
      service('web', 'app', { app: 'web' }, { type: 'LoadBalancer' }),
      ingress('site', 'app', 'web'),
      role('reader', 'app', SECRETS_READER),
      binding('web-reader', 'app', { kind: 'Role', name: 'reader' }, [sa('web', 'app')]),
    ]);
    expect(ctx.paths.map((p) => [p.score, p.impact, p.description])).toEqual([
      [70, 'secrets', 'Ingress app/site → Service app/web → Deployment app/web → ServiceAccount app/web → RoleBinding app/web-reader → Role app/reader: get/list/watch on Secrets in namespace app'],
      [70, 'secrets', 'Service app/web → Deployment app/web → ServiceAccount app/web → RoleBinding app/web-reader → Role app/reader: get/list/watch on Secrets in namespace app'],
    ]);
    expect(ctx.paths[0]!.steps.map((s) => s.relation)).toEqual(['ingress', 'routes-to', 'selects', 'runs-as', 'bound-by', 'grants']);
    expect(ctx.paths[1]!.id).toBe('secrets:Service/app/web>Deployment/app/web>ServiceAccount/app/web>RoleBinding/app/web-reader>Role/app/reader');
  });

  it('keeps the worst impact of the same steps, and none for workloads that do not run', () => {
    const privileged = deployment('web', 'app', { serviceAccountName: 'web', containers: [{ name: 'c', image: 'i', securityContext: { privileged: true } }] });
    const objects = [service('lb', 'app', { app: 'web' }, { type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/8'] }), binding('admin', undefined, { kind: 'ClusterRole', name: 'cluster-admin' }, [sa('web', 'app')])];
    const ctx = ctxOf(objects, privileged);
    expect(ctx.paths.map((p) => [p.impact, p.score, p.steps.length])).toEqual([
      ['cluster-admin', 85, 5],
      ['node-takeover', 75, 2],
    ]);
    expect(workloadContext(memoryView(objects), { ...privileged, spec: { ...(privileged.spec as object), replicas: 0 } })).toBeUndefined();
  });
});
