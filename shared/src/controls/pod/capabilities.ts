// Linux capabilities: PSS baseline (`capabilities_baseline`: nothing beyond the default
// set), PSS restricted (`capabilities_restricted`: drop ALL, add back only
// NET_BIND_SERVICE), and a non-PSS alarm for the capabilities that amount to host access.
import type { ContainerRef } from '../../workload/index.js';
import { definePodControl, describe, type Problem } from './support/define.js';
import { isWindowsPod } from '../../workload/index.js';

/** Capabilities the PSS baseline allows to be added (upstream check_capabilities_baseline). */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

/** Capabilities that give a container control over the node or other workloads. */
export const DANGEROUS_CAPABILITIES: ReadonlyMap<string, string> = new Map([
  ['ALL', 'every capability'],
  ['SYS_ADMIN', 'mount, namespaces, cgroups: a well-known container escape'],
  ['SYS_MODULE', 'loads kernel modules'],
  ['SYS_PTRACE', 'traces and injects into other processes'],
  ['SYS_RAWIO', 'raw device and I/O port access'],
  ['SYS_BOOT', 'reboots the node'],
  ['NET_ADMIN', 'reconfigures networking, interfaces and firewall rules'],
  ['DAC_READ_SEARCH', 'bypasses file read permissions (open_by_handle_at escape)'],
  ['BPF', 'loads eBPF programs'],
  ['PERFMON', 'kernel performance monitoring and eBPF tracing'],
  ['MAC_ADMIN', 'reconfigures the mandatory access control (AppArmor/SELinux)'],
  ['MAC_OVERRIDE', 'bypasses the mandatory access control'],
]);

/** Capabilities escalating straight to the node: findings on them are critical. */
const CRITICAL_CAPABILITIES = new Set(['ALL', 'SYS_ADMIN', 'SYS_MODULE']);

function added(ref: ContainerRef): string[] {
  const add = ref.container.securityContext?.capabilities?.add;
  return Array.isArray(add) ? add.filter((c): c is string => typeof c === 'string') : [];
}

/** Runtimes accept `cap_sys_admin` as well as `SYS_ADMIN`. */
function normalizeCap(cap: string): string {
  return cap.toUpperCase().replace(/^CAP_/, '');
}

/** The `add` list that keeps only what `keep` accepts; null (delete) when nothing is left. */
function keptAdds(caps: string[], keep: (cap: string) => boolean): string[] | null {
  const kept = caps.filter(keep);
  return kept.length > 0 ? kept : null;
}

const capabilityFrameworks = [
  { framework: 'nsa-cisa', id: 'pod-security' },
  { framework: 'mitre-attack', id: 'T1611' },
] as const;

export const capabilitiesAdded = definePodControl(
  {
    id: 'pod.capabilities-added',
    title: 'Capabilities added beyond the baseline set',
    severity: 'high',
    category: 'Pod security',
    rationale:
      'Capabilities outside the container runtime\'s default set (such as SYS_ADMIN, NET_ADMIN, NET_RAW) widen the kernel attack surface and enable container escapes.',
    remediation: `Only add capabilities from the baseline set (${[...BASELINE_CAPABILITIES].join(', ')}); remove every other entry from \`securityContext.capabilities.add\`.`,
    frameworks: [
      { framework: 'pss-baseline', id: 'capabilities_baseline' },
      { framework: 'cis-kubernetes', id: '5.2.9' },
      ...capabilityFrameworks,
    ],
  },
  ({ containers, patch }) => {
    const problems: Problem[] = [];
    for (const ref of containers) {
      const caps = added(ref);
      const bad = caps.filter((c) => !BASELINE_CAPABILITIES.has(c));
      if (bad.length === 0) continue;
      problems.push({
        message: `${describe(ref)} adds ${bad.join(', ')}`,
        evidence: caps.flatMap((c, i) => (BASELINE_CAPABILITIES.has(c) ? [] : [`${ref.path}.securityContext.capabilities.add[${i}]`])),
      });
      patch.container(ref, { securityContext: { capabilities: { add: keptAdds(caps, (c) => BASELINE_CAPABILITIES.has(c)) } } });
    }
    return problems;
  },
);

