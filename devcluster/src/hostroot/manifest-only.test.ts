// A control-plane component found only as a static pod manifest (its process is not
// visible, e.g. the agent runs without hostPID) is still checked, from the manifest.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeFactsCollector } from '@stance/agent/node/index';
import { nodeControls } from '@stance/shared/controls/node/index';
import { evaluateAll } from '@stance/shared/engine/index';
import { nodeFactsSubject } from '@stance/shared/node/index';
import type { HostRootBuilder } from './builder.js';
import { kubeadmControlPlane } from './kubeadm.js';

let b: HostRootBuilder | undefined;
afterAll(async () => {
  await b?.remove();
});

describe('components from static pod manifests', () => {
  it('reads kube-apiserver and etcd from their manifests when no process is visible', async () => {
    b = await kubeadmControlPlane(false);
    await rm(path.join(b.root, 'proc/200'), { recursive: true });
    await rm(path.join(b.root, 'proc/203'), { recursive: true });
    const doc = await new NodeFactsCollector({ hostRoot: b.root }).collect();
    expect(doc.components['kube-apiserver']).toMatchObject({ source: 'manifest', manifestPath: '/etc/kubernetes/manifests/kube-apiserver.yaml' });
    expect(doc.components['kube-apiserver']?.pid).toBeUndefined();
    expect(doc.components['kube-scheduler']).toMatchObject({ source: 'process', pid: 202, manifestPath: '/etc/kubernetes/manifests/kube-scheduler.yaml' });
    const status = Object.fromEntries(evaluateAll([nodeFactsSubject(doc)], nodeControls).map((o) => [o.controlId, o.status]));
    expect(status['cis.1.2.6']).toBe('fail');
    expect(status['cis.1.2.25']).toBe('pass');
    expect(status['cis.2.2']).toBe('fail');
    expect(status['node.etcd-client-port-exposed']).toBe('fail');
  });
});
