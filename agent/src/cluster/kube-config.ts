import { KubeConfig } from '@kubernetes/client-node';
import { ConfigError } from '@stance/shared/config/index';

/**
 * A kubeconfig file when given, else KUBECONFIG, ~/.kube/config or the in-cluster config.
 * A file that cannot be read or parsed is a ConfigError, so the CLI names the flag and exits 2
 * instead of dying with client-node's stack trace.
 */
export function loadKubeConfig(file: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  if (!file) {
    kc.loadFromDefault();
    return kc;
  }
  try {
    kc.loadFromFile(file);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConfigError('--kubeconfig / KUBECONFIG', `${file}: ${reason}`);
  }
  return kc;
}
