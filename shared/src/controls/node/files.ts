// CIS 1.1.x (control-plane configuration files) and 4.1.x (worker configuration files):
// modes ("600 or more restrictive" = no bit outside 0600) and owners.
import type { Control } from '../../engine/types.js';
import type { ComponentName, FileRole, NodeFactsDoc } from '../../node/index.js';
import { hasKubelet, isControlPlane, modeRule, nodeControl, ownerRule, type Applies, type FileRuleOptions } from './helpers.js';

const CATEGORY = 'node-files';

/** A static pod manifest applies where the component runs from one (not embedded in k3s). */
const manifestOf = (name: ComponentName): Applies => (doc) => {
  const c = doc.components[name];
  return doc.roles.controlPlane && c !== undefined && c.source !== 'embedded';
};

interface FilePair {
  modeId: string;
  ownerId: string;
  what: string;
  role: FileRole;
  mode: number;
  owner?: string;
  opts: FileRuleOptions;
  /** Owner check options when they differ from the mode check's. */
  ownerOpts?: FileRuleOptions;
  severity?: 'high' | 'medium' | 'low';
  /** chmod/chown target shown in the remediation. */
  target: string;
  rationale: string;
  modeId12?: string;
}

function pair(p: FilePair): Control[] {
  const owner = p.owner ?? 'root:root';
  const modeText = p.mode.toString(8);
  return [
    nodeControl({
      cis: p.modeId,
      cis12: p.modeId12,
      title: `Ensure that the ${p.what} permissions are set to ${modeText} or more restrictive`,
      severity: p.severity ?? 'medium',
      category: CATEGORY,
      rationale: `${p.rationale} Write (or read) access for other users lets them change (or read) it.`,
      remediation: `On the node run: chmod ${modeText} ${p.target}`,
      check: modeRule(p.role, p.mode, p.opts),
    }),
    nodeControl({
      cis: p.ownerId,
      title: `Ensure that the ${p.what} ownership is set to ${owner}`,
      severity: p.severity ?? 'medium',
      category: CATEGORY,
      rationale: `${p.rationale} Only ${owner} should own it.`,
      remediation: `On the node run: chown ${owner} ${p.target}`,
      check: ownerRule(p.role, owner, p.ownerOpts ?? p.opts),
    }),
  ];
}

const cp = (applies: Applies = isControlPlane): FileRuleOptions => ({ applies, whenMissing: 'no-data' });
const kubelet: FileRuleOptions = { applies: hasKubelet, whenMissing: 'no-data' };
const usesConfigFile: Applies = (doc) => doc.kubelet?.configFile != null;
const etcdRuns: Applies = (doc) => doc.components.etcd !== undefined;
/** k3s runs its embedded etcd as root: the etcd:etcd owner does not apply (k3s CIS guide). */
const etcdUserApplies: Applies = (doc: NodeFactsDoc) => etcdRuns(doc) && doc.distribution !== 'k3s';

