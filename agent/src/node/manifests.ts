// Static pod manifests of control-plane components (kubeadm: /etc/kubernetes/manifests,
// rke2: /var/lib/rancher/rke2/agent/pod-manifests): the command and args of each
// container, so a component is known even when its process is not visible.
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseArgs, type ComponentName, type Flags } from '@stance/shared/node/index';
import type { HostFs } from './hostfs.js';
import { identifyCommand } from './processes.js';

export interface ManifestComponent {
  name: ComponentName;
  path: string;
  flags: Flags;
}

interface PodLike {
  kind?: string;
  spec?: { containers?: { command?: unknown; args?: unknown }[] };
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export async function readManifestDir(fs: HostFs, dir: string, warnings: string[]): Promise<ManifestComponent[]> {
  const out: ManifestComponent[] = [];
  for (const file of await fs.list(dir)) {
    if (!/\.(ya?ml|json)$/.test(file)) continue;
    const hostPath = path.posix.join(dir, file);
    const text = await fs.readText(hostPath);
    if (text === undefined) continue;
    let docs;
    try {
      docs = parseAllDocuments(text).map((d) => d.toJS() as PodLike);
    } catch (err) {
      warnings.push(`${hostPath}: not YAML (${(err as Error).message.split('\n')[0]})`);
      continue;
    }
    for (const pod of docs) {
      for (const c of pod?.spec?.containers ?? []) {
        const argv = [...strings(c.command), ...strings(c.args)];
        // `command: [/bin/sh, -c, "kube-apiserver ..."]` wrappers are unwrapped once.
        const shell = argv.length === 3 && /(^|\/)(ba)?sh$/.test(argv[0]!) && argv[1] === '-c' ? argv[2]!.split(/\s+/) : argv;
        const id = identifyCommand(shell);
        if (!id || id.name === 'k3s' || id.name === 'rke2') continue;
        out.push({ name: id.name, path: hostPath, flags: parseArgs(id.args).flags });
      }
    }
  }
  return out;
}
