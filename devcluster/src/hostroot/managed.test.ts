// Managed distributions: an EKS worker gets the EKS paths, no control-plane checks and
// no hostname-override finding (EKS sets it by design).
import { afterAll, describe, expect, it } from 'vitest';
import { NodeFactsCollector } from '@stance/agent/node/index';
import { nodeControls } from '@stance/shared/controls/node/index';
import { evaluateAll } from '@stance/shared/engine/index';
import { nodeFactsSubject } from '@stance/shared/node/index';
import { HostRootBuilder } from './builder.js';
import { writeOs } from './os.js';
import { KUBECONFIG, PEM_CERT } from './secrets.js';

let b: HostRootBuilder | undefined;
afterAll(async () => {
  await b?.remove();
});

describe('EKS worker', () => {
  it('uses the EKS layout and applies only worker checks', async () => {
    b = await HostRootBuilder.create('eks-');
    await writeOs(b, { hostname: 'ip-10-0-1-23.ec2.internal', lsm: 'selinux', hardenedSysctls: true });
    await b.dir('/etc/eks');
    await b.process(90, ['/usr/bin/kubelet', '--config', '/etc/kubernetes/kubelet/kubelet-config.json', '--kubeconfig', '/var/lib/kubelet/kubeconfig', '--hostname-override=ip-10-0-1-23.ec2.internal']);
    await b.file('/etc/kubernetes/kubelet/kubelet-config.json', JSON.stringify({ kind: 'KubeletConfiguration', authentication: { x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' } }, podPidsLimit: 8192 }), { mode: 0o644 });
    await b.file('/var/lib/kubelet/kubeconfig', KUBECONFIG, { mode: 0o600 });
    await b.file('/etc/kubernetes/pki/ca.crt', PEM_CERT, { mode: 0o644 });
    await b.file('/etc/systemd/system/kubelet.service', '[Service]\n', { mode: 0o600 });
    const doc = await new NodeFactsCollector({ hostRoot: b.root, nodeName: 'IP-10-0-1-23.ec2.internal' }).collect();
    expect(doc.distribution).toBe('eks');
    expect(doc.nodeName).toBe('ip-10-0-1-23.ec2.internal');
    const status = Object.fromEntries(evaluateAll([nodeFactsSubject(doc)], nodeControls).map((o) => [o.controlId, o.status]));
    expect(status['cis.4.2.7']).toBe('not-applicable');
    expect(status['cis.4.1.1']).toBe('pass');
    expect(status['cis.4.1.9']).toBe('fail');
    expect(status['cis.4.2.13']).toBe('pass');
    for (const [id, s] of Object.entries(status)) if (/^cis\.(1|2)\./.test(id)) expect(s, id).toBe('not-applicable');
  });
});
