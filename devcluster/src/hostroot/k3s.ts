// (e) A fake k3s server node: one k3s process (embedded etcd via --cluster-init),
// /etc/rancher/k3s/config.yaml, the k3s data layout under /var/lib/rancher/k3s.
import { HostRootBuilder } from './builder.js';
import { writeOs } from './os.js';
import { CANARY, KUBECONFIG, PEM_CERT, PEM_KEY } from './secrets.js';

const TLS = '/var/lib/rancher/k3s/server/tls';

export async function k3sServer(): Promise<HostRootBuilder> {
  const b = await HostRootBuilder.create('k3s-');
  await writeOs(b, { hostname: 'k3s-1', lsm: 'apparmor', hardenedSysctls: true });
  await b.process(1, ['/sbin/init']);
  // k3s rewrites its process title into one space-separated string.
  await b.file('/proc/400/cmdline', `/usr/local/bin/k3s server --cluster-init --token=${CANARY.k3sToken} --protect-kernel-defaults --secrets-encryption --kube-apiserver-arg=audit-log-path=/var/lib/rancher/k3s/server/logs/audit.log --kube-apiserver-arg=audit-log-maxage=30 --kube-apiserver-arg=audit-log-maxbackup=10 --kube-apiserver-arg=audit-log-maxsize=100 --kubelet-arg=streaming-connection-idle-timeout=5m\0`);
  await b.process(401, ['containerd', '-c', '/var/lib/rancher/k3s/agent/etc/containerd/config.toml', '-a', '/run/k3s/containerd/containerd.sock']);
  await b.yaml(
    '/etc/rancher/k3s/config.yaml',
    `token: ${CANARY.k3sConfigToken}
agent-token: ${CANARY.agentToken}
write-kubeconfig-mode: "0600"
kube-controller-manager-arg:
  - terminated-pod-gc-threshold=10
kubelet-arg:
  - pod-max-pids=4096
  - event-qps=50`,
    { mode: 0o600 },
  );
  await b.dir(TLS, { mode: 0o700 });
  for (const name of ['client-ca', 'server-ca', 'serving-kube-apiserver', 'client-kube-apiserver', 'etcd/server-ca', 'etcd/server-client', 'etcd/peer-ca']) {
    await b.file(`${TLS}/${name}.crt`, PEM_CERT, { mode: 0o600 });
    await b.file(`${TLS}/${name}.key`, PEM_KEY, { mode: 0o600 });
  }
  await b.file(`${TLS}/service.key`, PEM_KEY, { mode: 0o600 });
  for (const f of ['admin.kubeconfig', 'scheduler.kubeconfig', 'controller.kubeconfig']) await b.file(`/var/lib/rancher/k3s/server/cred/${f}`, KUBECONFIG, { mode: 0o600 });
  await b.file(
    '/var/lib/rancher/k3s/server/cred/encryption-config.json',
    JSON.stringify({ kind: 'EncryptionConfiguration', apiVersion: 'apiserver.config.k8s.io/v1', resources: [{ resources: ['secrets'], providers: [{ aescbc: { keys: [{ name: 'aescbckey', secret: CANARY.encryptionKey }] } }, { identity: {} }] }] }),
    { mode: 0o600 },
  );
  await b.dir('/var/lib/rancher/k3s/server/db/etcd', { mode: 0o700 });
  await b.file('/var/lib/rancher/k3s/agent/kubelet.kubeconfig', KUBECONFIG, { mode: 0o600 });
  await b.file('/var/lib/rancher/k3s/agent/kubeproxy.kubeconfig', KUBECONFIG, { mode: 0o600 });
  await b.file('/var/lib/rancher/k3s/agent/client-ca.crt', PEM_CERT, { mode: 0o644 });
  await b.file('/var/lib/rancher/k3s/agent/etc/cni/net.d/10-flannel.conflist', '{"name":"cbr0","cniVersion":"1.0.0","plugins":[]}', { mode: 0o600 });
  await b.file('/etc/systemd/system/k3s.service', '[Service]\nExecStart=/usr/local/bin/k3s server\n', { mode: 0o644 });
  await b.socket('/run/k3s/containerd/containerd.sock', { mode: 0o660 });
  await b.listening([
    { address: '127.0.0.1', port: 2379 },
    { address: '10.0.0.20', port: 2379 },
    { address: '::', port: 6443 },
    { address: '::', port: 10250 },
  ]);
  return b;
}
