// CIS 4.2.x (kubelet) and 4.3.1 (kube-proxy), on the kubelet's effective settings
// (defaults, config file, drop-ins and flags merged by the agent).
import type { CheckResult, Control, Severity } from '../../engine/types.js';
import type { KubeletSettings, NodeFactsDoc } from '../../node/index.js';
import { isLoopbackAddress } from '../../net/loopback.js';
import { durationMs, fail, nodeControl, PASS } from './helpers.js';

const CATEGORY = 'kubelet';
const HOW = 'in the kubelet config file (/var/lib/kubelet/config.yaml; k3s: --kubelet-arg) or the kubelet flags in the service file, then restart the kubelet';

export const STRONG_KUBELET_CIPHERS = new Set([
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_RSA_WITH_AES_128_GCM_SHA256',
]);

/** Distributions that set --hostname-override by design (cloud node names, k3s/rke2 node-name). */
const OVERRIDES_HOSTNAME = new Set(['eks', 'gke', 'aks', 'k3s', 'rke2']);

type Rule = (s: KubeletSettings, doc: NodeFactsDoc) => string | undefined | null;

function kubeletRule(cis: string, title: string, severity: Severity, rationale: string, remediation: string, fields: (keyof KubeletSettings)[], rule: Rule): Control {
  return nodeControl({
    cis,
    title,
    severity,
    category: CATEGORY,
    rationale,
    remediation: `${remediation} ${HOW}.`,
    check: (doc): CheckResult => {
      const k = doc.kubelet;
      if (!k) return null;
      // A default only stands in for a config file that was read: an unreadable one is no data.
      if (k.configErrors.length > 0 && fields.some((f) => k.sources[f] === 'default')) {
        return { noData: `kubelet configuration not fully readable: ${k.configErrors.join('; ')}` };
      }
      const why = rule(k.settings, doc);
      if (why === null) return null;
      if (why === undefined) return PASS;
      const from = fields.map((f) => `${f} from ${k.sources[f] === 'config' ? (k.configFile ?? 'config') : k.sources[f]}`).join(', ');
      return fail(`kubelet: ${why} (${from})`, ...fields.map((f) => `facts.kubelet.settings.${f}`));
    },
  });
}