export const capabilitiesNotDropped = definePodControl(
  {
    id: 'pod.capabilities-not-dropped',
    title: 'Capabilities not dropped',
    severity: 'medium',
    category: 'Pod security',
    rationale:
      'The runtime default capability set (including NET_RAW, CHOWN, SETUID, DAC_OVERRIDE) is more than almost any workload needs; dropping ALL and adding back only NET_BIND_SERVICE leaves the least privilege.',
    remediation:
      'Set `securityContext.capabilities.drop: ["ALL"]` on every container and add back at most `NET_BIND_SERVICE`. (Not required for Windows pods.)',
    frameworks: [
      { framework: 'pss-restricted', id: 'capabilities_restricted' },
      { framework: 'cis-kubernetes', id: '5.2.8' },
      { framework: 'cis-kubernetes', id: '5.2.9' },
      { framework: 'cis-kubernetes', id: '5.2.10' },
      ...capabilityFrameworks,
    ],
  },
  ({ spec, containers, patch }) => {
    if (isWindowsPod(spec)) return [];
    const problems: Problem[] = [];
    for (const ref of containers) {
      const drop = ref.container.securityContext?.capabilities?.drop;
      const dropsAll = Array.isArray(drop) && drop.includes('ALL');
      const caps = added(ref);
      const badAdds = caps.filter((c) => c !== 'NET_BIND_SERVICE');
      if (dropsAll && badAdds.length === 0) continue;
      const parts: string[] = [];
      const evidence: string[] = [];
      const fix: Record<string, unknown> = {};
      if (!dropsAll) {
        parts.push('does not drop ALL capabilities');
        evidence.push(`${ref.path}.securityContext.capabilities.drop`);
        fix.drop = ['ALL'];
      }
      if (badAdds.length > 0) {
        parts.push(`adds ${badAdds.join(', ')}`);
        caps.forEach((c, i) => c !== 'NET_BIND_SERVICE' && evidence.push(`${ref.path}.securityContext.capabilities.add[${i}]`));
        fix.add = keptAdds(caps, (c) => c === 'NET_BIND_SERVICE');
      }
      problems.push({ message: `${describe(ref)} ${parts.join(' and ')}`, evidence });
      patch.container(ref, { securityContext: { capabilities: fix } });
    }
    return problems;
  },
);

export const dangerousCapabilities = definePodControl(
  {
    id: 'pod.dangerous-capabilities',
    title: 'Dangerous capabilities added',
    severity: 'high',
    category: 'Pod security',
    rationale:
      'SYS_ADMIN, SYS_MODULE, SYS_PTRACE, NET_ADMIN, DAC_READ_SEARCH, BPF and ALL give a container control over the kernel, the network or other processes on the node; each has public container-escape techniques.',
    remediation:
      'Remove these capabilities from `securityContext.capabilities.add`; if a node agent truly needs one, run it in a dedicated, tightly controlled namespace.',
    frameworks: [{ framework: 'cis-kubernetes', id: '5.2.9' }, ...capabilityFrameworks],
  },
  ({ containers, patch }) => {
    const problems: Problem[] = [];
    for (const ref of containers) {
      const caps = added(ref);
      const bad = caps.filter((c) => DANGEROUS_CAPABILITIES.has(normalizeCap(c)));
      if (bad.length === 0) continue;
      const critical = bad.some((c) => CRITICAL_CAPABILITIES.has(normalizeCap(c)));
      problems.push({
        message: `${describe(ref)} adds ${bad.map((c) => `${c} (${DANGEROUS_CAPABILITIES.get(normalizeCap(c))})`).join(', ')}`,
        evidence: caps.flatMap((c, i) => (DANGEROUS_CAPABILITIES.has(normalizeCap(c)) ? [`${ref.path}.securityContext.capabilities.add[${i}]`] : [])),
        severity: critical ? 'critical' : 'high',
      });
      patch.container(ref, { securityContext: { capabilities: { add: keptAdds(caps, (c) => !DANGEROUS_CAPABILITIES.has(normalizeCap(c))) } } });
    }
    return problems;
  },
);
