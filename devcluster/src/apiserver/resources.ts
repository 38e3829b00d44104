// The resources the test server serves, derived from WATCHED_KINDS (the source of
// truth) plus what discovery needs for kubectl: short names, verbs, categories.
import { WATCHED_KINDS, type KindInfo } from '@stance/shared/model/index';

export interface ResourceInfo extends KindInfo {
  group: string;
  version: string;
  singular: string;
  shortNames: string[];
  categories: string[];
}

/** kubectl's short names (from the upstream API server's discovery). */
const SHORT_NAMES: Record<string, string[]> = {
  namespaces: ['ns'],
  nodes: ['no'],
  pods: ['po'],
  replicationcontrollers: ['rc'],
  services: ['svc'],
  serviceaccounts: ['sa'],
  configmaps: ['cm'],
  persistentvolumes: ['pv'],
  persistentvolumeclaims: ['pvc'],
  limitranges: ['limits'],
  resourcequotas: ['quota'],
  deployments: ['deploy'],
  replicasets: ['rs'],
  statefulsets: ['sts'],
  daemonsets: ['ds'],
  cronjobs: ['cj'],
  ingresses: ['ing'],
  networkpolicies: ['netpol'],
  poddisruptionbudgets: ['pdb'],
  events: ['ev'],
};

/** Members of `kubectl get all`, as upstream. */
const IN_ALL = new Set([
  'pods', 'replicationcontrollers', 'services', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs',
]);

export const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] as const;

function toInfo(k: KindInfo): ResourceInfo {
  const slash = k.apiVersion.indexOf('/');
  return {
    ...k,
    group: slash < 0 ? '' : k.apiVersion.slice(0, slash),
    version: slash < 0 ? k.apiVersion : k.apiVersion.slice(slash + 1),
    singular: k.kind.toLowerCase(),
    shortNames: SHORT_NAMES[k.plural] ?? [],
    categories: IN_ALL.has(k.plural) ? ['all'] : [],
  };
}

/** Served though Stance does not watch them: `kubectl describe` reads Events. */
const EXTRA_KINDS: readonly KindInfo[] = [{ apiVersion: 'v1', kind: 'Event', plural: 'events', namespaced: true }];

/**
 * Kinds a cluster has only once their CRDs are installed (Prometheus Operator,
 * cert-manager). A server serves them when asked (`extraKinds`), so a chart's optional
 * objects can be installed against it.
 */
export const OPTIONAL_KINDS: readonly KindInfo[] = [
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', plural: 'servicemonitors', namespaced: true },
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', plural: 'prometheusrules', namespaced: true },
  { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', plural: 'certificates', namespaced: true },
  { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', plural: 'issuers', namespaced: true },
];

/** The resources one server serves: the built-in ones plus any extra kinds. */
export class ResourceRegistry {
  readonly all: readonly ResourceInfo[];
  private readonly byPath: Map<string, ResourceInfo>;
  private readonly byKind: Map<string, ResourceInfo>;
  private readonly byApiVersionKind: Map<string, ResourceInfo>;

  constructor(extraKinds: readonly KindInfo[] = []) {
    this.all = [...WATCHED_KINDS, ...EXTRA_KINDS, ...extraKinds].map(toInfo);
    this.byPath = new Map(this.all.map((r) => [`${r.apiVersion}/${r.plural}`, r]));
    this.byKind = new Map(this.all.map((r) => [r.kind, r]));
    this.byApiVersionKind = new Map(this.all.map((r) => [`${r.apiVersion}/${r.kind}`, r]));
  }

  /** The resource at `/api/v1/<plural>` (group '') or `/apis/<group>/<version>/<plural>`. */
  resourceByPath(group: string, version: string, plural: string): ResourceInfo | undefined {
    return this.byPath.get(`${group ? `${group}/` : ''}${version}/${plural}`);
  }

  /** By kind name ("Pod") or by apiVersion and kind. */
  resourceByKind(kind: string, apiVersion?: string): ResourceInfo | undefined {
    return apiVersion ? this.byApiVersionKind.get(`${apiVersion}/${kind}`) : this.byKind.get(kind);
  }

  /** Group/version pairs in serving order (legacy core group first). */
  groupVersions(): { group: string; version: string }[] {
    const seen = new Map<string, { group: string; version: string }>();
    for (const r of this.all) seen.set(r.apiVersion, { group: r.group, version: r.version });
    return [...seen.values()];
  }
}

/** The built-in resources (every server serves them). */
export const DEFAULT_RESOURCES = new ResourceRegistry();
export const RESOURCES: readonly ResourceInfo[] = DEFAULT_RESOURCES.all;

export function resourceByPath(group: string, version: string, plural: string): ResourceInfo | undefined {
  return DEFAULT_RESOURCES.resourceByPath(group, version, plural);
}

export function resourceByKind(kind: string, apiVersion?: string): ResourceInfo | undefined {
  return DEFAULT_RESOURCES.resourceByKind(kind, apiVersion);
}
