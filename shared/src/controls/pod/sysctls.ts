// PSS baseline `sysctls`: only namespaced sysctls isolated from other pods are safe.
import { definePodControl, type Problem } from './support/define.js';

/** The safe sysctls of the newest PSS version (upstream check_sysctls; the last two since 1.35). */
export const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
]);

export const unsafeSysctls = definePodControl(
  {
    id: 'pod.unsafe-sysctls',
    title: 'Unsafe sysctls',
    severity: 'medium',
    category: 'Pod security',
    rationale:
      'Sysctls outside the safe set are not isolated per pod: they can disable security mechanisms or change the kernel behaviour for every workload on the node.',
    remediation: `Remove sysctls other than ${[...SAFE_SYSCTLS].join(', ')} from \`spec.securityContext.sysctls\`; tune nodes through node configuration instead.`,
    frameworks: [
      { framework: 'pss-baseline', id: 'sysctls' },
      { framework: 'nsa-cisa', id: 'pod-security' },
    ],
  },
  ({ spec, template, patch }) => {
    const sysctls = spec.securityContext?.sysctls;
    if (!Array.isArray(sysctls)) return [];
    const problems: Problem[] = [];
    sysctls.forEach((s, i) => {
      const name = typeof s?.name === 'string' ? s.name : '';
      if (SAFE_SYSCTLS.has(name)) return;
      problems.push({ message: `pod sets unsafe sysctl ${JSON.stringify(name)}`, evidence: [`${template.specPath}.securityContext.sysctls[${i}].name`] });
    });
    if (problems.length > 0) {
      // sysctls is replaced as a whole by a strategic-merge patch: send the safe remainder.
      const kept = sysctls.filter((s) => SAFE_SYSCTLS.has(typeof s?.name === 'string' ? s.name : ''));
      patch.pod({ securityContext: { sysctls: kept.length > 0 ? kept : null } });
    }
    return problems;
  },
);
