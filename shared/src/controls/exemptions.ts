// Built-in exemptions for cluster infrastructure that needs host access by design
// (kube-proxy, CNI and CSI node agents, static control-plane pods). Data, with a reason
// each; the engine asks `exemptionFor` and records the outcome as `exempt` with that
// reason, unless `systemExemptions: false` turns them all off.
import type { KubeObject } from '../model/object.js';
import type { EngineConfig } from '../engine/types.js';

export interface SystemExemption {
  /** Control ids the exemption covers. */
  controls: readonly string[];
  /** Namespaces the subject must be in (for Namespace subjects: its own name). */
  namespaces: readonly string[];
  /** Workload names, exact or `prefix*`; a Pod or ReplicaSet is matched by its owning workload. Absent: any. */
  workloads?: readonly string[];
  /** Subject kinds; absent: any. */
  kinds?: readonly string[];
  reason: string;
}

/** What a node-level network, storage or proxy agent legitimately needs. */
const NODE_AGENT_CONTROLS = [
  'pod.privileged',
  'pod.host-network',
  'pod.host-path',
  'pod.host-ports',
  'pod.volume-types',
  'pod.capabilities-added',
  'pod.capabilities-not-dropped',
  'pod.dangerous-capabilities',
  'pod.privilege-escalation',
  'pod.run-as-root',
  'pod.run-as-uid-0',
  'pod.writable-root-fs',
  'pod.seccomp-missing',
  'pod.seccomp-unconfined',
  'pod.apparmor-unconfined',
] as const;

const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'] as const;

export const SYSTEM_EXEMPTIONS: readonly SystemExemption[] = [
  {
    controls: NODE_AGENT_CONTROLS,
    namespaces: ['kube-system'],
    workloads: ['kube-proxy'],
    reason: 'kube-proxy programs the node\'s iptables/IPVS/nftables rules: it needs the host network, privileged mode and host paths (/lib/modules, /run/xtables.lock).',
  },
  {
    controls: NODE_AGENT_CONTROLS,
    namespaces: ['kube-system', 'calico-system', 'kube-flannel', 'cilium', 'tigera-operator'],
    workloads: [
      'calico-node',
      'cilium',
      'cilium-envoy',
      'kube-flannel-ds',
      'aws-node',
      'weave-net',
      'kindnet',
      'canal',
      'antrea-agent',
      'kube-router',
      'azure-cns',
      'azure-ip-masq-agent',
      'ip-masq-agent',
      'konnectivity-agent',
    ],
    reason: 'CNI and node networking agents configure interfaces, routes and eBPF programs on the node: host network, privileged mode and host paths are their job.',
  },
  {
    controls: NODE_AGENT_CONTROLS,
    namespaces: ['kube-system'],
    workloads: ['ebs-csi-node', 'efs-csi-node', 'pdcsi-node', 'csi-azuredisk-node', 'csi-azurefile-node', 'csi-secrets-store*', 'secrets-store-csi-driver'],
    reason: 'CSI node plugins mount volumes into the kubelet\'s directories: they need privileged mode (bidirectional mount propagation) and host paths.',
  },
  {
    controls: ['pod.host-network', 'pod.host-ports', 'pod.capabilities-added', 'pod.dangerous-capabilities', 'pod.capabilities-not-dropped'],
    namespaces: ['kube-system'],
    workloads: ['node-local-dns'],
    reason: 'NodeLocal DNSCache binds a link-local address on every node: it needs the host network and NET_ADMIN.',
  },
  {
    controls: [
      'pod.host-network',
      'pod.host-path',
      'pod.volume-types',
      'pod.run-as-root',
      'pod.run-as-uid-0',
      'pod.writable-root-fs',
      'pod.capabilities-not-dropped',
      'pod.privilege-escalation',
      'pod.seccomp-missing',
      'pod.resource-limits',
      'pod.readiness-probe',
    ],
    namespaces: ['kube-system'],
    kinds: ['Pod'],
    workloads: ['kube-apiserver-*', 'etcd-*', 'kube-controller-manager-*', 'kube-scheduler-*'],
    reason: 'Static control-plane pods run from kubelet manifests with the host network and host paths for certificates and data; they are hardened through the control-plane (CIS section 1) checks instead.',
  },
  {
    controls: ['pod.default-service-account'],
    namespaces: SYSTEM_NAMESPACES,
    reason: 'System namespaces are managed by the platform: add-ons and static pods there are not expected to get per-workload ServiceAccounts from the cluster owner.',
  },
  {
    controls: ['ns.no-pod-security-label'],
    namespaces: SYSTEM_NAMESPACES,
    kinds: ['Namespace'],
    reason: 'System namespaces host node agents that need privileged pods; Pod Security Admission is conventionally left unenforced (or exempted) there.',
  },
];

function matches(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

/**
 * The name of the workload a subject belongs to: a Pod of a Deployment answers the
 * Deployment's name, a Job of a CronJob the CronJob's.
 */
export function workloadNameOf(subject: KubeObject): string {
  const meta = subject.metadata;
  const name = meta.name ?? '';
  const owners = meta.ownerReferences ?? [];
  const owner = owners.find((o) => o.controller) ?? owners[0];
  if (!owner || owner.kind === 'Node') return name;
  if (owner.kind === 'ReplicaSet') {
    // Deployment pods are owned by `<deployment>-<pod-template-hash>`.
    const hash = meta.labels?.['pod-template-hash'];
    if (hash && owner.name.endsWith(`-${hash}`)) return owner.name.slice(0, -(hash.length + 1));
    return owner.name;
  }
  return owner.name;
}

function namespaceOf(subject: KubeObject): string | undefined {
  return subject.kind === 'Namespace' ? subject.metadata.name : subject.metadata.namespace;
}

/** SYSTEM_EXEMPTIONS by control id (in order): asked once per control and subject. */
const byControl = new Map<string, SystemExemption[]>();
for (const e of SYSTEM_EXEMPTIONS) {
  for (const id of e.controls) {
    const list = byControl.get(id);
    if (list) list.push(e);
    else byControl.set(id, [e]);
  }
}

/** The reason a control does not apply to a system subject, or undefined. */
export function exemptionFor(controlId: string, subject: KubeObject, config: EngineConfig = {}): string | undefined {
  if (config.systemExemptions === false) return undefined;
  const candidates = byControl.get(controlId);
  if (candidates === undefined) return undefined;
  const ns = namespaceOf(subject);
  if (ns === undefined) return undefined;
  let workload: string | undefined;
  for (const e of candidates) {
    if (!e.namespaces.includes(ns)) continue;
    if (e.kinds && !e.kinds.includes(subject.kind)) continue;
    if (e.workloads) {
      const name = (workload ??= workloadNameOf(subject));
      if (!e.workloads.some((p) => matches(p, name))) continue;
    }
    return e.reason;
  }
  return undefined;
}
