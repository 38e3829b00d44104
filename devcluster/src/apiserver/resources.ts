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

export const RESOURCES: readonly ResourceInfo[] = [...WATCHED_KINDS, ...EXTRA_KINDS].map(toInfo);

const byPath = new Map<string, ResourceInfo>(RESOURCES.map((r) => [`${r.apiVersion}/${r.plural}`, r]));
const byKind = new Map<string, ResourceInfo>(RESOURCES.map((r) => [r.kind, r]));
const byApiVersionKind = new Map<string, ResourceInfo>(RESOURCES.map((r) => [`${r.apiVersion}/${r.kind}`, r]));

/** The resource at `/api/v1/<plural>` (group '') or `/apis/<group>/<version>/<plural>`. */
export function resourceByPath(group: string, version: string, plural: string): ResourceInfo | undefined {
  return byPath.get(`${group ? `${group}/` : ''}${version}/${plural}`);
}

/** By kind name ("Pod") or by apiVersion and kind. */
export function resourceByKind(kind: string, apiVersion?: string): ResourceInfo | undefined {
  return apiVersion ? byApiVersionKind.get(`${apiVersion}/${kind}`) : byKind.get(kind);
}

/** Group/version pairs in serving order (legacy core group first). */
export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of RESOURCES) seen.set(r.apiVersion, { group: r.group, version: r.version });
  return [...seen.values()];
}
