// CIS 1.3.x (kube-controller-manager), 1.4.x (kube-scheduler) and 2.x (etcd). Unset
// flags take the components' defaults: profiling true, bind-address 0.0.0.0,
// use-service-account-credentials false, etcd client/peer cert auth false.
import { isLoopbackHost } from '../../net/loopback.js';
import type { Control } from '../../engine/types.js';
import { lastFlag, parseFeatureGates } from '../../node/index.js';
import { fail, flagRule, nodeControl, onComponent, PASS } from './helpers.js';

const CM = 'kube-controller-manager';
const SCHED = 'kube-scheduler';
const CATEGORY = 'control-plane';
const EDIT_CM = 'Edit the controller manager pod specification file /etc/kubernetes/manifests/kube-controller-manager.yaml (k3s: --kube-controller-manager-arg) and';
const EDIT_SCHED = 'Edit the scheduler pod specification file /etc/kubernetes/manifests/kube-scheduler.yaml (k3s: --kube-scheduler-arg) and';
const EDIT_ETCD = 'Edit the etcd pod specification file /etc/kubernetes/manifests/etcd.yaml (k3s: --etcd-arg) and';


const profiling = (id: string, component: typeof CM | typeof SCHED, edit: string): Control =>
  nodeControl({
    cis: id,
    title: 'Ensure that the --profiling argument is set to false',
    severity: 'low',
    category: CATEGORY,
    rationale: 'Profiling endpoints expose program details and are not needed in production.',
    remediation: `${edit} set --profiling=false.`,
    check: flagRule(component, 'profiling', (v) => (v?.toLowerCase() === 'false' ? undefined : v === undefined ? '--profiling not set (defaults to true)' : `--profiling=${v}`)),
  });

const bindAddress = (id: string, component: typeof CM | typeof SCHED, edit: string): Control =>
  nodeControl({
    cis: id,
    title: 'Ensure that the --bind-address argument is set to 127.0.0.1',
    severity: 'medium',
    category: CATEGORY,
    rationale: 'The component\'s metrics and health endpoints need not be reachable from the network.',
    remediation: `${edit} set --bind-address=127.0.0.1.`,
    check: flagRule(component, 'bind-address', (v) => (v === undefined ? '--bind-address not set (defaults to 0.0.0.0)' : isLoopbackHost(v) ? undefined : `--bind-address=${v}`)),
  });

const etcdFlags = (id: string, flags: string[], title: string, rationale: string, remediation: string): Control =>
  nodeControl({
    cis: id,
    title,
    severity: 'high',
    category: 'etcd',
    rationale,
    remediation: `${EDIT_ETCD} ${remediation}`,
    check: onComponent('etcd', (c) => {
      const missing = flags.filter((f) => !c.has(f));
      return missing.length === 0 ? PASS : fail(`etcd: ${missing.map((f) => `--${f}`).join(' and ')} not set (in ${c.where})`, ...missing.map((f) => c.evidence(f)));
    }),
  });

const etcdBool = (id: string, flag: string, want: boolean, title: string, rationale: string): Control =>
  nodeControl({
    cis: id,
    title,
    severity: 'high',
    category: 'etcd',
    rationale,
    remediation: want ? `${EDIT_ETCD} set --${flag}=true.` : `${EDIT_ETCD} remove --${flag} or set --${flag}=false.`,
    // etcd's defaults: client-cert-auth, peer-client-cert-auth, auto-tls, peer-auto-tls all false.
    check: flagRule('etcd', flag, (_v, c) => (c.bool(flag, false) === want ? undefined : `--${flag} is ${c.bool(flag, false)}`)),
  });

