// The OS layer of a fake host: os-release, kernel version, LSM and seccomp state, cgroup
// version and the security sysctls, hardened or not.
import type { HostRootBuilder } from './builder.js';

export interface OsOptions {
  hostname: string;
  lsm: 'apparmor' | 'selinux' | 'none' | 'unknown';
  /** Sysctls of a hardened (true) or default-open (false) kernel. */
  hardenedSysctls: boolean;
}

export async function writeOs(b: HostRootBuilder, o: OsOptions): Promise<void> {
  await b.file('/etc/hostname', `${o.hostname}\n`);
  await b.file('/etc/os-release', 'ID=ubuntu\nVERSION_ID="24.04"\nPRETTY_NAME="Ubuntu 24.04.1 LTS"\n');
  await b.file('/proc/sys/kernel/osrelease', '6.8.0-49-generic\n');
  await b.file('/proc/self/status', 'Name:\tstance\nSeccomp:\t0\nSeccomp_filters:\t0\n');
  await b.file('/sys/fs/cgroup/cgroup.controllers', 'cpuset cpu io memory hugetlb pids rdma misc\n');
  if (o.lsm === 'apparmor') {
    await b.file('/sys/kernel/security/lsm', 'lockdown,capability,landlock,yama,apparmor');
    await b.file('/sys/module/apparmor/parameters/enabled', 'Y\n');
    await b.file('/sys/kernel/security/apparmor/profiles', 'cri-containerd.apparmor.d (enforce)\n/usr/bin/man (enforce)\n');
  } else if (o.lsm === 'selinux') {
    await b.file('/sys/kernel/security/lsm', 'lockdown,capability,yama,selinux');
    await b.file('/sys/fs/selinux/enforce', '1');
  } else if (o.lsm === 'none') {
    await b.file('/sys/kernel/security/lsm', 'lockdown,capability,yama');
    await b.file('/sys/module/apparmor/parameters/enabled', 'N\n');
  }
  await b.sysctls({
    'kernel.unprivileged_bpf_disabled': o.hardenedSysctls ? 2 : 0,
    'kernel.kptr_restrict': o.hardenedSysctls ? 1 : 0,
    'kernel.dmesg_restrict': o.hardenedSysctls ? 1 : 0,
    'kernel.yama.ptrace_scope': 1,
    'user.max_user_namespaces': 63704,
    'fs.protected_hardlinks': 1,
    'fs.protected_symlinks': 1,
    'vm.overcommit_memory': 1,
    'vm.panic_on_oom': 0,
    'kernel.panic': 10,
    'kernel.panic_on_oops': 1,
    'kernel.keys.root_maxkeys': 1000000,
    'kernel.keys.root_maxbytes': 25000000,
    'net.ipv4.conf.all.accept_redirects': o.hardenedSysctls ? 0 : 1,
    'net.ipv4.conf.all.send_redirects': o.hardenedSysctls ? 0 : 1,
  });
}