export const kubeletControls: Control[] = [
  kubeletRule('4.2.1', 'Ensure that the --anonymous-auth argument is set to false', 'high',
    'Anonymous requests to the kubelet API (port 10250) can read pod data or run commands when authorization allows them.',
    'Set authentication.anonymous.enabled: false (or --anonymous-auth=false)', ['anonymousAuth'],
    (s) => (s.anonymousAuth ? 'anonymous authentication is enabled' : undefined)),
  kubeletRule('4.2.2', 'Ensure that the --authorization-mode argument is not set to AlwaysAllow', 'critical',
    'With AlwaysAllow every request the kubelet authenticates may exec into pods and read their logs.',
    'Set authorization.mode: Webhook (or --authorization-mode=Webhook)', ['authorizationMode'],
    (s) => (s.authorizationMode === 'AlwaysAllow' ? 'authorization mode is AlwaysAllow' : undefined)),
  kubeletRule('4.2.3', 'Ensure that the --client-ca-file argument is set as appropriate', 'high',
    'Without a client CA the kubelet cannot authenticate the API server\'s client certificate.',
    'Set authentication.x509.clientCAFile: <ca file> (or --client-ca-file)', ['clientCAFile'],
    (s) => (s.clientCAFile ? undefined : 'no client CA file')),
  kubeletRule('4.2.4', 'Verify that the --read-only-port argument is set to 0', 'medium',
    'The read-only port (10255) serves pod and node details without any authentication.',
    'Set readOnlyPort: 0 (or --read-only-port=0)', ['readOnlyPort'],
    (s) => (s.readOnlyPort === 0 ? undefined : `read-only port is ${s.readOnlyPort}`)),
  kubeletRule('4.2.5', 'Ensure that the --streaming-connection-idle-timeout argument is not set to 0', 'low',
    'Idle exec/attach/port-forward streams without a timeout stay open indefinitely.',
    'Set streamingConnectionIdleTimeout: 5m (or --streaming-connection-idle-timeout=5m)', ['streamingConnectionIdleTimeout'],
    (s) => {
      const ms = durationMs(s.streamingConnectionIdleTimeout);
      return ms === undefined ? `streaming idle timeout "${s.streamingConnectionIdleTimeout}" is not a duration` : ms === 0 ? 'streaming idle timeout is 0 (never)' : undefined;
    }),
  kubeletRule('4.2.6', 'Ensure that the --make-iptables-util-chains argument is set to true', 'low',
    'The kubelet then manages the iptables chains pods\' networking relies on, keeping them in step with the configuration.',
    'Set makeIPTablesUtilChains: true (or remove --make-iptables-util-chains=false)', ['makeIPTablesUtilChains'],
    (s) => (s.makeIPTablesUtilChains ? undefined : 'makeIPTablesUtilChains is false')),
  kubeletRule('4.2.7', 'Ensure that the --hostname-override argument is not set', 'low',
    'Overriding the hostname can break TLS between the API server and the kubelet (the certificate names the real host).',
    'Remove --hostname-override from the kubelet service file', ['hostnameOverride'],
    (s, doc) => (OVERRIDES_HOSTNAME.has(doc.distribution) ? null : s.hostnameOverride ? `--hostname-override=${s.hostnameOverride}` : undefined)),
  kubeletRule('4.2.8', 'Ensure that the eventRecordQPS argument is set to a level which ensures appropriate event capture', 'low',
    'Too low an event rate drops events an investigation needs; 0 means unlimited. Stance fails values from 1 to 4 per second (the default is 50).',
    'Set eventRecordQPS: 0 or a value of at least 5 (or --event-qps)', ['eventRecordQPS'],
    (s) => (s.eventRecordQPS < 0 || (s.eventRecordQPS > 0 && s.eventRecordQPS < 5) ? `eventRecordQPS is ${s.eventRecordQPS}` : undefined)),
  kubeletRule('4.2.9', 'Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate', 'medium',
    'Without a serving certificate (set, or requested from the cluster with serverTLSBootstrap) the kubelet serves a self-signed one nobody can verify.',
    'Set tlsCertFile and tlsPrivateKeyFile (or serverTLSBootstrap: true)', ['tlsCertFile', 'tlsPrivateKeyFile', 'serverTLSBootstrap'],
    (s) => (s.serverTLSBootstrap || (s.tlsCertFile && s.tlsPrivateKeyFile) ? undefined : 'no serving certificate and key, and no serverTLSBootstrap')),
  kubeletRule('4.2.10', 'Ensure that the --rotate-certificates argument is not set to false', 'medium',
    'Client certificates that are not rotated expire (or are kept long past compromise).',
    'Set rotateCertificates: true (or --rotate-certificates)', ['rotateCertificates'],
    (s) => (s.rotateCertificates ? undefined : 'client certificate rotation is off')),
  kubeletRule('4.2.11', 'Verify that the RotateKubeletServerCertificate argument is set to true', 'medium',
    'Serving certificates should be rotated automatically; the feature gate defaults to true.',
    'Remove RotateKubeletServerCertificate=false from featureGates (or --feature-gates)', ['featureGates'],
    (s) => (s.featureGates.RotateKubeletServerCertificate === false ? 'RotateKubeletServerCertificate=false' : undefined)),
  kubeletRule('4.2.12', 'Ensure that the Kubelet only makes use of Strong Cryptographic Ciphers', 'medium',
    'Weak cipher suites allow downgrade and decryption attacks on the kubelet API.',
    `Set tlsCipherSuites to a subset of ${[...STRONG_KUBELET_CIPHERS].join(',')} (or --tls-cipher-suites)`, ['tlsCipherSuites'],
    (s) => {
      if (s.tlsCipherSuites.length === 0) return 'no tlsCipherSuites (Go defaults include weak suites)';
      const weak = s.tlsCipherSuites.filter((c) => !STRONG_KUBELET_CIPHERS.has(c));
      return weak.length ? `weak cipher suites: ${weak.join(', ')}` : undefined;
    }),
  kubeletRule('4.2.13', 'Ensure that a limit is set on pod PIDs', 'medium',
    'Without a PID limit one pod can exhaust the node\'s process table (a fork bomb takes the node down).',
    'Set podPidsLimit: 4096 (or --pod-max-pids)', ['podPidsLimit'],
    (s) => (s.podPidsLimit > 0 ? undefined : `podPidsLimit is ${s.podPidsLimit} (unlimited)`)),
  nodeControl({
    cis: '4.3.1',
    title: 'Ensure that the kube-proxy metrics service is bound to localhost',
    severity: 'medium',
    category: 'kube-proxy',
    rationale: 'kube-proxy metrics need not be reachable from the network; the default is 127.0.0.1:10249.',
    remediation: 'Set metricsBindAddress: 127.0.0.1:10249 in the kube-proxy configuration (kubeadm: the kube-proxy ConfigMap in kube-system) or remove --metrics-bind-address.',
    check: (doc) => {
      if (!doc.components['kube-proxy'] || !doc.kubeProxy) return null;
      const addr = doc.kubeProxy.metricsBindAddress ?? '127.0.0.1:10249';
      return isLoopbackAddress(addr)
        ? PASS
        : fail(`kube-proxy metrics bound to ${addr}`, 'facts.kubeProxy.metricsBindAddress');
    },
  }),
];
