// How far a change reaches with the real RBAC and network controls: counted in subjects
// re-evaluated (deterministic), the measure behind "a delta re-evaluates only what it
// can affect".
import { describe, expect, it } from 'vitest';
import { networkControls } from '../controls/network/index.js';
import { rbacControls } from '../controls/rbac/index.js';
import type { KubeObject } from '../model/object.js';
import { memoryView } from './evaluate.js';
import { IncrementalEngine } from './incremental.js';
import type { ClusterView } from './types.js';

const RBAC = 'rbac.authorization.k8s.io/v1';

function cluster(): KubeObject[] {
  const out: KubeObject[] = [];
  for (let n = 0; n < 20; n++) {
    const ns = `ns${n}`;
    out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    out.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: ns }, spec: { podSelector: {} } });
    for (let i = 0; i < 3; i++) out.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `sa${i}`, namespace: ns } });
    out.push({ apiVersion: RBAC, kind: 'RoleBinding', metadata: { name: 'edit', namespace: ns }, roleRef: { kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'ServiceAccount', name: 'sa0', namespace: ns }] });
    for (let i = 0; i < 10; i++) {
      out.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `d${i}`, namespace: ns }, spec: { template: { metadata: { labels: { app: `d${i}` } }, spec: { serviceAccountName: `sa${i % 3}` } } } });
    }
    for (let i = 0; i < 100; i++) out.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: ns }, spec: { serviceAccountName: `sa${i % 3}` } });
  }
  out.push({ apiVersion: RBAC, kind: 'ClusterRoleBinding', metadata: { name: 'viewers' }, roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: 'devs' }] });
  return out;
}

describe('fan-out of a change', () => {
  const objects = cluster();
  let view = memoryView(objects);
  const source: ClusterView = { get: (k, n, nm) => view.get(k, n, nm), list: (k, n) => view.list(k, n) };
  const engine = new IncrementalEngine({ controls: [...rbacControls, ...networkControls], source, partialResults: true });
  engine.evaluateBatch(objects);
  const upsert = (o: KubeObject) => {
    const i = objects.findIndex((x) => x.kind === o.kind && x.metadata.name === o.metadata.name && x.metadata.namespace === o.metadata.namespace);
    if (i >= 0) objects[i] = o;
    else objects.push(o);
    view = memoryView(objects);
    return engine.apply({ type: 'upsert', object: o });
  };
  const kinds = (rs: { kind: string }[]) => [...new Set(rs.map((r) => r.kind))].sort();

  it('a pod change reaches the pod and the privileged ServiceAccount of its namespace', () => {
    const rs = upsert({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'ns3', labels: { x: 'y' } }, spec: { serviceAccountName: 'sa1' } });
    expect(rs.map((r) => `${r.kind}/${r.subject.namespace}/${r.subject.name}`).sort()).toEqual(['Pod/ns3/p1', 'ServiceAccount/ns3/sa0']);
  });

  it('a NetworkPolicy change reaches its namespace only, the NetworkPolicy controls per workload', () => {
    const rs = upsert({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'ns5' }, spec: { podSelector: { matchLabels: { app: 'd1' } } } });
    expect(rs).toHaveLength(1 + 110 + 1); // itself, workloads, namespace
    expect(rs.every((r) => r.subject.namespace === 'ns5' || r.kind === 'Namespace')).toBe(true);
    expect(rs.find((r) => r.kind === 'Pod')!.controlIds).toEqual(['net.pod-not-isolated', 'net.pod-egress-not-isolated']);
  });

  it('a binding change reaches the ServiceAccounts it names, before or after, never workloads', () => {
    const viewers = (subjects: unknown[]) =>
      upsert({ apiVersion: RBAC, kind: 'ClusterRoleBinding', metadata: { name: 'viewers' }, roleRef: { kind: 'ClusterRole', name: 'view' }, subjects });
    const names = (rs: { kind: string; subject: { namespace?: string; name: string } }[]) =>
      rs.map((r) => `${r.kind}/${r.subject.namespace ?? ''}/${r.subject.name}`).sort();
    // Neither group holds an account: only the binding itself.
    expect(names(viewers([{ kind: 'Group', name: 'ops' }]))).toEqual(['ClusterRoleBinding//viewers']);
    // The accounts of one namespace, through their group: those three.
    const ns4 = ['ServiceAccount/ns4/sa0', 'ServiceAccount/ns4/sa1', 'ServiceAccount/ns4/sa2'];
    expect(names(viewers([{ kind: 'Group', name: 'system:serviceaccounts:ns4' }]))).toEqual(['ClusterRoleBinding//viewers', ...ns4]);
    // Taken away again: the same three (the keys it had), and one named account.
    expect(names(viewers([{ kind: 'ServiceAccount', name: 'sa1', namespace: 'ns7' }]))).toEqual(['ClusterRoleBinding//viewers', ...ns4, 'ServiceAccount/ns7/sa1']);
    // Every account of the cluster, and still no workload.
    const all = viewers([{ kind: 'Group', name: 'system:serviceaccounts' }]);
    expect(kinds(all)).toEqual(['ClusterRoleBinding', 'ServiceAccount']);
    expect(all).toHaveLength(1 + 60);
  });
});
