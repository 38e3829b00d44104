// What a workload's mounted token may do that matters to an attacker: the powerful rights
// of its ServiceAccount (effective RBAC), and the impacts they add up to.
import type { ClusterView } from '../engine/types.js';
import { clusterAdminGrants, heldRights, permissionsOf, type Grant, type HeldRight } from '../rbac/effective.js';
import { mountsToken, serviceAccountOf } from '../rbac/workload-identity.js';
import type { PodTemplate } from '../workload/pod-template.js';
import type { IdentityContext, IdentityImpact, IdentityRight, Impact, ObjectRef } from './types.js';

/** Pod Security levels that refuse privileged and host-access pods. */
const ENFORCING_LEVELS = new Set(['baseline', 'restricted']);

export function refTo(o: { kind: string; metadata: { namespace?: string; name?: string } }): ObjectRef {
  const ref: ObjectRef = { kind: o.kind, name: o.metadata.name ?? '' };
  if (o.metadata.namespace) ref.namespace = o.metadata.namespace;
  return ref;
}

function rightOf(h: Pick<HeldRight, 'namespace' | 'binding' | 'role'>, right: string, label: string): IdentityRight {
  const role: IdentityRight['role'] = { kind: h.role.kind, name: h.role.name };
  if (h.role.namespace) role.namespace = h.role.namespace;
  if (h.role.builtin) role.builtin = true;
  const out: IdentityRight = { right, label, binding: refTo(h.binding), role };
  if (h.namespace !== undefined) out.namespace = h.namespace;
  return out;
}

/** Whether Pod Security admission refuses privileged pods in the namespace. */
function enforcesPodSecurity(view: ClusterView, namespace: string): boolean {
  const level = view.get('Namespace', undefined, namespace)?.metadata.labels?.['pod-security.kubernetes.io/enforce'];
  return level !== undefined && ENFORCING_LEVELS.has(level);
}

/**
 * Which rights give which impact: cluster-admin (equivalent rules, or escalate/bind/
 * impersonate cluster-wide), node takeover (creating pods where admission would let a
 * privileged one in, nodes/proxy, exec anywhere: some pod on every node is privileged),
 * Secrets (reading them).
 */
function impactOf(view: ClusterView, r: IdentityRight): Impact | undefined {
  const clusterWide = r.namespace === undefined;
  switch (r.right) {
    case 'cluster-admin':
      return clusterWide ? 'cluster-admin' : undefined;
    case 'escalate-bind-impersonate':
      return clusterWide ? 'cluster-admin' : undefined;
    case 'pod-create':
      return clusterWide || !enforcesPodSecurity(view, r.namespace!) ? 'node-takeover' : undefined;
    case 'nodes-proxy':
      return 'node-takeover';
    case 'pod-exec':
      return clusterWide ? 'node-takeover' : undefined;
    case 'secrets-read':
      return 'secrets';
    default:
      return undefined;
  }
}

const IMPACT_WORDS: Record<Impact, string> = {
  'cluster-admin': 'control of the cluster (cluster-admin-equivalent)',
  'node-takeover': 'control of nodes (privileged pods, kubelet access)',
  secrets: 'every Secret',
};

function impactsOf(view: ClusterView, rights: readonly IdentityRight[]): IdentityImpact[] {
  const byImpact = new Map<Impact, number[]>();
  rights.forEach((r, i) => {
    const impact = impactOf(view, r);
    if (!impact) return;
    const list = byImpact.get(impact);
    if (list) list.push(i);
    else byImpact.set(impact, [i]);
  });
  const order: Impact[] = ['cluster-admin', 'node-takeover', 'secrets'];
  return order
    .filter((impact) => byImpact.has(impact))
    .map((impact) => {
      const via = byImpact.get(impact)!;
      const namespaces = [...new Set(via.map((i) => rights[i]!.namespace))];
      const scope = namespaces.includes(undefined) ? 'cluster-wide' : `in namespace${namespaces.length > 1 ? 's' : ''} ${namespaces.join(', ')}`;
      const what = impact === 'secrets' && scope !== 'cluster-wide' ? 'the Secrets' : IMPACT_WORDS[impact];
      return { impact, scope, via, description: `${what} ${scope}` };
    });
}

/**
 * The ServiceAccount a template runs as and, when its token is mounted, the powerful
 * rights it holds (per binding) and their impacts; undefined without a token.
 */
export function identityContextOf(view: ClusterView, t: PodTemplate, namespace: string): IdentityContext | undefined {
  const name = serviceAccountOf(t);
  const sa = view.get('ServiceAccount', namespace, name);
  if (!mountsToken(t, sa)) return undefined;
  const { grants } = permissionsOf(view, { kind: 'ServiceAccount', namespace, name });
  const held = heldRights(grants);
  const rights = held.map((h) => rightOf(h, h.right.id, h.right.label));
  // Cluster-admin may be spelled across bindings: each contributes.
  if (!held.some((h) => h.right.id === 'cluster-admin' && h.namespace === undefined)) {
    const seen = new Set<Grant['binding']>();
    for (const g of clusterAdminGrants(grants)) {
      if (seen.has(g.binding)) continue;
      seen.add(g.binding);
      rights.push(rightOf(g, 'cluster-admin', 'part of cluster-admin-equivalent rights held across bindings'));
    }
  }
  return { serviceAccount: { kind: 'ServiceAccount', namespace, name }, rights, impacts: impactsOf(view, rights) };
}
