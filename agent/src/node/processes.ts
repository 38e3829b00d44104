// Processes of the host PID namespace: `<root>/proc/<pid>/cmdline` (NUL-separated
// arguments), matched to the Kubernetes components the CIS checks read.
import path from 'node:path';
import type { ComponentName } from '@stance/shared/node/index';
import type { HostFs } from './hostfs.js';

export interface HostProcess {
  pid: number;
  argv: string[];
}

const BINARIES: Record<string, ComponentName> = {
  kubelet: 'kubelet',
  'kube-apiserver': 'kube-apiserver',
  'kube-controller-manager': 'kube-controller-manager',
  'kube-scheduler': 'kube-scheduler',
  etcd: 'etcd',
  'kube-proxy': 'kube-proxy',
  containerd: 'containerd',
  crio: 'crio',
  dockerd: 'dockerd',
  k3s: 'k3s',
  rke2: 'rke2',
};

/** Every process with a non-empty command line, by pid. */
export async function listProcesses(fs: HostFs): Promise<HostProcess[]> {
  const out: HostProcess[] = [];
  for (const entry of await fs.list('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const raw = await fs.readBytes(`/proc/${entry}/cmdline`);
    if (!raw || raw.length === 0) continue;
    let argv = raw.toString('utf8').split('\0');
    if (argv[argv.length - 1] === '') argv.pop();
    // Some programs (k3s) rewrite their title into one space-separated string.
    if (argv.length === 1 && argv[0]!.includes(' ')) argv = argv[0]!.split(/\s+/).filter((a) => a.length > 0);
    if (argv.length > 0) out.push({ pid: Number(entry), argv });
  }
  return out.sort((a, b) => a.pid - b.pid);
}

export interface IdentifiedCommand {
  name: ComponentName;
  /** Arguments after the binary (and after the subcommand for k3s/rke2/hyperkube). */
  args: string[];
  subcommand?: string;
}

/** Which component a command line runs, if any: by the binary's base name. */
export function identifyCommand(argv: readonly string[]): IdentifiedCommand | undefined {
  if (argv.length === 0) return undefined;
  let base = path.posix.basename(argv[0]!);
  let rest = argv.slice(1);
  if (base === 'hyperkube' && rest.length > 0) {
    base = rest[0]!;
    rest = rest.slice(1);
  }
  const name = BINARIES[base];
  if (!name) return undefined;
  if (name === 'k3s' || name === 'rke2') {
    const sub = rest[0];
    if (sub !== 'server' && sub !== 'agent') return undefined; // `k3s kubectl`, `k3s ctr`
    return { name, args: rest.slice(1), subcommand: sub };
  }
  return { name, args: rest };
}