export const fileControls: Control[] = [
  ...pair({ modeId: '1.1.1', ownerId: '1.1.2', what: 'API server pod specification file', role: 'apiserverManifest', mode: 0o600, opts: cp(manifestOf('kube-apiserver')), target: '/etc/kubernetes/manifests/kube-apiserver.yaml', rationale: 'The API server pod specification controls how the API server runs.' }),
  ...pair({ modeId: '1.1.3', ownerId: '1.1.4', what: 'controller manager pod specification file', role: 'controllerManagerManifest', mode: 0o600, opts: cp(manifestOf('kube-controller-manager')), target: '/etc/kubernetes/manifests/kube-controller-manager.yaml', rationale: 'The controller manager pod specification controls how the controller manager runs.' }),
  ...pair({ modeId: '1.1.5', ownerId: '1.1.6', what: 'scheduler pod specification file', role: 'schedulerManifest', mode: 0o600, opts: cp(manifestOf('kube-scheduler')), target: '/etc/kubernetes/manifests/kube-scheduler.yaml', rationale: 'The scheduler pod specification controls how the scheduler runs.' }),
  ...pair({ modeId: '1.1.7', ownerId: '1.1.8', what: 'etcd pod specification file', role: 'etcdManifest', mode: 0o600, opts: cp(manifestOf('etcd')), target: '/etc/kubernetes/manifests/etcd.yaml', rationale: 'The etcd pod specification controls how etcd, which holds all cluster state, runs.' }),
  ...pair({ modeId: '1.1.9', ownerId: '1.1.10', what: 'Container Network Interface file', role: 'cniFiles', mode: 0o600, opts: cp(), severity: 'low', target: '/etc/cni/net.d/*', rationale: 'CNI configuration decides pod networking.' }),
  ...pair({ modeId: '1.1.11', ownerId: '1.1.12', what: 'etcd data directory', role: 'etcdDataDir', mode: 0o700, owner: 'etcd:etcd', opts: cp(etcdRuns), ownerOpts: cp(etcdUserApplies), severity: 'high', target: '/var/lib/etcd', rationale: 'The etcd data directory holds every object of the cluster, Secrets included.' }),
  ...pair({ modeId: '1.1.13', ownerId: '1.1.14', what: 'default administrative credential file (admin.conf, super-admin.conf)', role: 'adminKubeconfig', mode: 0o600, opts: cp(), severity: 'high', target: '/etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf', rationale: 'admin.conf holds cluster-admin credentials.' }),
  ...pair({ modeId: '1.1.15', ownerId: '1.1.16', what: 'scheduler.conf file', role: 'schedulerKubeconfig', mode: 0o600, opts: cp((d) => d.components['kube-scheduler'] !== undefined), target: '/etc/kubernetes/scheduler.conf', rationale: 'scheduler.conf holds the scheduler\'s credentials.' }),
  ...pair({ modeId: '1.1.17', ownerId: '1.1.18', what: 'controller-manager.conf file', role: 'controllerManagerKubeconfig', mode: 0o600, opts: cp((d) => d.components['kube-controller-manager'] !== undefined), target: '/etc/kubernetes/controller-manager.conf', rationale: 'controller-manager.conf holds the controller manager\'s credentials.' }),
  nodeControl({
    cis: '1.1.19',
    title: 'Ensure that the Kubernetes PKI directory and file ownership is set to root:root',
    severity: 'high',
    category: CATEGORY,
    rationale: 'The PKI directory holds the cluster CA and component keys; only root should own them.',
    remediation: 'On the control-plane node run: chown -R root:root /etc/kubernetes/pki/',
    check: (doc) => {
      const dir = ownerRule('pkiDir', 'root:root', cp())(doc);
      if (dir === null || !Array.isArray(dir) || dir.length > 0) return dir;
      const files = ownerRule('pkiFiles', 'root:root', { applies: isControlPlane, whenMissing: 'not-applicable' })(doc);
      return files ?? dir;
    },
  }),
  nodeControl({
    cis: '1.1.20',
    title: 'Ensure that the Kubernetes PKI certificate file permissions are set to 600 or more restrictive',
    severity: 'medium',
    category: CATEGORY,
    rationale: 'Certificates that others can overwrite let them substitute a CA or identity.',
    remediation: 'On the control-plane node run: chmod -R 600 /etc/kubernetes/pki/*.crt',
    check: modeRule('pkiFiles', 0o600, { ...cp(), filter: (f) => f.path.endsWith('.crt') }),
  }),
  nodeControl({
    cis: '1.1.21',
    title: 'Ensure that the Kubernetes PKI key file permissions are set to 600',
    severity: 'high',
    category: CATEGORY,
    rationale: 'Private keys readable by other users let them impersonate the cluster CA or its components.',
    remediation: 'On the control-plane node run: chmod -R 600 /etc/kubernetes/pki/*.key',
    check: modeRule('pkiFiles', 0o600, { ...cp(), filter: (f) => f.path.endsWith('.key') }),
  }),
  ...pair({ modeId: '4.1.1', ownerId: '4.1.2', what: 'kubelet service file', role: 'kubeletService', mode: 0o600, opts: kubelet, target: '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf', rationale: 'The kubelet service file sets the kubelet\'s arguments.' }),
  ...pair({ modeId: '4.1.3', ownerId: '4.1.4', what: 'kube-proxy kubeconfig file (if it exists)', role: 'proxyKubeconfig', mode: 0o600, opts: { applies: (d) => d.kubelet !== null || d.components['kube-proxy'] !== undefined, whenMissing: 'not-applicable' }, target: '/var/lib/kube-proxy/kubeconfig', rationale: 'The kube-proxy kubeconfig holds its credentials.' }),
  ...pair({ modeId: '4.1.5', ownerId: '4.1.6', what: '--kubeconfig kubelet.conf file', role: 'kubeletKubeconfig', mode: 0o600, opts: kubelet, severity: 'high', target: '/etc/kubernetes/kubelet.conf', rationale: 'The kubelet kubeconfig holds the node\'s credentials.' }),
  ...pair({ modeId: '4.1.7', ownerId: '4.1.8', what: 'certificate authorities file', role: 'kubeletClientCA', mode: 0o644, opts: { ...kubelet, missing: (d) => (d.kubelet?.settings.clientCAFile ? undefined : 'the kubelet names no client CA file (see 4.2.3)') }, target: '<the kubelet client CA file>', rationale: 'The client CA file decides which client certificates the kubelet trusts (v1.12 allows 644: it holds no secret).' }),
  ...pair({ modeId: '4.1.9', ownerId: '4.1.10', what: 'kubelet config.yaml configuration file (if used)', role: 'kubeletConfig', mode: 0o600, opts: { applies: usesConfigFile, whenMissing: 'no-data' }, target: '/var/lib/kubelet/config.yaml', rationale: 'The kubelet configuration file sets its security options.' }),
];