export const controlPlaneControls: Control[] = [
  nodeControl({
    cis: '1.3.1',
    title: 'Ensure that the --terminated-pod-gc-threshold argument is set as appropriate',
    severity: 'low',
    category: CATEGORY,
    rationale: 'The default (12500 terminated pods) lets terminated pods pile up and degrade the control plane.',
    remediation: `${EDIT_CM} set --terminated-pod-gc-threshold=10 (or an appropriate value).`,
    check: flagRule(CM, 'terminated-pod-gc-threshold', (v) => (v === undefined ? '--terminated-pod-gc-threshold not set' : /^\d+$/.test(v) && Number(v) > 0 ? undefined : `--terminated-pod-gc-threshold=${v}`)),
  }),
  profiling('1.3.2', CM, EDIT_CM),
  nodeControl({
    cis: '1.3.3',
    title: 'Ensure that the --use-service-account-credentials argument is set to true',
    severity: 'medium',
    category: CATEGORY,
    rationale: 'Each controller then runs with its own service account and least privilege, not the controller manager\'s broad identity.',
    remediation: `${EDIT_CM} set --use-service-account-credentials=true.`,
    check: flagRule(CM, 'use-service-account-credentials', (_v, c) => (c.bool('use-service-account-credentials', false) ? undefined : '--use-service-account-credentials is not true')),
  }),
  nodeControl({
    cis: '1.3.4',
    title: 'Ensure that the --service-account-private-key-file argument is set as appropriate',
    severity: 'medium',
    category: CATEGORY,
    rationale: 'An explicit key file allows service account token keys to be rotated.',
    remediation: `${EDIT_CM} set --service-account-private-key-file=<private key file>.`,
    check: flagRule(CM, 'service-account-private-key-file', (v) => (v ? undefined : '--service-account-private-key-file not set')),
  }),
  nodeControl({
    cis: '1.3.5',
    title: 'Ensure that the --root-ca-file argument is set as appropriate',
    severity: 'medium',
    category: CATEGORY,
    rationale: 'Pods verify the API server\'s certificate with the root CA the controller manager places in their service account volume.',
    remediation: `${EDIT_CM} set --root-ca-file=<ca file>.`,
    check: flagRule(CM, 'root-ca-file', (v) => (v ? undefined : '--root-ca-file not set')),
  }),
  nodeControl({
    cis: '1.3.6',
    title: 'Ensure that the RotateKubeletServerCertificate argument is set to true',
    severity: 'medium',
    category: CATEGORY,
    rationale: 'Kubelet serving certificates should be rotated automatically (the feature gate defaults to true).',
    remediation: `${EDIT_CM} remove RotateKubeletServerCertificate=false from --feature-gates (or set it to true).`,
    check: flagRule(CM, 'feature-gates', (_v, c) => (parseFeatureGates(c.facts.flags['feature-gates'] ?? []).RotateKubeletServerCertificate === false ? 'RotateKubeletServerCertificate=false' : undefined)),
  }),
  bindAddress('1.3.7', CM, EDIT_CM),
  profiling('1.4.1', SCHED, EDIT_SCHED),
  bindAddress('1.4.2', SCHED, EDIT_SCHED),
  etcdFlags('2.1', ['cert-file', 'key-file'], 'Ensure that the --cert-file and --key-file arguments are set as appropriate', 'etcd holds every Secret: its client traffic must be encrypted.', 'set --cert-file=<cert> and --key-file=<key>.'),
  etcdBool('2.2', 'client-cert-auth', true, 'Ensure that the --client-cert-auth argument is set to true', 'Without client certificate authentication anyone who reaches etcd reads and writes the cluster state.'),
  etcdBool('2.3', 'auto-tls', false, 'Ensure that the --auto-tls argument is not set to true', 'Self-signed automatic certificates cannot be verified by clients.'),
  etcdFlags('2.4', ['peer-cert-file', 'peer-key-file'], 'Ensure that the --peer-cert-file and --peer-key-file arguments are set as appropriate', 'Replication traffic between etcd members must be encrypted.', 'set --peer-cert-file=<cert> and --peer-key-file=<key>.'),
  etcdBool('2.5', 'peer-client-cert-auth', true, 'Ensure that the --peer-client-cert-auth argument is set to true', 'Without it anything that reaches the peer port can join the etcd cluster.'),
  etcdBool('2.6', 'peer-auto-tls', false, 'Ensure that the --peer-auto-tls argument is not set to true', 'Self-signed automatic peer certificates cannot be verified.'),
  nodeControl({
    cis: '2.7',
    title: 'Ensure that a unique Certificate Authority is used for etcd',
    severity: 'medium',
    category: 'etcd',
    rationale: 'If etcd trusts the cluster CA, every certificate the cluster CA signs (any kubelet, any user) can talk to etcd.',
    remediation: `${EDIT_ETCD} set --trusted-ca-file to a CA dedicated to etcd (kubeadm: /etc/kubernetes/pki/etcd/ca.crt), not the API server's --client-ca-file.`,
    check: onComponent('etcd', (c, doc) => {
      const ca = c.get('trusted-ca-file');
      if (!ca) return fail(`etcd: --trusted-ca-file not set (in ${c.where})`, c.evidence('trusted-ca-file'));
      const api = doc.components['kube-apiserver'];
      const apiCa = api && lastFlag(api.flags, 'client-ca-file');
      return apiCa && apiCa === ca ? fail(`etcd trusts ${ca}, the same CA as the API server's --client-ca-file`, c.evidence('trusted-ca-file')) : PASS;
    }),
  }),
];
