// CIS 1.2.x: kube-apiserver arguments. Unset flags take the API server's defaults
// (anonymous-auth true, profiling true, authorization AlwaysAllow, service-account-lookup true).
import type { Control } from '../../engine/types.js';
import { factsOf, listFlag } from '../../node/index.js';
import { fail, flagRule, nodeControl, onComponent, PASS, durationMs, type ComponentView } from './helpers.js';

const API = 'kube-apiserver';
const CATEGORY = 'control-plane';
const EDIT = 'Edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml (k3s: --kube-apiserver-arg) on the control-plane node and';

/** Admission plugins on by default (Kubernetes 1.28+) among those the checks name. */
const DEFAULT_ADMISSION = new Set(['NamespaceLifecycle', 'ServiceAccount']);

function admissionEnabled(c: ComponentView, plugin: string): boolean {
  if (c.list('disable-admission-plugins').includes(plugin)) return false;
  return c.list('enable-admission-plugins').includes(plugin) || c.list('admission-control').includes(plugin) || DEFAULT_ADMISSION.has(plugin);
}

function admission(id: string, plugin: string, want: boolean, severity: 'high' | 'medium' | 'low', rationale: string, remediation: string): Control {
  return nodeControl({
    cis: id,
    title: want ? `Ensure that the admission control plugin ${plugin} is set` : `Ensure that the admission control plugin ${plugin} is not set`,
    severity,
    category: CATEGORY,
    rationale,
    remediation: `${EDIT} ${remediation}`,
    check: onComponent(API, (c) =>
      admissionEnabled(c, plugin) === want
        ? PASS
        : fail(`kube-apiserver: admission plugin ${plugin} is ${want ? 'not enabled' : 'enabled'} (in ${c.where})`, c.evidence('enable-admission-plugins'), c.evidence('disable-admission-plugins')),
    ),
  });
}

function required(id: string, flags: string[], title: string, severity: 'high' | 'medium' | 'low', rationale: string, remediation: string): Control {
  return nodeControl({
    cis: id,
    title,
    severity,
    category: CATEGORY,
    rationale,
    remediation: `${EDIT} ${remediation}`,
    check: onComponent(API, (c) => {
      const missing = flags.filter((f) => !c.has(f));
      return missing.length === 0 ? PASS : fail(`kube-apiserver: ${missing.map((f) => `--${f}`).join(' and ')} not set (in ${c.where})`, ...missing.map((f) => c.evidence(f)));
    }),
  });
}

/** Only for API servers backed by etcd (k3s with SQLite talks to kine over a unix socket). */
function requiredForEtcd(id: string, flags: string[], title: string, rationale: string, remediation: string): Control {
  const base = required(id, flags, title, 'high', rationale, remediation);
  return {
    ...base,
    check: (s, ctx) => {
      const api = factsOf(s)?.components[API];
      const servers = api ? listFlag(api.flags, 'etcd-servers') : [];
      if (servers.length > 0 && servers.every((u) => u.startsWith('unix://'))) return null;
      return base.check(s, ctx);
    },
  };
}

function atLeast(id: string, flag: string, min: number, title: string): Control {
  return nodeControl({
    cis: id,
    title,
    severity: 'medium',
    category: 'logging',
    rationale: 'Audit logs kept long enough, and in enough files, are what an investigation needs.',
    remediation: `${EDIT} set --${flag}=${min} (or more).`,
    check: flagRule(API, flag, (v) => (v === undefined ? `--${flag} not set` : Number(v) >= min ? undefined : `--${flag}=${v} is below ${min}`)),
  });
}

export const STRONG_APISERVER_CIPHERS = new Set([
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
]);

const STRONG_PROVIDERS = new Set(['aescbc', 'kms', 'secretbox']);

