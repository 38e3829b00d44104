// Collects one NodeFactsDoc from a host root: processes and static pod manifests, the
// kubelet's effective configuration, file modes and owners, encryption and audit
// configuration, kernel/LSM state and listening sockets.
import {
  NODE_FACTS_SCHEMA_VERSION,
  lastFlag,
  parseArgs,
  type ComponentFacts,
  type ComponentName,
  type Flags,
  type NodeFactsDoc,
} from '@stance/shared/node/index';
import { HostFs } from './hostfs.js';
import { HostRootError } from './errors.js';
import { hostRootProblem } from './host-root.js';
import { identifyCommand, listProcesses } from './processes.js';
import { readManifestDir } from './manifests.js';
import { detectDistribution } from './distro.js';
import { k3sEmbedded, readDistConfig } from './k3s.js';
import { kubeletFacts } from './kubelet.js';
import { kubeProxyFacts, readFor } from './kube-proxy.js';
import { candidatePaths } from './paths.js';
import { collectFileRoles } from './file-roles.js';
import { parseEncryptionConfig } from './encryption.js';
import { kernelFacts } from './kernel.js';
import { listeningSockets } from './sockets.js';

export interface NodeFactsCollectorOptions {
  /** Where the host's filesystem is mounted (`/host` in the DaemonSet). */
  hostRoot: string;
  /** The node's name (NODE_NAME from the downward API); read from the host when absent. */
  nodeName?: string;
  now?: () => Date;
}

type Components = Partial<Record<ComponentName, ComponentFacts>>;

const mergeFlags = (a: Flags, b: Flags): Flags => {
  const out: Flags = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = [...(out[k] ?? []), ...v];
  return out;
};

export class NodeFactsCollector {
  constructor(private readonly options: NodeFactsCollectorOptions) {}

  async collect(): Promise<NodeFactsDoc> {
    const root = this.options.hostRoot;
    const problem = hostRootProblem(root);
    if (problem) throw new HostRootError(root, problem);
    // A fresh view per collection: /etc/passwd and /etc/group may change between runs.
    const fs = new HostFs(root);
    const warnings: string[] = [];
    const components: Components = {};

    for (const proc of await listProcesses(fs)) {
      const id = identifyCommand(proc.argv);
      if (!id || components[id.name]) continue;
      const facts: ComponentFacts = { name: id.name, source: 'process', pid: proc.pid, flags: parseArgs(id.args).flags };
      if (id.subcommand) facts.subcommand = id.subcommand;
      components[id.name] = facts;
    }

    const distribution = await detectDistribution(fs, new Set(Object.keys(components) as ComponentName[]));
    if (distribution === 'k3s') await this.addK3s(fs, components, warnings);
    if (distribution === 'rke2' && components.rke2) components.rke2.flags = mergeFlags(await readDistConfig(fs, 'rke2', warnings), components.rke2.flags);

    const kubelet = components.kubelet ? await kubeletFacts(fs, components.kubelet.flags) : null;
    if (kubelet) warnings.push(...kubelet.configErrors);

    const paths = candidatePaths(distribution);
    const manifestDirs = [...new Set([...paths.manifestDirs, ...(kubelet?.settings.staticPodPath ? [kubelet.settings.staticPodPath] : [])])];
    for (const dir of manifestDirs) {
      for (const m of await readManifestDir(fs, dir, warnings)) {
        const existing = components[m.name];
        if (existing) existing.manifestPath ??= m.path;
        else components[m.name] = { name: m.name, source: 'manifest', manifestPath: m.path, flags: m.flags };
      }
    }

    const kubeProxy = components['kube-proxy'] ? await kubeProxyFacts(fs, components['kube-proxy'], warnings) : null;
    const roles = {
      controlPlane: Boolean(components['kube-apiserver'] || components['kube-controller-manager'] || components['kube-scheduler']),
      etcd: Boolean(components.etcd),
      worker: Boolean(components.kubelet),
    };
    const files = await collectFileRoles(fs, { distribution, components, controlPlane: roles.controlPlane, kubelet, kubeProxy });

    const api = components['kube-apiserver'];
    const encPath = api && lastFlag(api.flags, 'encryption-provider-config');
    const encryption = encPath ? parseEncryptionConfig(encPath, await readFor(fs, encPath, api.pid)) : null;
    const auditPath = api && lastFlag(api.flags, 'audit-policy-file');
    const auditPolicy = auditPath ? { path: auditPath, exists: (await readFor(fs, auditPath, api.pid)) !== undefined } : null;

    return {
      schemaVersion: NODE_FACTS_SCHEMA_VERSION,
      collectedAt: (this.options.now?.() ?? new Date()).toISOString(),
      nodeName: await this.nodeName(fs, kubelet?.settings.hostnameOverride ?? null),
      distribution,
      roles,
      components,
      kubelet,
      kubeProxy,
      files,
      encryption,
      auditPolicy,
      kernel: await kernelFacts(fs),
      listening: await listeningSockets(fs),
      warnings,
    };
  }

  /** k3s: merge config.yaml with the command line and rebuild the embedded components. */
  private async addK3s(fs: HostFs, components: Components, warnings: string[]): Promise<void> {
    const proc = components.k3s;
    const subcommand = proc?.subcommand ?? ((await fs.exists('/var/lib/rancher/k3s/server')) ? 'server' : 'agent');
    const flags = mergeFlags(await readDistConfig(fs, 'k3s', warnings), proc?.flags ?? {});
    if (proc) proc.flags = flags;
    else components.k3s = { name: 'k3s', source: 'embedded', subcommand, flags };
    for (const [name, embeddedFlags] of Object.entries(await k3sEmbedded(fs, flags, subcommand))) {
      const key = name as ComponentName;
      if (components[key]) continue; // a separately running process (external etcd) is the truth
      components[key] = { name: key, source: 'embedded', flags: embeddedFlags! };
    }
  }

  private async nodeName(fs: HostFs, hostnameOverride: string | null): Promise<string> {
    const fromFile = async (p: string) => (await fs.readVirtual(p))?.trim().split('\n')[0]?.trim() || undefined;
    return (
      this.options.nodeName ||
      hostnameOverride ||
      (await fromFile('/etc/hostname')) ||
      (await fromFile('/proc/sys/kernel/hostname')) ||
      'unknown'
    ).toLowerCase();
  }
}
