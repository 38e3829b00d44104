// Fake kubeadm control-plane nodes: every component as a process and a static pod
// manifest, kubeconfigs, PKI, etcd data, CNI, kubelet config, encryption config.
import { HostRootBuilder, FAKE_USERS } from './builder.js';
import { writeOs } from './os.js';
import { CANARY, KUBECONFIG, PEM_CERT, PEM_KEY } from './secrets.js';

const STRONG_CIPHERS = 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384';

function manifest(name: string, command: string[]): string {
  const lines = command.map((c) => `    - ${JSON.stringify(c)}`).join('\n');
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: kube-system\nspec:\n  hostNetwork: true\n  containers:\n  - name: ${name}\n    image: registry.k8s.io/${name}:v1.31.2\n    command:\n${lines}\n`;
}

export function apiserverArgs(good: boolean): string[] {
  const common = [
    'kube-apiserver',
    '--advertise-address=10.0.0.10',
    '--allow-privileged=true',
    '--secure-port=6443',
    '--service-cluster-ip-range=10.96.0.0/12',
  ];
  if (!good)
    return [
      ...common,
      '--authorization-mode=AlwaysAllow',
      '--token-auth-file=/etc/kubernetes/tokens.csv',
      '--enable-admission-plugins=AlwaysAdmit',
      '--disable-admission-plugins=ServiceAccount,NamespaceLifecycle',
      '--request-timeout=0s',
      '--service-account-lookup=false',
      '--encryption-provider-config=/etc/kubernetes/enc/encryption.yaml',
      '--tls-cipher-suites=TLS_RSA_WITH_RC4_128_SHA,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      '--audit-log-maxage=7',
      '--etcd-servers=http://127.0.0.1:2379',
      '--client-ca-file=/etc/kubernetes/pki/ca.crt',
    ];
  return [
    ...common,
    '--anonymous-auth=false',
    '--authorization-mode=Node,RBAC',
    '--enable-admission-plugins=NodeRestriction,EventRateLimit,AlwaysPullImages,DenyServiceExternalIPs',
    '--admission-control-config-file=/etc/kubernetes/admission.yaml',
    '--profiling=false',
    '--audit-log-path=/var/log/kubernetes/audit/audit.log',
    '--audit-policy-file=/etc/kubernetes/audit-policy.yaml',
    '--audit-log-maxage=30',
    '--audit-log-maxbackup=10',
    '--audit-log-maxsize=100',
    '--request-timeout=300s',
    '--client-ca-file=/etc/kubernetes/pki/ca.crt',
    '--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt',
    '--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt',
    '--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key',
    '--etcd-servers=https://127.0.0.1:2379',
    '--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt',
    '--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt',
    '--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key',
    '--service-account-key-file=/etc/kubernetes/pki/sa.pub',
    '--service-account-signing-key-file=/etc/kubernetes/pki/sa.key',
    '--tls-cert-file=/etc/kubernetes/pki/apiserver.crt',
    '--tls-private-key-file=/etc/kubernetes/pki/apiserver.key',
    '--encryption-provider-config=/etc/kubernetes/enc/encryption.yaml',
    `--tls-cipher-suites=${STRONG_CIPHERS}`,
  ];
}

function controllerManagerArgs(good: boolean): string[] {
  if (!good) return ['kube-controller-manager', '--kubeconfig=/etc/kubernetes/controller-manager.conf', '--use-service-account-credentials=false', '--feature-gates=RotateKubeletServerCertificate=false', '--bind-address=0.0.0.0'];
  return [
    'kube-controller-manager',
    '--kubeconfig=/etc/kubernetes/controller-manager.conf',
    '--bind-address=127.0.0.1',
    '--profiling=false',
    '--terminated-pod-gc-threshold=10',
    '--use-service-account-credentials=true',
    '--service-account-private-key-file=/etc/kubernetes/pki/sa.key',
    '--root-ca-file=/etc/kubernetes/pki/ca.crt',
    '--feature-gates=RotateKubeletServerCertificate=true',
  ];
}

function schedulerArgs(good: boolean): string[] {
  return good
    ? ['kube-scheduler', '--kubeconfig=/etc/kubernetes/scheduler.conf', '--bind-address=127.0.0.1', '--profiling=false']
    : ['kube-scheduler', '--kubeconfig=/etc/kubernetes/scheduler.conf', '--bind-address', '0.0.0.0', '--profiling=true'];
}

function etcdArgs(good: boolean): string[] {
  if (!good) return ['etcd', '--data-dir=/var/lib/etcd', '--listen-client-urls=http://0.0.0.0:2379', '--auto-tls=true', '--peer-auto-tls=true', '--peer-client-cert-auth=false', '--trusted-ca-file=/etc/kubernetes/pki/ca.crt'];
  return [
    'etcd',
    '--data-dir=/var/lib/etcd',
    '--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.10:2379',
    '--cert-file=/etc/kubernetes/pki/etcd/server.crt',
    '--key-file=/etc/kubernetes/pki/etcd/server.key',
    '--client-cert-auth=true',
    '--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
    '--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt',
    '--peer-key-file=/etc/kubernetes/pki/etcd/peer.key',
    '--peer-client-cert-auth=true',
    '--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
  ];
}

function kubeletConfig(good: boolean): string {
  if (!good)
    return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: true
  webhook:
    enabled: false
authorization:
  mode: AlwaysAllow
readOnlyPort: 10255
streamingConnectionIdleTimeout: 0s
makeIPTablesUtilChains: false
eventRecordQPS: 1
rotateCertificates: false
featureGates:
  RotateKubeletServerCertificate: false
tlsCipherSuites: [TLS_RSA_WITH_3DES_EDE_CBC_SHA]
staticPodPath: /etc/kubernetes/manifests
`;
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
readOnlyPort: 0
streamingConnectionIdleTimeout: 5m
protectKernelDefaults: true
makeIPTablesUtilChains: true
eventRecordQPS: 50
tlsCertFile: /var/lib/kubelet/pki/kubelet.crt
tlsPrivateKeyFile: /var/lib/kubelet/pki/kubelet.key
rotateCertificates: true
serverTLSBootstrap: true
tlsCipherSuites: [${STRONG_CIPHERS.split(',').join(', ')}]
podPidsLimit: 4096
staticPodPath: /etc/kubernetes/manifests
`;
}

export function encryptionConfig(good: boolean): string {
  const aescbc = `  - aescbc:\n      keys:\n      - name: key1\n        secret: ${CANARY.encryptionKey}`;
  const identity = '  - identity: {}';
  return `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: [secrets]
  providers:
${good ? `${aescbc}\n${identity}` : `${identity}\n${aescbc}`}
- resources: [configmaps]
  providers:
  - secretbox:
      keys:
      - name: key1
        secret: ${CANARY.secretboxKey}
  - kms:
      apiVersion: v2
      name: canary
      endpoint: ${CANARY.kmsEndpoint}
`;
}

/** (a) good = a compliant kubeadm control-plane node; (b) good = false: a non-compliant one. */
export async function kubeadmControlPlane(good: boolean): Promise<HostRootBuilder> {
  const b = await HostRootBuilder.create(good ? 'cp-good-' : 'cp-bad-');
  const hostname = good ? 'cp-good' : 'cp-bad';
  await writeOs(b, { hostname, lsm: good ? 'apparmor' : 'none', hardenedSysctls: good });
  const conf = good ? 0o600 : 0o644;
  const owner = good ? {} : { uid: FAKE_USERS.kube, gid: FAKE_USERS.kube };

  const components: [number, string, string[]][] = [
    [200, 'kube-apiserver', apiserverArgs(good)],
    [201, 'kube-controller-manager', controllerManagerArgs(good)],
    [202, 'kube-scheduler', schedulerArgs(good)],
    [203, 'etcd', etcdArgs(good)],
  ];
  await b.dir('/etc/kubernetes/manifests', { mode: 0o700 });
  for (const [pid, name, argv] of components) {
    await b.process(pid, [`/usr/local/bin/${name}`, ...argv.slice(1)]);
    await b.file(`/etc/kubernetes/manifests/${name}.yaml`, manifest(name, argv), { mode: conf, ...owner });
  }
  await b.process(1, ['/sbin/init', 'splash']);
  await b.process(50, ['/usr/bin/containerd']);
  await b.process(100, [
    '/usr/bin/kubelet',
    '--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf',
    '--kubeconfig=/etc/kubernetes/kubelet.conf',
    '--config=/var/lib/kubelet/config.yaml',
    '--container-runtime-endpoint=unix:///run/containerd/containerd.sock',
    ...(good ? [] : ['--hostname-override', 'cp-bad']),
  ]);
  // kube-proxy runs in a container: its config and kubeconfig exist only in its root.
  await b.process(300, ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', `--hostname-override=${hostname}`, ...(good ? [] : ['--metrics-bind-address=0.0.0.0:10249'])]);
  await b.yaml('/proc/300/root/var/lib/kube-proxy/config.conf', `apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclientConnection:\n  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf\n${good ? 'metricsBindAddress: 127.0.0.1:10249\n' : ''}`);
  await b.file('/proc/300/root/var/lib/kube-proxy/kubeconfig.conf', KUBECONFIG, { mode: good ? 0o600 : 0o644 });

  for (const f of ['admin.conf', 'super-admin.conf', 'scheduler.conf', 'controller-manager.conf', 'kubelet.conf']) {
    await b.file(`/etc/kubernetes/${f}`, KUBECONFIG, { mode: f === 'kubelet.conf' ? 0o600 : conf, ...(f === 'admin.conf' ? owner : {}) });
  }
  await b.file('/etc/kubernetes/tokens.csv', `${CANARY.staticToken},admin,1\n`, { mode: 0o600 });
  await b.dir('/etc/kubernetes/pki', { mode: 0o755 });
  for (const name of ['ca', 'apiserver', 'apiserver-kubelet-client', 'apiserver-etcd-client', 'front-proxy-ca', 'etcd/ca', 'etcd/server', 'etcd/peer']) {
    await b.file(`/etc/kubernetes/pki/${name}.crt`, PEM_CERT, { mode: good ? 0o600 : 0o644 });
    await b.file(`/etc/kubernetes/pki/${name}.key`, PEM_KEY, { mode: good || name !== 'apiserver' ? 0o600 : 0o644 });
  }
  await b.file('/etc/kubernetes/pki/sa.key', PEM_KEY, { mode: 0o600 });
  await b.file('/etc/kubernetes/pki/sa.pub', PEM_CERT, { mode: good ? 0o600 : 0o644, ...owner });
  await b.dir('/etc/kubernetes/enc', { mode: 0o700 });
  await b.file('/etc/kubernetes/enc/encryption.yaml', encryptionConfig(good), { mode: 0o600 });
  if (good) await b.yaml('/etc/kubernetes/audit-policy.yaml', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata');
  await b.dir('/var/lib/etcd', good ? { mode: 0o700, uid: FAKE_USERS.etcd, gid: FAKE_USERS.etcd } : { mode: 0o755 });
  await b.file('/var/lib/etcd/member/snap/db', 'etcd-bytes', { mode: 0o600 });
  await b.file('/etc/cni/net.d/10-calico.conflist', '{"cniVersion":"0.3.1","name":"k8s-pod-network","plugins":[]}', { mode: good ? 0o600 : 0o644 });
  await b.file('/etc/systemd/system/kubelet.service.d/10-kubeadm.conf', '[Service]\nExecStart=/usr/bin/kubelet $KUBELET_KUBEADM_ARGS\n', { mode: good ? 0o600 : 0o644 });
  await b.file('/var/lib/kubelet/config.yaml', kubeletConfig(good), { mode: good ? 0o600 : 0o644, ...owner });
  await b.socket('/run/containerd/containerd.sock', { mode: good ? 0o660 : 0o666 });
  await b.listening([
    { address: '127.0.0.1', port: 2379 },
    ...(good ? [{ address: '10.0.0.10', port: 2379 }] : [{ address: '0.0.0.0', port: 2379 }]),
    { address: '::', port: 6443 },
    { address: '::', port: 10250 },
    { address: good ? '127.0.0.1' : '0.0.0.0', port: 10257 },
    { address: good ? '127.0.0.1' : '0.0.0.0', port: 10259 },
    ...(good ? [] : [{ address: '::', port: 10255 }]),
  ]);
  return b;
}
