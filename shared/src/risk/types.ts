// The risk model as data: what a workload's surroundings are (its context), the attack
// paths through it, and the risk of a failing outcome with the factors that make it.
// Contexts hold references, never objects: they are kept per workload by the tracker.
export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}

/** How outside traffic first gets in. */
export type EntryVia = 'load-balancer' | 'node-port' | 'external-ip' | 'ingress' | 'host-network' | 'host-port';

/**
 * How a step is reached from the one before it; the first step's relation is the way in
 * (an EntryVia). Ingress `routes-to` Service, Service `selects` workload, workload
 * `runs-as` ServiceAccount, ServiceAccount `bound-by` binding, binding `grants` role.
 */
export type StepRelation = EntryVia | 'routes-to' | 'selects' | 'runs-as' | 'bound-by' | 'grants';

export interface PathStep extends ObjectRef {
  relation: StepRelation;
}

/** What an attacker at the end of a path holds. */
export type Impact = 'cluster-admin' | 'node-takeover' | 'secrets';

export interface AttackPath {
  /** Stable: the impact and the steps. */
  id: string;
  steps: PathStep[];
  impact: Impact;
  /** 0–100: the impact's points plus the entry's (risk/README.md). */
  score: number;
  /** One line: "Ingress legacy/billing → … → ClusterRole x: cluster-admin-equivalent". */
  description: string;
}

/** One way in to a workload from outside the cluster. */
export interface Entry {
  via: EntryVia;
  /** The objects traffic passes before the workload, outermost first (none for host-network/host-port). */
  steps: PathStep[];
  /** "Service legacy/billing: type NodePort opens a port on every node" */
  detail: string;
  /** A LoadBalancer limited by source ranges: a narrower way in. */
  restricted: boolean;
  /** False when the workload's ingress NetworkPolicies keep this traffic out. */
  admitted: boolean;
}

export interface HostAccess {
  /** "privileged container app", "hostPID", "hostPath /var/run/docker.sock" */
  detail: string;
  /** Enough on its own to take the node over (not hostNetwork nor a read-only harmless path). */
  takeover: boolean;
}

/** A powerful right the workload's token holds through one binding. */
export interface IdentityRight {
  /** Right id (rbac/rights.ts): cluster-admin, secrets-read, pod-create, pod-exec, escalate-bind-impersonate, nodes-proxy. */
  right: string;
  label: string;
  /** Where it applies; absent: cluster-wide. */
  namespace?: string;
  binding: ObjectRef;
  role: ObjectRef & { builtin?: boolean };
}

export interface IdentityImpact {
  impact: Impact;
  /** "cluster-wide" or "in namespace x" */
  scope: string;
  /** Indexes into IdentityContext.rights of the grants that give it. */
  via: number[];
  description: string;
}

export interface IdentityContext {
  serviceAccount: ObjectRef;
  rights: IdentityRight[];
  impacts: IdentityImpact[];
}

/** Everything the risk of a workload (and of what it links to) depends on. */
export interface WorkloadContext {
  subject: ObjectRef;
  entries: Entry[];
  host: HostAccess[];
  /** Absent when no token is mounted. */
  identity?: IdentityContext;
  /** Every pod may connect to it (no ingress isolation, or host network). */
  ingressOpen: boolean;
  /** It may connect anywhere (no egress isolation, or host network). */
  egressOpen: boolean;
  paths: AttackPath[];
}

export type ContextFactorId =
  | 'exposed'
  | 'attack-path'
  | 'cluster-admin'
  | 'host-access'
  | 'powerful-identity'
  | 'reaches-secrets'
  | 'lateral-reachable'
  | 'egress-open';

export type RiskFactorId = 'severity' | ContextFactorId;

export interface RiskFactor {
  id: RiskFactorId;
  description: string;
  /** Points added to the score; the factors' weights sum to the score (capped at 100). */
  weight: number;
}

export interface Risk {
  score: number;
  factors: RiskFactor[];
}

/** The context facts that hold for one subject: factor id → why. */
export type Facts = Partial<Record<ContextFactorId, string>>;
