// k3s runs kube-apiserver, controller-manager, scheduler, kubelet, kube-proxy (and etcd
// with --cluster-init) inside its own process: their arguments are not on any command
// line. They are rebuilt here from the arguments k3s passes by default (k3s CIS
// self-assessment guide, v1.28+) plus the user's `--<component>-arg` overrides from the
// command line and /etc/rancher/k3s/config.yaml(.d).
import { parseAllDocuments } from 'yaml';
import { parseArgs, sanitizeFlagValue, type ComponentName, type Flags } from '@stance/shared/node/index';
import type { HostFs } from './hostfs.js';

const TLS = '/var/lib/rancher/k3s/server/tls';
const AGENT = '/var/lib/rancher/k3s/agent';
export const K3S_ETCD_DATA_DIR = '/var/lib/rancher/k3s/server/db/etcd';
export const K3S_ENCRYPTION_CONFIG = '/var/lib/rancher/k3s/server/cred/encryption-config.json';

const SERVER_DEFAULTS: Partial<Record<ComponentName, string[]>> = {
  'kube-apiserver': [
    '--anonymous-auth=false',
    '--authorization-mode=Node,RBAC',
    '--bind-address=127.0.0.1',
    `--client-ca-file=${TLS}/client-ca.crt`,
    '--enable-admission-plugins=NodeRestriction',
    `--kubelet-certificate-authority=${TLS}/server-ca.crt`,
    `--kubelet-client-certificate=${TLS}/client-kube-apiserver.crt`,
    `--kubelet-client-key=${TLS}/client-kube-apiserver.key`,
    '--profiling=false',
    `--service-account-key-file=${TLS}/service.key`,
    '--service-account-lookup=true',
    `--tls-cert-file=${TLS}/serving-kube-apiserver.crt`,
    `--tls-private-key-file=${TLS}/serving-kube-apiserver.key`,
  ],
  'kube-controller-manager': [
    '--bind-address=127.0.0.1',
    '--profiling=false',
    `--root-ca-file=${TLS}/server-ca.crt`,
    `--service-account-private-key-file=${TLS}/service.current.key`,
    '--use-service-account-credentials=true',
  ],
  'kube-scheduler': ['--bind-address=127.0.0.1', '--profiling=false'],
};

const ETCD_APISERVER_ARGS = [
  `--etcd-cafile=${TLS}/etcd/server-ca.crt`,
  `--etcd-certfile=${TLS}/etcd/client.crt`,
  `--etcd-keyfile=${TLS}/etcd/client.key`,
  '--etcd-servers=https://127.0.0.1:2379',
];
const KINE_APISERVER_ARGS = ['--etcd-servers=unix://kine.sock'];

const ETCD_DEFAULTS = [
  `--data-dir=${K3S_ETCD_DATA_DIR}`,
  '--client-cert-auth=true',
  `--cert-file=${TLS}/etcd/server-client.crt`,
  `--key-file=${TLS}/etcd/server-client.key`,
  `--trusted-ca-file=${TLS}/etcd/server-ca.crt`,
  '--peer-client-cert-auth=true',
  `--peer-cert-file=${TLS}/etcd/peer-server-client.crt`,
  `--peer-key-file=${TLS}/etcd/peer-server-client.key`,
  `--peer-trusted-ca-file=${TLS}/etcd/peer-ca.crt`,
  '--listen-client-urls=https://127.0.0.1:2379',
];

const KUBELET_DEFAULTS = [
  '--anonymous-auth=false',
  '--authentication-token-webhook=true',
  '--authorization-mode=Webhook',
  `--client-ca-file=${AGENT}/client-ca.crt`,
  `--kubeconfig=${AGENT}/kubelet.kubeconfig`,
  '--read-only-port=0',
  `--tls-cert-file=${AGENT}/serving-kubelet.crt`,
  `--tls-private-key-file=${AGENT}/serving-kubelet.key`,
];

const PROXY_DEFAULTS = [`--kubeconfig=${AGENT}/kubeproxy.kubeconfig`];

/** k3s config keys read from config.yaml; anything else (token, datastore-endpoint) is never read. */
const CONFIG_KEYS = new Set([
  'cluster-init',
  'secrets-encryption',
  'protect-kernel-defaults',
  'node-name',
  'kube-apiserver-arg',
  'kube-controller-manager-arg',
  'kube-scheduler-arg',
  'kubelet-arg',
  'kube-proxy-arg',
  'etcd-arg',
  'disable-kube-proxy',
  'disable-etcd',
  'disable-apiserver',
  'disable-controller-manager',
  'disable-scheduler',
]);

