// Which distribution laid out this node: decides the candidate paths of the files the
// checks read and which checks apply (a managed control plane is not on the node).
import type { ComponentName, Distribution } from '@stance/shared/node/index';
import type { HostFs } from './hostfs.js';

export async function detectDistribution(fs: HostFs, running: ReadonlySet<ComponentName>): Promise<Distribution> {
  if (running.has('k3s')) return 'k3s';
  if (running.has('rke2')) return 'rke2';
  if (await fs.exists('/var/lib/rancher/rke2')) return 'rke2';
  if ((await fs.exists('/var/lib/rancher/k3s')) || (await fs.exists('/etc/rancher/k3s'))) return 'k3s';
  if ((await fs.exists('/etc/eks')) || (await fs.exists('/etc/kubernetes/kubelet/kubelet-config.json'))) return 'eks';
  if ((await fs.exists('/home/kubernetes/kubelet-config.yaml')) || (await fs.exists('/etc/gke'))) return 'gke';
  if ((await fs.exists('/etc/kubernetes/azure.json')) || (await fs.exists('/var/lib/waagent'))) return 'aks';
  if ((await fs.exists('/etc/kubernetes/manifests')) || (await fs.exists('/etc/kubernetes/kubelet.conf'))) return 'kubeadm';
  return 'unknown';
}
