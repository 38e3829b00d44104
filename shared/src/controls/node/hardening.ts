// Node hardening beyond the CIS benchmark (ids node.*): kernel, LSM, exposed ports and
// the container runtime socket.
import { isLoopbackHost } from '../../net/loopback.js';
import type { Control } from '../../engine/types.js';
import { formatMode } from '../../node/index.js';
import { fail, fileEvidence, nodeControl, PASS } from './helpers.js';


export const hardeningControls: Control[] = [
  nodeControl({
    id: 'node.unprivileged-bpf',
    title: 'Unprivileged BPF is disabled',
    severity: 'medium',
    category: 'kernel',
    rationale: 'Unprivileged eBPF has been the entry point of several kernel privilege escalations (and Spectre gadgets).',
    remediation: 'Set kernel.unprivileged_bpf_disabled=1 (or 2) in /etc/sysctl.d/ and run sysctl --system.',
    check: (doc) => {
      const v = doc.kernel.sysctls['kernel.unprivileged_bpf_disabled'];
      if (v === undefined) return { noData: 'kernel.unprivileged_bpf_disabled is not readable' };
      return v === '0' ? fail('kernel.unprivileged_bpf_disabled=0: unprivileged users may load BPF programs', 'facts.kernel.sysctls["kernel.unprivileged_bpf_disabled"]') : PASS;
    },
  }),
  nodeControl({
    id: 'node.lsm-enforcing',
    title: 'A Linux security module (AppArmor or SELinux) is enforcing',
    severity: 'medium',
    category: 'kernel',
    rationale: 'Without AppArmor or SELinux, the runtime\'s default container profiles are not applied and a container escape meets no mandatory access control.',
    remediation: 'Enable AppArmor (apparmor=1 security=apparmor on the kernel command line, profiles loaded) or SELinux in enforcing mode (SELINUX=enforcing in /etc/selinux/config).',
    check: (doc) => {
      const k = doc.kernel;
      if (k.apparmor.enabled === true && (k.apparmor.profiles ?? 1) > 0) return PASS;
      if (k.selinux.enforcing === true) return PASS;
      if (k.lsms === null && k.apparmor.enabled === null && k.selinux.enforcing === null) return { noData: 'neither /sys/kernel/security/lsm nor the AppArmor and SELinux state is readable' };
      return fail(`no enforcing LSM (active: ${k.lsms?.join(',') || 'unknown'}; AppArmor ${k.apparmor.enabled ? `on with ${k.apparmor.profiles} profiles` : 'off'}; SELinux ${k.selinux.enforcing ? 'enforcing' : 'not enforcing'})`, 'facts.kernel.apparmor', 'facts.kernel.selinux');
    },
  }),
  nodeControl({
    id: 'node.kubelet-read-only-port-listening',
    title: 'The kubelet read-only port 10255 is not listening',
    severity: 'medium',
    category: 'network',
    rationale: 'Port 10255 serves pod specs, environment and node details without authentication to anyone who reaches the node.',
    remediation: 'Set readOnlyPort: 0 in the kubelet configuration (or --read-only-port=0) and restart the kubelet.',
    check: (doc) => {
      if (doc.listening === null) return { noData: 'the host\'s listening sockets (/proc/1/net/tcp) are not readable' };
      const open = doc.listening.filter((s) => s.port === 10255);
      return open.length ? fail(`port 10255 is listening on ${open.map((s) => s.address).join(', ')}`, 'facts.listening') : PASS;
    },
  }),
  nodeControl({
    id: 'node.etcd-client-port-exposed',
    title: 'etcd is not reachable from the network without client certificate authentication',
    severity: 'critical',
    category: 'network',
    rationale: 'etcd on a non-loopback address without client certificate authentication gives anyone who reaches port 2379 every Secret of the cluster.',
    remediation: 'Set --client-cert-auth=true (with --trusted-ca-file) on etcd, or bind --listen-client-urls to 127.0.0.1 only.',
    check: (doc) => {
      if (doc.listening === null) return { noData: 'the host\'s listening sockets (/proc/1/net/tcp) are not readable' };
      const exposed = doc.listening.filter((s) => s.port === 2379 && !isLoopbackHost(s.address));
      if (exposed.length === 0) return PASS;
      const etcd = doc.components.etcd;
      if (!etcd) return { noData: `port 2379 listens on ${exposed.map((s) => s.address).join(', ')} but the etcd process is not visible to check its client-cert-auth` };
      const auth = (etcd.flags['client-cert-auth'] ?? []).at(-1)?.toLowerCase() === 'true';
      return auth ? PASS : fail(`etcd listens on ${exposed.map((s) => `${s.address}:2379`).join(', ')} without --client-cert-auth`, 'facts.listening', 'facts.components.etcd.flags["client-cert-auth"]');
    },
  }),
  nodeControl({
    id: 'node.runtime-socket-world-writable',
    title: 'The container runtime socket is not writable by every user',
    severity: 'critical',
    category: 'runtime',
    rationale: 'Whoever can write to the containerd/CRI-O/Docker socket can start a privileged container: root on the node.',
    remediation: 'chmod 660 (or 600) the runtime socket and keep its group to root (containerd: [grpc] uid/gid in /etc/containerd/config.toml; Docker: the docker group only for admins).',
    check: (doc) => {
      const found = doc.files.runtimeSockets?.found ?? [];
      if (found.length === 0) return { noData: 'no container runtime socket found' };
      const bad = found.map((f, i) => [f, i] as const).filter(([f]) => (f.mode & 0o002) !== 0);
      return bad.length
        ? fail(bad.map(([f]) => `${f.path} is ${formatMode(f.mode)} (world-writable)`).join(', '), ...bad.map(([, i]) => fileEvidence('runtimeSockets', i)))
        : PASS;
    },
  }),
  nodeControl({
    id: 'node.kubelet-protect-kernel-defaults',
    title: 'The kubelet protects kernel defaults (protectKernelDefaults)',
    severity: 'low',
    category: 'kubelet',
    rationale: 'With protectKernelDefaults the kubelet refuses to start when kernel tunables differ from its defaults instead of silently changing them (CIS v1.8 4.2.6; no longer in v1.10).',
    remediation: 'Set protectKernelDefaults: true in the kubelet config file (or --protect-kernel-defaults) after setting the kubelet\'s sysctls (vm.overcommit_memory=1, vm.panic_on_oom=0, kernel.panic=10, kernel.panic_on_oops=1, kernel.keys.root_maxkeys=1000000, kernel.keys.root_maxbytes=25000000).',
    check: (doc) => {
      if (!doc.kubelet) return null;
      return doc.kubelet.settings.protectKernelDefaults ? PASS : fail('kubelet: protectKernelDefaults is false', 'facts.kubelet.settings.protectKernelDefaults');
    },
  }),
];
