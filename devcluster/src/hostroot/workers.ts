// Fake worker nodes: (c) kubelet configured only through its config file (and a drop-in),
// (d) kubelet configured only through flags.
import { HostRootBuilder } from './builder.js';
import { writeOs } from './os.js';
import { KUBECONFIG, PEM_CERT } from './secrets.js';

/** (c) A worker whose kubelet settings all come from config.yaml and a config-dir drop-in. */
export async function workerConfigFile(): Promise<HostRootBuilder> {
  const b = await HostRootBuilder.create('worker-cfg-');
  await writeOs(b, { hostname: 'worker-cfg', lsm: 'selinux', hardenedSysctls: true });
  await b.process(1, ['/usr/lib/systemd/systemd', '--switched-root', '--system']);
  await b.process(40, ['/usr/bin/crio']);
  await b.process(100, ['/usr/bin/kubelet', '--config', '/var/lib/kubelet/config.yaml', '--config-dir=/etc/kubernetes/kubelet.conf.d', '--kubeconfig=/etc/kubernetes/kubelet.conf']);
  await b.yaml(
    '/var/lib/kubelet/config.yaml',
    `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
readOnlyPort: 10255
rotateCertificates: true
serverTLSBootstrap: true
featureGates:
  RotateKubeletServerCertificate: false`,
    { mode: 0o600 },
  );
  // Drop-ins merge in name order over config.yaml: the later one closes the read-only port.
  await b.yaml('/etc/kubernetes/kubelet.conf.d/10-pids.conf', 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\npodPidsLimit: 1024\nreadOnlyPort: 10255', { mode: 0o600 });
  await b.yaml('/etc/kubernetes/kubelet.conf.d/90-ports.conf', 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nreadOnlyPort: 0', { mode: 0o644 });
  await b.file('/etc/kubernetes/kubelet.conf', KUBECONFIG, { mode: 0o600 });
  await b.file('/etc/kubernetes/pki/ca.crt', PEM_CERT, { mode: 0o644 });
  await b.file('/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf', '[Service]\n', { mode: 0o644 });
  await b.socket('/run/crio/crio.sock', { mode: 0o600 });
  await b.listening([{ address: '::', port: 10250 }, { address: '127.0.0.1', port: 10248 }]);
  return b;
}

/** (d) A worker whose kubelet has no config file: flags (both forms) over the legacy defaults. */
export async function workerFlags(): Promise<HostRootBuilder> {
  const b = await HostRootBuilder.create('worker-flags-');
  await writeOs(b, { hostname: 'worker-flags', lsm: 'unknown', hardenedSysctls: true });
  await b.process(1, ['/sbin/init']);
  await b.process(30, ['/usr/bin/dockerd', '-H', 'fd://']);
  await b.process(100, [
    '/usr/bin/kubelet',
    '--kubeconfig=/var/lib/kubelet/kubeconfig',
    '--anonymous-auth=false',
    '--authorization-mode',
    'Webhook',
    '--client-ca-file',
    '/etc/kubernetes/pki/ca.crt',
    '--streaming-connection-idle-timeout=0',
    '--protect-kernel-defaults',
    '--make-iptables-util-chains=true',
    '--hostname-override=worker-flags',
    '--event-qps=0',
    '--tls-cert-file=/var/lib/kubelet/pki/kubelet.crt',
    '--tls-private-key-file=/var/lib/kubelet/pki/kubelet.key',
    '--rotate-certificates',
    '--feature-gates=RotateKubeletServerCertificate=false',
    '--feature-gates=RotateKubeletServerCertificate=true,GracefulNodeShutdown=true',
    '--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    '--pod-max-pids',
    '2048',
  ]);
  await b.process(300, ['/usr/local/bin/kube-proxy', '--kubeconfig=/var/lib/kube-proxy/kubeconfig', '--metrics-bind-address', '127.0.0.1:10249']);
  await b.file('/var/lib/kubelet/kubeconfig', KUBECONFIG, { mode: 0o640 });
  await b.file('/var/lib/kube-proxy/kubeconfig', KUBECONFIG, { mode: 0o600 });
  await b.socket('/var/run/docker.sock', { mode: 0o660 });
  // No client CA file on disk, no service file, no /proc/1/net, no LSM files: no data.
  return b;
}