export const apiserverControls: Control[] = [
  nodeControl({
    cis: '1.2.1',
    title: 'Ensure that the --anonymous-auth argument is set to false',
    severity: 'medium',
    category: CATEGORY,
    rationale: 'Anonymous requests reach the API server as system:anonymous; RBAC mistakes then expose the cluster to anyone.',
    remediation: `${EDIT} set --anonymous-auth=false.`,
    check: flagRule(API, 'anonymous-auth', (v) => (v?.toLowerCase() === 'false' ? undefined : v === undefined ? '--anonymous-auth not set (defaults to true)' : `--anonymous-auth=${v}`)),
  }),
  nodeControl({
    cis: '1.2.2',
    title: 'Ensure that the --token-auth-file parameter is not set',
    severity: 'high',
    category: CATEGORY,
    rationale: 'Static tokens live in clear text in a file, never expire and cannot be revoked without a restart.',
    remediation: `${EDIT} remove --token-auth-file; use client certificates, OIDC or webhook authentication instead.`,
    check: flagRule(API, 'token-auth-file', (v) => (v === undefined ? undefined : '--token-auth-file is set')),
  }),
  admission('1.2.3', 'DenyServiceExternalIPs', true, 'low', 'Service externalIPs let a tenant intercept traffic to any IP (CVE-2020-8554).', 'add DenyServiceExternalIPs to --enable-admission-plugins.'),
  required('1.2.4', ['kubelet-client-certificate', 'kubelet-client-key'], 'Ensure that the --kubelet-client-certificate and --kubelet-client-key arguments are set as appropriate', 'high', 'Without a client certificate the kubelets cannot authenticate the API server\'s requests.', 'set --kubelet-client-certificate=<cert> and --kubelet-client-key=<key>.'),
  required('1.2.5', ['kubelet-certificate-authority'], 'Ensure that the --kubelet-certificate-authority argument is set as appropriate', 'high', 'Without it the API server does not verify kubelet serving certificates: a man in the middle can answer for a node.', 'set --kubelet-certificate-authority=<ca file>.'),
  nodeControl({
    cis: '1.2.6',
    title: 'Ensure that the --authorization-mode argument is not set to AlwaysAllow',
    severity: 'critical',
    category: CATEGORY,
    rationale: 'AlwaysAllow authorizes every authenticated request.',
    remediation: `${EDIT} set --authorization-mode=Node,RBAC.`,
    check: onComponent(API, (c) => {
      const modes = c.list('authorization-mode');
      if (modes.length === 0) return fail(`kube-apiserver: --authorization-mode not set (defaults to AlwaysAllow) (in ${c.where})`, c.evidence('authorization-mode'));
      return modes.includes('AlwaysAllow') ? fail(`kube-apiserver: --authorization-mode includes AlwaysAllow (in ${c.where})`, c.evidence('authorization-mode')) : PASS;
    }),
  }),
  ...(['Node', 'RBAC'] as const).map((mode, i) =>
    nodeControl({
      cis: `1.2.${7 + i}`,
      title: `Ensure that the --authorization-mode argument includes ${mode}`,
      severity: 'high',
      category: CATEGORY,
      rationale: mode === 'Node' ? 'The Node authorizer limits each kubelet to the objects of its own pods.' : 'RBAC gives fine-grained, reviewable permissions.',
      remediation: `${EDIT} set --authorization-mode=Node,RBAC.`,
      check: flagRule(API, 'authorization-mode', (_v, c) => (c.list('authorization-mode').includes(mode) ? undefined : `--authorization-mode does not include ${mode}`)),
    }),
  ),
  admission('1.2.9', 'EventRateLimit', true, 'low', 'Without event rate limits a client can flood the API server and etcd with events.', 'add EventRateLimit to --enable-admission-plugins and set --admission-control-config-file with its limits.'),
  admission('1.2.10', 'AlwaysAdmit', false, 'high', 'AlwaysAdmit admits every request, bypassing the other admission controls.', 'remove AlwaysAdmit from --enable-admission-plugins.'),
  admission('1.2.11', 'AlwaysPullImages', true, 'low', 'Without it a pod can use a private image another tenant pulled onto the node without credentials.', 'add AlwaysPullImages to --enable-admission-plugins.'),
  admission('1.2.12', 'ServiceAccount', true, 'medium', 'The ServiceAccount plugin assigns and validates service accounts of pods.', 'remove ServiceAccount from --disable-admission-plugins.'),
  admission('1.2.13', 'NamespaceLifecycle', true, 'medium', 'NamespaceLifecycle rejects objects in terminating or missing namespaces.', 'remove NamespaceLifecycle from --disable-admission-plugins.'),
  admission('1.2.14', 'NodeRestriction', true, 'high', 'NodeRestriction limits kubelets to modifying their own Node and Pods.', 'add NodeRestriction to --enable-admission-plugins.'),
  nodeControl({
    cis: '1.2.15',
    title: 'Ensure that the --profiling argument is set to false',
    severity: 'low',
    category: CATEGORY,
    rationale: 'Profiling endpoints expose program details and cost resources; they are not needed in production.',
    remediation: `${EDIT} set --profiling=false.`,
    check: flagRule(API, 'profiling', (v) => (v?.toLowerCase() === 'false' ? undefined : v === undefined ? '--profiling not set (defaults to true)' : `--profiling=${v}`)),
  }),
  required('1.2.16', ['audit-log-path'], 'Ensure that the --audit-log-path argument is set', 'medium', 'Without an audit log, API activity cannot be reviewed or investigated.', 'set --audit-log-path=/var/log/apiserver/audit.log (and --audit-policy-file).'),
  atLeast('1.2.17', 'audit-log-maxage', 30, 'Ensure that the --audit-log-maxage argument is set to 30 or as appropriate'),
  atLeast('1.2.18', 'audit-log-maxbackup', 10, 'Ensure that the --audit-log-maxbackup argument is set to 10 or as appropriate'),
  atLeast('1.2.19', 'audit-log-maxsize', 100, 'Ensure that the --audit-log-maxsize argument is set to 100 or as appropriate'),
  nodeControl({
    cis: '1.2.20',
    title: 'Ensure that the --request-timeout argument is set as appropriate',
    severity: 'low',
    category: CATEGORY,
    rationale: 'A request timeout of 0 (or an unparseable one) lets requests hold API server resources indefinitely; the default is 60s.',
    remediation: `${EDIT} remove --request-timeout or set it to a positive duration, e.g. --request-timeout=300s.`,
    check: flagRule(API, 'request-timeout', (v) => {
      if (v === undefined) return undefined;
      const ms = durationMs(v);
      return ms === undefined ? `--request-timeout=${v} is not a duration` : ms <= 0 ? `--request-timeout=${v} disables the timeout` : undefined;
    }),
  }),
  nodeControl({
    cis: '1.2.21',
    title: 'Ensure that the --service-account-lookup argument is set to true',
    severity: 'medium',
    category: CATEGORY,
    rationale: 'Without the lookup, tokens of deleted service accounts stay valid.',
    remediation: `${EDIT} set --service-account-lookup=true (or remove it: true is the default).`,
    check: flagRule(API, 'service-account-lookup', (v) => (v === undefined || v.toLowerCase() === 'true' ? undefined : `--service-account-lookup=${v}`)),
  }),
  required('1.2.22', ['service-account-key-file'], 'Ensure that the --service-account-key-file argument is set as appropriate', 'medium', 'An explicit public key file allows service account keys to be rotated.', 'set --service-account-key-file=<public key file>.'),
  requiredForEtcd('1.2.23', ['etcd-certfile', 'etcd-keyfile'], 'Ensure that the --etcd-certfile and --etcd-keyfile arguments are set as appropriate', 'etcd should only serve clients that authenticate with a certificate.', 'set --etcd-certfile=<cert> and --etcd-keyfile=<key>.'),
  required('1.2.24', ['tls-cert-file', 'tls-private-key-file'], 'Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate', 'high', 'The API server must serve HTTPS with a certificate the clients can verify.', 'set --tls-cert-file=<cert> and --tls-private-key-file=<key>.'),
  required('1.2.25', ['client-ca-file'], 'Ensure that the --client-ca-file argument is set as appropriate', 'high', 'Without a client CA the API server cannot authenticate client certificates (kubelets, components).', 'set --client-ca-file=<ca file>.'),
  requiredForEtcd('1.2.26', ['etcd-cafile'], 'Ensure that the --etcd-cafile argument is set as appropriate', 'The API server must verify the certificate etcd presents.', 'set --etcd-cafile=<ca file>.'),
  required('1.2.27', ['encryption-provider-config'], 'Ensure that the --encryption-provider-config argument is set as appropriate', 'high', 'Without an encryption configuration, Secrets are stored in etcd in plain text.', 'create an EncryptionConfiguration and set --encryption-provider-config=<file>.'),
  nodeControl({
    cis: '1.2.28',
    title: 'Ensure that encryption providers are appropriately configured',
    severity: 'high',
    category: CATEGORY,
    rationale: 'The first provider of a resource encrypts new writes: identity (or a weak provider) first stores Secrets in plain text.',
    remediation: 'In the EncryptionConfiguration named by --encryption-provider-config, list aescbc, kms or secretbox first for secrets (identity last, for reading old data only).',
    check: onComponent(API, (c, doc) => {
      if (!c.has('encryption-provider-config')) return fail('kube-apiserver: no --encryption-provider-config: Secrets are not encrypted at rest', c.evidence('encryption-provider-config'));
      const enc = doc.encryption;
      if (!enc || !enc.readable) return { noData: `the encryption configuration ${c.get('encryption-provider-config')} could not be read` };
      if (enc.error) return fail(`${enc.path}: ${enc.error}`, 'facts.encryption');
      const secretRules = enc.rules.filter((r) => r.resources.some((x) => x === 'secrets' || x === '*.*' || x === '*.'));
      if (secretRules.length === 0) return fail(`${enc.path}: secrets are not among the encrypted resources`, 'facts.encryption.rules');
      const bad = secretRules.filter((r) => !STRONG_PROVIDERS.has(r.providers[0] ?? ''));
      if (bad.length === 0) return PASS;
      return fail(`${enc.path}: the first provider for secrets is ${bad.map((r) => r.providers[0] ?? 'none').join(', ')}, not aescbc, kms or secretbox`, 'facts.encryption.rules');
    }),
  }),
  nodeControl({
    cis: '1.2.29',
    title: 'Ensure that the API Server only makes use of Strong Cryptographic Ciphers',
    severity: 'medium',
    category: CATEGORY,
    rationale: 'Weak cipher suites (RC4, 3DES, CBC with SHA-1 MAC on RSA key exchange) allow downgrade and decryption attacks.',
    remediation: `${EDIT} set --tls-cipher-suites to a subset of: ${[...STRONG_APISERVER_CIPHERS].join(',')}.`,
    check: flagRule(API, 'tls-cipher-suites', (_v, c) => {
      const suites = c.list('tls-cipher-suites');
      if (suites.length === 0) return '--tls-cipher-suites not set (Go defaults include weak suites)';
      const weak = suites.filter((s) => !STRONG_APISERVER_CIPHERS.has(s));
      return weak.length ? `weak cipher suites: ${weak.join(', ')}` : undefined;
    }),
  }),
];