/** Flags from /etc/rancher/<dist>/config.yaml and config.yaml.d/*.yaml, whitelisted keys only. */
export async function readDistConfig(fs: HostFs, dist: 'k3s' | 'rke2', warnings: string[]): Promise<Flags> {
  const dir = `/etc/rancher/${dist}`;
  const files = [`${dir}/config.yaml`, ...(await fs.list(`${dir}/config.yaml.d`)).filter((f) => /\.ya?ml$/.test(f)).map((f) => `${dir}/config.yaml.d/${f}`)];
  const flags: Flags = {};
  for (const file of files) {
    const text = await fs.readText(file);
    if (text === undefined) continue;
    let doc: unknown;
    try {
      doc = parseAllDocuments(text)[0]?.toJS();
    } catch (err) {
      warnings.push(`${file}: not YAML (${(err as Error).message.split('\n')[0]})`);
      continue;
    }
    if (!doc || typeof doc !== 'object') continue;
    for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
      if (!CONFIG_KEYS.has(key)) continue;
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) {
        if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') (flags[key] ??= []).push(sanitizeFlagValue(key, String(v)));
      }
    }
  }
  return flags;
}

const enabled = (flags: Flags, name: string) => (flags[name] ?? []).some((v) => v !== 'false');

/** `--kubelet-arg=read-only-port=0` values → `--read-only-port=0` arguments. */
function passThrough(flags: Flags, name: string): string[] {
  return (flags[name] ?? []).map((v) => (v.startsWith('-') ? v : `--${v}`));
}

/**
 * The embedded components of a k3s process with the given (merged config + command line)
 * flags: component → its effective arguments as flags.
 */
export async function k3sEmbedded(fs: HostFs, k3sFlags: Flags, subcommand: string): Promise<Partial<Record<ComponentName, Flags>>> {
  const out: Partial<Record<ComponentName, Flags>> = {};
  const server = subcommand === 'server';
  if (server) {
    const etcd = !enabled(k3sFlags, 'disable-etcd') && (enabled(k3sFlags, 'cluster-init') || (await fs.exists(K3S_ETCD_DATA_DIR)));
    const api = [...SERVER_DEFAULTS['kube-apiserver']!, ...(etcd ? ETCD_APISERVER_ARGS : KINE_APISERVER_ARGS)];
    if (enabled(k3sFlags, 'secrets-encryption')) api.push(`--encryption-provider-config=${K3S_ENCRYPTION_CONFIG}`);
    if (!enabled(k3sFlags, 'disable-apiserver')) out['kube-apiserver'] = parseArgs([...api, ...passThrough(k3sFlags, 'kube-apiserver-arg')]).flags;
    if (!enabled(k3sFlags, 'disable-controller-manager'))
      out['kube-controller-manager'] = parseArgs([...SERVER_DEFAULTS['kube-controller-manager']!, ...passThrough(k3sFlags, 'kube-controller-manager-arg')]).flags;
    if (!enabled(k3sFlags, 'disable-scheduler'))
      out['kube-scheduler'] = parseArgs([...SERVER_DEFAULTS['kube-scheduler']!, ...passThrough(k3sFlags, 'kube-scheduler-arg')]).flags;
    if (etcd) out.etcd = parseArgs([...ETCD_DEFAULTS, ...passThrough(k3sFlags, 'etcd-arg')]).flags;
  }
  const kubelet = [...KUBELET_DEFAULTS];
  if (enabled(k3sFlags, 'protect-kernel-defaults')) kubelet.push('--protect-kernel-defaults=true');
  const nodeName = k3sFlags['node-name']?.at(-1);
  if (nodeName) kubelet.push(`--hostname-override=${nodeName}`);
  out.kubelet = parseArgs([...kubelet, ...passThrough(k3sFlags, 'kubelet-arg')]).flags;
  if (!enabled(k3sFlags, 'disable-kube-proxy')) out['kube-proxy'] = parseArgs([...PROXY_DEFAULTS, ...passThrough(k3sFlags, 'kube-proxy-arg')]).flags;
  return out;
}
