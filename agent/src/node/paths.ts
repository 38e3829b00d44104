// Candidate paths of the files the CIS checks name, per distribution (first existing
// wins for single files). Paths a component names in its own flags come first.
import type { Distribution } from '@stance/shared/node/index';

type Roles = 'apiserverManifest' | 'controllerManagerManifest' | 'schedulerManifest' | 'etcdManifest' | 'adminKubeconfig'
  | 'schedulerKubeconfig' | 'controllerManagerKubeconfig' | 'pkiDir' | 'etcdDataDir' | 'cniDirs' | 'kubeletService'
  | 'kubeletKubeconfig' | 'proxyKubeconfig' | 'runtimeSockets' | 'manifestDirs';

const rancher = (d: 'k3s' | 'rke2') => `/var/lib/rancher/${d}`;

const KUBEADM: Record<Roles, string[]> = {
  manifestDirs: ['/etc/kubernetes/manifests'],
  apiserverManifest: ['/etc/kubernetes/manifests/kube-apiserver.yaml'],
  controllerManagerManifest: ['/etc/kubernetes/manifests/kube-controller-manager.yaml'],
  schedulerManifest: ['/etc/kubernetes/manifests/kube-scheduler.yaml'],
  etcdManifest: ['/etc/kubernetes/manifests/etcd.yaml'],
  adminKubeconfig: ['/etc/kubernetes/admin.conf', '/etc/kubernetes/super-admin.conf'],
  schedulerKubeconfig: ['/etc/kubernetes/scheduler.conf'],
  controllerManagerKubeconfig: ['/etc/kubernetes/controller-manager.conf'],
  pkiDir: ['/etc/kubernetes/pki'],
  etcdDataDir: ['/var/lib/etcd'],
  cniDirs: ['/etc/cni/net.d', '/var/lib/cni/networks'],
  kubeletService: [
    '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf',
    '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf',
    '/lib/systemd/system/kubelet.service.d/10-kubeadm.conf',
    '/etc/systemd/system/kubelet.service',
    '/usr/lib/systemd/system/kubelet.service',
    '/lib/systemd/system/kubelet.service',
  ],
  kubeletKubeconfig: ['/etc/kubernetes/kubelet.conf', '/var/lib/kubelet/kubeconfig'],
  proxyKubeconfig: ['/var/lib/kube-proxy/kubeconfig.conf', '/var/lib/kube-proxy/kubeconfig', '/etc/kubernetes/kube-proxy.conf'],
  runtimeSockets: ['/run/containerd/containerd.sock', '/run/crio/crio.sock', '/var/run/docker.sock', '/run/docker.sock'],
};

function rancherPaths(d: 'k3s' | 'rke2'): Record<Roles, string[]> {
  const base = rancher(d);
  const manifests = `${base}/agent/pod-manifests`;
  return {
    ...KUBEADM,
    manifestDirs: d === 'rke2' ? [manifests] : [],
    apiserverManifest: d === 'rke2' ? [`${manifests}/kube-apiserver.yaml`] : [],
    controllerManagerManifest: d === 'rke2' ? [`${manifests}/kube-controller-manager.yaml`] : [],
    schedulerManifest: d === 'rke2' ? [`${manifests}/kube-scheduler.yaml`] : [],
    etcdManifest: d === 'rke2' ? [`${manifests}/etcd.yaml`] : [],
    adminKubeconfig: [`${base}/server/cred/admin.kubeconfig`, `/etc/rancher/${d}/${d}.yaml`],
    schedulerKubeconfig: [`${base}/server/cred/scheduler.kubeconfig`],
    controllerManagerKubeconfig: [`${base}/server/cred/controller.kubeconfig`],
    pkiDir: [`${base}/server/tls`],
    etcdDataDir: [`${base}/server/db/etcd`],
    cniDirs: [`${base}/agent/etc/cni/net.d`, '/etc/cni/net.d', '/var/lib/cni/networks'],
    kubeletService: [
      `/etc/systemd/system/${d}.service`,
      `/etc/systemd/system/${d}-server.service`,
      `/etc/systemd/system/${d}-agent.service`,
      `/usr/local/lib/systemd/system/${d}-server.service`,
      `/usr/local/lib/systemd/system/${d}-agent.service`,
      `/usr/lib/systemd/system/${d}-server.service`,
      `/usr/lib/systemd/system/${d}-agent.service`,
    ],
    kubeletKubeconfig: [`${base}/agent/kubelet.kubeconfig`],
    proxyKubeconfig: [`${base}/agent/kubeproxy.kubeconfig`],
    runtimeSockets: [`/run/${d}/containerd/containerd.sock`, ...KUBEADM.runtimeSockets],
  };
}

const MANAGED_WORKER = (kubeletConfigDir: string): Partial<Record<Roles, string[]>> => ({
  manifestDirs: [],
  kubeletService: ['/etc/systemd/system/kubelet.service', '/etc/systemd/system/kubelet.service.d/10-kubelet-args.conf', '/lib/systemd/system/kubelet.service'],
  kubeletKubeconfig: ['/var/lib/kubelet/kubeconfig', `${kubeletConfigDir}/kubeconfig`],
  proxyKubeconfig: ['/var/lib/kube-proxy/kubeconfig', '/var/lib/kube-proxy/kubeconfig.conf'],
});

export function candidatePaths(distribution: Distribution): Record<Roles, string[]> {
  switch (distribution) {
    case 'k3s':
    case 'rke2':
      return rancherPaths(distribution);
    case 'eks':
      return { ...KUBEADM, ...MANAGED_WORKER('/etc/kubernetes/kubelet') };
    case 'gke':
      return { ...KUBEADM, ...MANAGED_WORKER('/home/kubernetes') };
    case 'aks':
      return { ...KUBEADM, ...MANAGED_WORKER('/etc/kubernetes') };
    default:
      return KUBEADM;
  }
}
