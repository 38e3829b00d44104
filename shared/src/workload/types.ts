// The parts of a PodSpec that controls read. Objects stay plain JSON from the API server
// or a manifest, so every field is optional and may hold anything: checks guard types.

export interface SecurityContextLike {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  procMount?: string;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string; localhostProfile?: string };
  appArmorProfile?: { type?: string; localhostProfile?: string };
  seLinuxOptions?: { type?: string; user?: string; role?: string; level?: string };
  windowsOptions?: { hostProcess?: boolean };
  sysctls?: { name?: string; value?: string }[];
  [key: string]: unknown;
}

export interface HandlerLike {
  httpGet?: { host?: string; port?: unknown; path?: string };
  tcpSocket?: { host?: string; port?: unknown };
  exec?: unknown;
  grpc?: unknown;
  [key: string]: unknown;
}

export interface EnvVarLike {
  name?: string;
  value?: string;
  valueFrom?: unknown;
}

export interface ContainerLike {
  name?: string;
  image?: string;
  securityContext?: SecurityContextLike;
  ports?: { containerPort?: number; hostPort?: number; protocol?: string; name?: string }[];
  env?: EnvVarLike[];
  resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> };
  livenessProbe?: HandlerLike;
  readinessProbe?: HandlerLike;
  startupProbe?: HandlerLike;
  lifecycle?: { postStart?: HandlerLike; preStop?: HandlerLike };
  /** `Always` on an init container makes it a sidecar (runs for the Pod's lifetime). */
  restartPolicy?: string;
  [key: string]: unknown;
}

export interface VolumeLike {
  name?: string;
  hostPath?: { path?: string; type?: string };
  [key: string]: unknown;
}

export interface PodSpecLike {
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  ephemeralContainers?: ContainerLike[];
  volumes?: VolumeLike[];
  securityContext?: SecurityContextLike;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  hostUsers?: boolean;
  os?: { name?: string };
  serviceAccountName?: string;
  /** Deprecated alias of serviceAccountName, still honoured by the API server. */
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  restartPolicy?: string;
  [key: string]: unknown;
}
