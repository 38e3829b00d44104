// Pod controls: one file per control (or tight group), each holding its data beside its
// check. They apply to every pod-bearing kind through the workload helpers.
import type { Control } from '../../engine/types.js';
import { apparmorUnconfined } from './apparmor.js';
import { capabilitiesAdded, capabilitiesNotDropped, dangerousCapabilities } from './capabilities.js';
import { defaultNamespace } from './default-namespace.js';
import { hostIpc, hostNetwork, hostPid } from './host-namespaces.js';
import { hostPath, runtimeSocketMount } from './host-path.js';
import { hostPorts } from './host-ports.js';
import { hostProbes } from './host-probes.js';
import { imageRegistry, imageTag } from './image.js';
import { nakedPod } from './naked.js';
import { privilegeEscalation } from './privilege-escalation.js';
import { privileged } from './privileged.js';
import { livenessProbe, readinessProbe } from './probes.js';
import { procMount, procMountRestricted } from './proc-mount.js';
import { resourceLimits, resourceRequests } from './resources.js';
import { runAsRoot, runAsUid0 } from './run-as.js';
import { seccompMissing, seccompUnconfined } from './seccomp.js';
import { secretInEnv } from './secret-in-env.js';
import { selinuxOptions } from './selinux.js';
import { automountSaToken, defaultServiceAccount } from './service-account.js';
import { unsafeSysctls } from './sysctls.js';
import { volumeTypes } from './volume-types.js';
import { windowsHostProcess } from './windows-host-process.js';
import { writableRootFs } from './writable-root-fs.js';

export const podControls: Control[] = [
  privileged,
  hostPid,
  hostIpc,
  hostNetwork,
  hostPath,
  runtimeSocketMount,
  hostPorts,
  capabilitiesAdded,
  capabilitiesNotDropped,
  dangerousCapabilities,
  privilegeEscalation,
  runAsRoot,
  runAsUid0,
  seccompUnconfined,
  seccompMissing,
  apparmorUnconfined,
  selinuxOptions,
  procMount,
  procMountRestricted,
  unsafeSysctls,
  windowsHostProcess,
  hostProbes,
  volumeTypes,
  writableRootFs,
  resourceLimits,
  resourceRequests,
  livenessProbe,
  readinessProbe,
  imageTag,
  imageRegistry,
  automountSaToken,
  defaultServiceAccount,
  defaultNamespace,
  secretInEnv,
  nakedPod,
];
