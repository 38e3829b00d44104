import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../model/object.js';
import { BUILTIN_CONTROLS } from './index.js';
import { exemptionFor, SYSTEM_EXEMPTIONS, workloadNameOf } from './exemptions.js';

function obj(kind: string, name: string, namespace: string | undefined, extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  return { apiVersion: 'v1', kind, metadata: { name, ...(namespace ? { namespace } : {}), ...extra } };
}

const kubeProxyPod = obj('Pod', 'kube-proxy-x7k2p', 'kube-system', {
  ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'kube-proxy', uid: 'u', controller: true }],
});

describe('exemptionFor', () => {
  it('exempts kube-proxy (DaemonSet and its pods) from host-access controls, with a reason', () => {
    expect(exemptionFor('pod.host-network', obj('DaemonSet', 'kube-proxy', 'kube-system'))).toMatch(/iptables/);
    expect(exemptionFor('pod.privileged', kubeProxyPod)).toMatch(/kube-proxy/);
  });

  it('never exempts the same names outside system namespaces, or unrelated controls', () => {
    expect(exemptionFor('pod.host-network', obj('DaemonSet', 'kube-proxy', 'default'))).toBeUndefined();
    expect(exemptionFor('pod.runtime-socket-mount', obj('DaemonSet', 'kube-proxy', 'kube-system'))).toBeUndefined();
    expect(exemptionFor('pod.secret-in-env', obj('DaemonSet', 'cilium', 'kube-system'))).toBeUndefined();
    expect(exemptionFor('pod.privileged', obj('Deployment', 'my-app', 'kube-system'))).toBeUndefined();
  });

  it('matches static control-plane pods by prefix, only as Pods', () => {
    expect(exemptionFor('pod.host-path', obj('Pod', 'kube-apiserver-node-1', 'kube-system'))).toBeDefined();
    expect(exemptionFor('pod.host-path', obj('Deployment', 'kube-apiserver-proxy', 'kube-system'))).toBeUndefined();
  });

  it('covers default-ServiceAccount and Pod Security label checks in kube-* namespaces', () => {
    expect(exemptionFor('pod.default-service-account', obj('Deployment', 'coredns', 'kube-system'))).toBeDefined();
    expect(exemptionFor('pod.default-service-account', obj('Deployment', 'coredns', 'prod'))).toBeUndefined();
    expect(exemptionFor('ns.no-pod-security-label', obj('Namespace', 'kube-system', undefined))).toBeDefined();
    expect(exemptionFor('ns.no-pod-security-label', obj('Namespace', 'prod', undefined))).toBeUndefined();
  });

  it('is off when config.systemExemptions is false', () => {
    expect(exemptionFor('pod.privileged', kubeProxyPod, { systemExemptions: false })).toBeUndefined();
    expect(exemptionFor('pod.privileged', kubeProxyPod, { systemExemptions: true })).toBeDefined();
  });

  it('names only controls that exist, and gives every entry a reason', () => {
    const ids = new Set(BUILTIN_CONTROLS.map((c) => c.id));
    for (const e of SYSTEM_EXEMPTIONS) {
      expect(e.reason.length).toBeGreaterThan(20);
      for (const id of e.controls) expect(ids.has(id), id).toBe(true);
    }
  });
});

describe('workloadNameOf', () => {
  it('resolves Deployment pods through the ReplicaSet hash, and CronJob jobs', () => {
    const p = obj('Pod', 'coredns-5d78c9869d-abcde', 'kube-system', {
      labels: { 'pod-template-hash': '5d78c9869d' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'coredns-5d78c9869d', uid: 'u', controller: true }],
    });
    expect(workloadNameOf(p)).toBe('coredns');
    const job = obj('Job', 'backup-2891', 'x', { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'backup', uid: 'u', controller: true }] });
    expect(workloadNameOf(job)).toBe('backup');
    const mirror = obj('Pod', 'etcd-node-1', 'kube-system', { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'u', controller: true }] });
    expect(workloadNameOf(mirror)).toBe('etcd-node-1');
  });
});
