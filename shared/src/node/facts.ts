// The node facts document: what the node agent reads from one host (processes, kubelet
// configuration, file modes and owners, kernel and LSM state, listening sockets) and the
// node checks evaluate. It holds configuration fields only: never key or token bytes,
// never the values of secret-bearing flags (their presence is kept as REDACTED).

/** Bumped when a field changes meaning; readers reject documents newer than they know. */
export const NODE_FACTS_SCHEMA_VERSION = 1;

/** The value that stands in for a secret flag value: the flag was set, its value is not kept. */
export const REDACTED = '[redacted]';

export type Distribution = 'kubeadm' | 'eks' | 'gke' | 'aks' | 'k3s' | 'rke2' | 'unknown';

/** Distributions whose control plane the cloud runs: only worker checks apply. */
export const MANAGED_DISTRIBUTIONS: readonly Distribution[] = ['eks', 'gke', 'aks'];

export type ComponentName =
  | 'kubelet'
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'etcd'
  | 'kube-proxy'
  | 'containerd'
  | 'crio'
  | 'dockerd'
  | 'k3s'
  | 'rke2';

/** Parsed arguments: flag name (without dashes) → every value given, in order. */
export type Flags = Record<string, string[]>;

export interface ComponentFacts {
  name: ComponentName;
  /**
   * Where the arguments come from: a running process, a static pod manifest (the process
   * was not visible), or `embedded` (k3s runs it in-process: distribution defaults plus
   * the `--<component>-arg` overrides).
   */
  source: 'process' | 'manifest' | 'embedded';
  pid?: number;
  /** Path of the static pod manifest that declares the component, when there is one. */
  manifestPath?: string;
  /** k3s/rke2: `server` or `agent`. */
  subcommand?: string;
  flags: Flags;
}

export type FileType = 'file' | 'dir' | 'symlink' | 'socket' | 'other';

export interface FileFacts {
  /** Path on the host (without the host-root prefix). */
  path: string;
  type: FileType;
  /** Permission bits (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  /** Names from the host's /etc/passwd and /etc/group; absent when the id has no entry. */
  user?: string;
  group?: string;
}

/** Files the CIS checks name. A role lists the candidates tried and what was found. */
export type FileRole =
  | 'apiserverManifest'
  | 'controllerManagerManifest'
  | 'schedulerManifest'
  | 'etcdManifest'
  | 'adminKubeconfig'
  | 'schedulerKubeconfig'
  | 'controllerManagerKubeconfig'
  | 'pkiDir'
  | 'pkiFiles'
  | 'etcdDataDir'
  | 'cniFiles'
  | 'kubeletService'
  | 'kubeletKubeconfig'
  | 'kubeletConfig'
  | 'kubeletClientCA'
  | 'proxyKubeconfig'
  | 'runtimeSockets';

export interface FileGroup {
  /** Paths looked at (first existing wins for single-file roles). */
  candidates: string[];
  found: FileFacts[];
}

export type SettingSource = 'flag' | 'config' | 'default';

/** The kubelet settings the checks read, after merging defaults, config file, drop-ins and flags. */
export interface KubeletSettings {
  anonymousAuth: boolean;
  webhookAuthentication: boolean;
  authorizationMode: string;
  clientCAFile: string | null;
  readOnlyPort: number;
  streamingConnectionIdleTimeout: string;
  protectKernelDefaults: boolean;
  makeIPTablesUtilChains: boolean;
  hostnameOverride: string | null;
  eventRecordQPS: number;
  tlsCertFile: string | null;
  tlsPrivateKeyFile: string | null;
  rotateCertificates: boolean;
  serverTLSBootstrap: boolean;
  featureGates: Record<string, boolean>;
  tlsCipherSuites: string[];
  podPidsLimit: number;
  staticPodPath: string | null;
}

export interface KubeletFacts {
  /** `--config` file, when given. */
  configFile: string | null;
  /** `--config-dir` drop-ins read, in merge order. */
  dropIns: string[];
  kubeconfig: string | null;
  settings: KubeletSettings;
  sources: Record<keyof KubeletSettings, SettingSource>;
  /** Why a configuration file could not be used (unreadable, not YAML), if so. */
  configErrors: string[];
}

export interface KubeProxyFacts {
  configFile: string | null;
  kubeconfig: string | null;
  metricsBindAddress: string | null;
}

export interface EncryptionFacts {
  path: string;
  readable: boolean;
  error?: string;
  /** One entry per `resources[]` rule: resource names and provider names in order. */
  rules: { resources: string[]; providers: string[] }[];
}

export interface KernelFacts {
  osRelease: { id: string | null; versionId: string | null; prettyName: string | null };
  kernelVersion: string | null;
  /** Active LSMs from /sys/kernel/security/lsm; null when unreadable. */
  lsms: string[] | null;
  apparmor: { enabled: boolean | null; profiles: number | null };
  selinux: { enforcing: boolean | null };
  seccomp: { available: boolean | null };
  cgroupVersion: 1 | 2 | null;
  /** Security-relevant sysctls (dotted names); an unreadable one is absent. */
  sysctls: Record<string, string>;
}

export interface ListeningSocket {
  proto: 'tcp' | 'tcp6';
  address: string;
  port: number;
}

export interface NodeFactsDoc {
  schemaVersion: typeof NODE_FACTS_SCHEMA_VERSION;
  /** ISO time of collection; left out of the content hash. */
  collectedAt: string;
  nodeName: string;
  distribution: Distribution;
  roles: { controlPlane: boolean; etcd: boolean; worker: boolean };
  components: Partial<Record<ComponentName, ComponentFacts>>;
  kubelet: KubeletFacts | null;
  kubeProxy: KubeProxyFacts | null;
  files: Partial<Record<FileRole, FileGroup>>;
  encryption: EncryptionFacts | null;
  auditPolicy: { path: string; exists: boolean } | null;
  kernel: KernelFacts;
  /** Listening sockets of the host network namespace; null when /proc/1/net was unreadable. */
  listening: ListeningSocket[] | null;
  /** Problems met while collecting (unreadable files), for the operator. */
  warnings: string[];
}
