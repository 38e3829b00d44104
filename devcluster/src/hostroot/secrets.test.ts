// No private key, token or secret byte ever reaches the facts document: keys, kubeconfig
// tokens, tokens in flags and config files, encryption keys are planted and searched for.
import { afterAll, describe, expect, it } from 'vitest';
import { NodeFactsCollector } from '@stance/agent/node/index';
import { REDACTED } from '@stance/shared/node/index';
import { HostRootBuilder } from './builder.js';
import { kubeadmControlPlane } from './kubeadm.js';
import { k3sServer } from './k3s.js';
import { CANARY, PEM_KEY } from './secrets.js';
import { writeOs } from './os.js';

const roots: HostRootBuilder[] = [];
afterAll(async () => {
  for (const r of roots) await r.remove();
});

/** A k3s agent and an API server whose command lines carry every kind of secret flag. */
async function secretFlagsHost(): Promise<HostRootBuilder> {
  const b = await HostRootBuilder.create('secret-flags-');
  await writeOs(b, { hostname: 'secret-flags', lsm: 'apparmor', hardenedSysctls: true });
  await b.process(10, [
    '/usr/local/bin/k3s',
    'server',
    '--token',
    CANARY.k3sToken,
    `--agent-token=${CANARY.agentToken}`,
    `--datastore-endpoint=mysql://k3s:${CANARY.datastorePassword}@tcp(db:3306)/k3s`,
    `--kube-apiserver-arg=oidc-client-secret=${CANARY.staticToken}`,
    '--kube-apiserver-arg=encryption-provider-config=/etc/enc.yaml',
  ]);
  await b.process(20, ['/usr/local/bin/kube-apiserver', `--etcd-servers=https://root:${CANARY.etcdPassword}@10.0.0.1:2379`, '--encryption-provider-config=/etc/enc.yaml']);
  await b.process(30, ['/usr/bin/kubelet', `--bootstrap-token=${CANARY.bootstrapToken}`, '--kubeconfig=/etc/kubelet.kubeconfig']);
  await b.file('/etc/kubelet.kubeconfig', `users:\n- user:\n    token: ${CANARY.kubeconfigToken}\n`, { mode: 0o600 });
  await b.file('/etc/enc.yaml', `resources:\n- resources: [secrets]\n  providers:\n  - aesgcm:\n      keys:\n      - name: k\n        secret: ${CANARY.encryptionKey}\n`, { mode: 0o600 });
  await b.yaml('/etc/rancher/k3s/config.yaml', `token: ${CANARY.k3sConfigToken}\ndatastore-endpoint: postgres://u:${CANARY.datastorePassword}@db/k3s\nkubelet-arg:\n  - "bootstrap-token=${CANARY.bootstrapToken}"`);
  await b.file('/var/lib/rancher/k3s/server/tls/client-ca.key', PEM_KEY, { mode: 0o600 });
  return b;
}

describe('secrets never reach the facts document', () => {
  it.each([
    ['compliant kubeadm control plane', () => kubeadmControlPlane(true)],
    ['non-compliant kubeadm control plane', () => kubeadmControlPlane(false)],
    ['k3s server', k3sServer],
    ['secret-bearing flags and config', secretFlagsHost],
  ])('%s', async (_name, build) => {
    const b = await build();
    roots.push(b);
    const doc = await new NodeFactsCollector({ hostRoot: b.root }).collect();
    const text = JSON.stringify(doc);
    for (const [kind, secret] of Object.entries(CANARY)) expect(text.includes(secret), `${kind} leaked`).toBe(false);
    expect(text).not.toContain('PRIVATE KEY');
    // The collector still saw the files the checks need.
    expect(Object.keys(doc.files).length).toBeGreaterThan(0);
  });

  it('keeps the presence of secret flags, never their values', async () => {
    const b = await secretFlagsHost();
    roots.push(b);
    const doc = await new NodeFactsCollector({ hostRoot: b.root }).collect();
    const k3s = doc.components.k3s!;
    expect(k3s.flags.token).toEqual([REDACTED]);
    expect(k3s.flags['agent-token']).toEqual([REDACTED]);
    // From the command line only: config.yaml keys outside the whitelist are never read.
    expect(k3s.flags['datastore-endpoint']).toEqual([REDACTED]);
    expect(k3s.flags['kubelet-arg']).toEqual([`bootstrap-token=${REDACTED}`]);
    expect(k3s.flags['kube-apiserver-arg']).toContain(`oidc-client-secret=${REDACTED}`);
    expect(doc.components['kube-apiserver']!.flags['etcd-servers']).toEqual([`https://${REDACTED}@10.0.0.1:2379`]);
    expect(doc.components.kubelet!.flags['bootstrap-token']).toEqual([REDACTED]);
    // Provider names are kept, key material is not.
    expect(doc.encryption?.rules).toEqual([{ resources: ['secrets'], providers: ['aesgcm'] }]);
  });
});
