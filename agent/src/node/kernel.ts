// Kernel and OS facts: os-release, kernel version, LSMs, seccomp, cgroup version and
// the security-relevant sysctls, all read from the host root's /proc, /sys and /etc.
import type { KernelFacts } from '@stance/shared/node/index';
import type { HostFs } from './hostfs.js';

export const SECURITY_SYSCTLS = [
  'kernel.unprivileged_bpf_disabled',
  'kernel.kptr_restrict',
  'kernel.dmesg_restrict',
  'kernel.yama.ptrace_scope',
  'user.max_user_namespaces',
  'fs.protected_hardlinks',
  'fs.protected_symlinks',
  'fs.protected_fifos',
  'fs.protected_regular',
  'fs.suid_dumpable',
  // The six kubelet's protectKernelDefaults verifies.
  'vm.overcommit_memory',
  'vm.panic_on_oom',
  'kernel.panic',
  'kernel.panic_on_oops',
  'kernel.keys.root_maxkeys',
  'kernel.keys.root_maxbytes',
  ...['all', 'default'].flatMap((i) => ['accept_redirects', 'send_redirects', 'accept_source_route'].map((k) => `net.ipv4.conf.${i}.${k}`)),
] as const;

function parseOsRelease(text: string | undefined): KernelFacts['osRelease'] {
  const values = new Map<string, string>();
  for (const line of (text ?? '').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) values.set(m[1]!, m[2]!.replace(/^["']|["']$/g, ''));
  }
  return { id: values.get('ID') ?? null, versionId: values.get('VERSION_ID') ?? null, prettyName: values.get('PRETTY_NAME') ?? null };
}

const trimmed = (s: string | undefined) => (s === undefined ? undefined : s.trim());

export async function kernelFacts(fs: HostFs): Promise<KernelFacts> {
  const osRelease = parseOsRelease((await fs.readText('/etc/os-release')) ?? (await fs.readText('/usr/lib/os-release')));
  const kernelVersion = trimmed(await fs.readVirtual('/proc/sys/kernel/osrelease')) ?? null;
  const lsmText = trimmed(await fs.readVirtual('/sys/kernel/security/lsm'));
  const lsms = lsmText === undefined ? null : lsmText.split(',').filter((s) => s.length > 0);

  const aaParam = trimmed(await fs.readVirtual('/sys/module/apparmor/parameters/enabled'));
  const aaProfiles = await fs.readVirtual('/sys/kernel/security/apparmor/profiles');
  const apparmor = {
    enabled: aaParam === undefined ? (lsms ? lsms.includes('apparmor') : null) : aaParam === 'Y' || aaParam === '1',
    profiles: aaProfiles === undefined ? null : aaProfiles.split('\n').filter((l) => l.trim().length > 0).length,
  };
  const seEnforce = trimmed(await fs.readVirtual('/sys/fs/selinux/enforce'));
  const selinux = { enforcing: seEnforce === undefined ? (lsms && !lsms.includes('selinux') ? false : null) : seEnforce === '1' };

  const status = await fs.readVirtual('/proc/self/status');
  const seccompLine = status === undefined ? undefined : /^Seccomp:\s*(\d+)/m.exec(status);
  const seccompSysctl = await fs.exists('/proc/sys/kernel/seccomp/actions_avail');
  const seccomp = { available: seccompLine || seccompSysctl ? true : status === undefined ? null : false };

  const cgroupVersion = (await fs.readVirtual('/sys/fs/cgroup/cgroup.controllers')) !== undefined ? 2 : (await fs.exists('/sys/fs/cgroup')) ? 1 : null;

  const sysctls: Record<string, string> = {};
  for (const name of SECURITY_SYSCTLS) {
    const v = trimmed(await fs.readVirtual(`/proc/sys/${name.replace(/\./g, '/')}`));
    if (v !== undefined) sysctls[name] = v;
  }
  return { osRelease, kernelVersion, lsms, apparmor, selinux, seccomp, cgroupVersion, sysctls };
}
