// The fake hosts by name, for tests and the demo: `tsx devcluster/src/hostroot/make.ts NAME`.
import type { HostRootBuilder } from './builder.js';
import { kubeadmControlPlane } from './kubeadm.js';
import { k3sServer } from './k3s.js';
import { workerConfigFile, workerFlags } from './workers.js';

export const HOST_SCENARIOS = {
  'cp-good': () => kubeadmControlPlane(true),
  'cp-bad': () => kubeadmControlPlane(false),
  'worker-cfg': workerConfigFile,
  'worker-flags': workerFlags,
  'k3s-1': k3sServer,
} as const satisfies Record<string, () => Promise<HostRootBuilder>>;

export type HostScenario = keyof typeof HOST_SCENARIOS;

export function isHostScenario(name: string): name is HostScenario {
  return Object.hasOwn(HOST_SCENARIOS, name);
}
