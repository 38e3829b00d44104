// kube-proxy: its kubeconfig and metrics bind address, from flags or its --config file
// (KubeProxyConfiguration; when given, the file's values take precedence).
import { parse as parseYaml } from 'yaml';
import { lastFlag, type ComponentFacts, type KubeProxyFacts } from '@stance/shared/node/index';
import type { HostFs } from './hostfs.js';

/** Reads a file a component names, inside its container's root first. */
export async function readFor(fs: HostFs, hostPath: string, pid?: number): Promise<string | undefined> {
  if (pid !== undefined) {
    const inside = await fs.readText(`/proc/${pid}/root${hostPath}`);
    if (inside !== undefined) return inside;
  }
  return fs.readText(hostPath);
}

export async function kubeProxyFacts(fs: HostFs, proxy: ComponentFacts, warnings: string[]): Promise<KubeProxyFacts> {
  const configFile = lastFlag(proxy.flags, 'config') ?? null;
  let kubeconfig = lastFlag(proxy.flags, 'kubeconfig') ?? null;
  let metricsBindAddress = lastFlag(proxy.flags, 'metrics-bind-address') ?? null;
  if (configFile) {
    const text = await readFor(fs, configFile, proxy.pid);
    if (text === undefined) warnings.push(`${configFile}: kube-proxy config not readable`);
    else {
      try {
        const cfg = parseYaml(text) as { metricsBindAddress?: unknown; clientConnection?: { kubeconfig?: unknown } } | null;
        if (typeof cfg?.metricsBindAddress === 'string' && cfg.metricsBindAddress) metricsBindAddress = cfg.metricsBindAddress;
        const kc = cfg?.clientConnection?.kubeconfig;
        if (typeof kc === 'string' && kc) kubeconfig = kc;
      } catch (err) {
        warnings.push(`${configFile}: kube-proxy config is not YAML (${(err as Error).message.split('\n')[0]})`);
      }
    }
  }
  return { configFile, kubeconfig, metricsBindAddress };
}
