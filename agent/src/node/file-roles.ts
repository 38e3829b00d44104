// Mode and owner of every file the CIS checks name, by role: the paths components name
// in their own flags first, then the distribution's known candidates. Only lstat/stat:
// contents of keys, kubeconfigs and tokens are never read.
import path from 'node:path';
import {
  lastFlag,
  type ComponentFacts,
  type ComponentName,
  type Distribution,
  type FileFacts,
  type FileGroup,
  type FileRole,
  type KubeletFacts,
  type KubeProxyFacts,
} from '@stance/shared/node/index';
import type { HostFs } from './hostfs.js';
import { candidatePaths } from './paths.js';

type Components = Partial<Record<ComponentName, ComponentFacts>>;

/** Stat of a host path, through a containerized component's root first when it has a pid. */
export async function statFor(fs: HostFs, hostPath: string, pid?: number): Promise<FileFacts | undefined> {
  if (pid !== undefined) {
    const inside = await fs.fileFacts(`/proc/${pid}/root${hostPath}`);
    if (inside) return { ...inside, path: hostPath };
  }
  return fs.fileFacts(hostPath);
}

const uniq = (xs: (string | null | undefined)[]) => [...new Set(xs.filter((x): x is string => typeof x === 'string' && x.length > 0))];

async function first(fs: HostFs, candidates: string[], pid?: number): Promise<FileGroup> {
  for (const c of candidates) {
    const f = await statFor(fs, c, pid);
    if (f) return { candidates, found: [f] };
  }
  return { candidates, found: [] };
}

async function all(fs: HostFs, candidates: string[], pid?: number): Promise<FileGroup> {
  const found: FileFacts[] = [];
  for (const c of candidates) {
    const f = await statFor(fs, c, pid);
    if (f) found.push(f);
  }
  return { candidates, found };
}

export interface FileRoleInput {
  distribution: Distribution;
  components: Components;
  controlPlane: boolean;
  kubelet: KubeletFacts | null;
  kubeProxy: KubeProxyFacts | null;
}

export async function collectFileRoles(fs: HostFs, input: FileRoleInput): Promise<Partial<Record<FileRole, FileGroup>>> {
  const { components: c, kubelet } = input;
  const paths = candidatePaths(input.distribution);
  const files: Partial<Record<FileRole, FileGroup>> = {};
  const staticDir = kubelet?.settings.staticPodPath ?? undefined;
  const manifest = (name: ComponentName, file: string, defaults: string[]) =>
    uniq([c[name]?.manifestPath, staticDir ? path.posix.join(staticDir, file) : undefined, ...defaults]);

  if (input.controlPlane) {
    files.apiserverManifest = await first(fs, manifest('kube-apiserver', 'kube-apiserver.yaml', paths.apiserverManifest));
    files.controllerManagerManifest = await first(fs, manifest('kube-controller-manager', 'kube-controller-manager.yaml', paths.controllerManagerManifest));
    files.schedulerManifest = await first(fs, manifest('kube-scheduler', 'kube-scheduler.yaml', paths.schedulerManifest));
    files.etcdManifest = await first(fs, manifest('etcd', 'etcd.yaml', paths.etcdManifest));
    files.adminKubeconfig = await all(fs, paths.adminKubeconfig);
    const sched = c['kube-scheduler'];
    files.schedulerKubeconfig = await first(fs, uniq([sched && lastFlag(sched.flags, 'kubeconfig'), ...paths.schedulerKubeconfig]), sched?.pid);
    const cm = c['kube-controller-manager'];
    files.controllerManagerKubeconfig = await first(fs, uniq([cm && lastFlag(cm.flags, 'kubeconfig'), ...paths.controllerManagerKubeconfig]), cm?.pid);
    const pki = await first(fs, paths.pkiDir);
    files.pkiDir = pki;
    const pkiRoot = pki.found[0]?.type === 'dir' ? pki.found[0].path : undefined;
    files.pkiFiles = await all(fs, pkiRoot ? await fs.walkFiles(pkiRoot) : []);
    const cniDirs = uniq([c.kubelet && lastFlag(c.kubelet.flags, 'cni-conf-dir'), ...paths.cniDirs]);
    const cniFiles: string[] = [];
    for (const dir of cniDirs) cniFiles.push(...(await fs.walkFiles(dir, 2)));
    files.cniFiles = await all(fs, cniFiles);
  }
  const etcd = c.etcd;
  if (etcd) files.etcdDataDir = await first(fs, uniq([lastFlag(etcd.flags, 'data-dir'), ...paths.etcdDataDir]), etcd.pid);

  if (kubelet) {
    files.kubeletService = await first(fs, paths.kubeletService);
    files.kubeletKubeconfig = await first(fs, uniq([kubelet.kubeconfig, ...paths.kubeletKubeconfig]));
    if (kubelet.configFile) files.kubeletConfig = await all(fs, uniq([kubelet.configFile, ...kubelet.dropIns]));
    if (kubelet.settings.clientCAFile) files.kubeletClientCA = await first(fs, [kubelet.settings.clientCAFile]);
  }
  const proxy = c['kube-proxy'];
  if (proxy || kubelet) {
    files.proxyKubeconfig = await first(fs, uniq([input.kubeProxy?.kubeconfig, ...paths.proxyKubeconfig]), proxy?.pid);
  }
  const runtime = c.containerd ?? c.crio ?? c.dockerd;
  const runtimeSocket = runtime && (lastFlag(runtime.flags, 'address') ?? lastFlag(runtime.flags, 'a') ?? lastFlag(runtime.flags, 'listen'));
  files.runtimeSockets = await all(fs, uniq([runtimeSocket?.replace(/^unix:\/\//, ''), ...paths.runtimeSockets]));
  return files;
}
