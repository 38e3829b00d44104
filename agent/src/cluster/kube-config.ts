import { KubeConfig } from '@kubernetes/client-node';

/** A kubeconfig file when given, else KUBECONFIG, ~/.kube/config or the in-cluster config. */
export function loadKubeConfig(file: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  if (file) kc.loadFromFile(file);
  else kc.loadFromDefault();
  return kc;
}
