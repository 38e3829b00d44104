// Resolves what a binding grants: its roleRef's rules, including ClusterRoles aggregated
// by label selector, each rule remembered with the role and index it came from so
// findings can point at it. Reads go through the caller's view (recorded by the engine).
import { lookupIn } from '../engine/lookup.js';
import type { ClusterView, LookupIndex } from '../engine/types.js';
import type { KubeObject } from '../model/object.js';
import { listInNamespace } from '../network/same-namespace.js';
import { safeMatchesSelector, type LabelSelector } from '../network/selector.js';
import { DEFAULT_CLUSTER_ROLES } from './defaults.js';
import { rulesOf } from './rules.js';
import { roleRefOf } from './subjects.js';
import type { PolicyRule } from './types.js';

export interface SourcedRule {
  rule: PolicyRule;
  /** Index in the `rules` of the role it came from. */
  index: number;
  /** "ClusterRole/edit" */
  from: string;
  /** True when the rule is the role's own (not aggregated from another ClusterRole). */
  own: boolean;
}

export interface ResolvedRole {
  kind: 'Role' | 'ClusterRole';
  name: string;
  namespace?: string;
  /** Absent when the rules come from the built-in defaults (role not in the view). */
  object?: KubeObject;
  rules: SourcedRule[];
}

function selectorsOf(role: KubeObject): LabelSelector[] {
  const agg = role.aggregationRule as { clusterRoleSelectors?: unknown } | undefined;
  return Array.isArray(agg?.clusterRoleSelectors) ? (agg.clusterRoleSelectors as LabelSelector[]) : [];
}

export function isAggregated(role: KubeObject): boolean {
  return role.kind === 'ClusterRole' && selectorsOf(role).length > 0;
}

/** Whether `aggregator`'s aggregationRule selects `role`. */
export function aggregates(aggregator: KubeObject, role: KubeObject): boolean {
  if (aggregator === role || aggregator.metadata.name === role.metadata.name) return false;
  return selectorsOf(aggregator).some((sel) => safeMatchesSelector(sel, role.metadata.labels));
}

const labelKey = (k: string, v: string) => `${k}\u0001${v}`;

/** ClusterRoles by each of their label pairs: aggregation selectors look candidates up by one. */
export const CLUSTER_ROLES_BY_LABEL: LookupIndex = {
  id: 'rbac.cluster-roles-by-label',
  keysOf: (r) => Object.entries(r.metadata.labels ?? {}).map(([k, v]) => labelKey(k, v)),
};

/** One matchLabels pair every role the selector matches carries, if the selector has one. */
function requiredPair(sel: unknown): string | undefined {
  if (typeof sel !== 'object' || sel === null) return undefined;
  const labels = (sel as LabelSelector).matchLabels;
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return undefined;
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') return labelKey(k, v);
  return undefined;
}

const BUILTIN_ROLES: ReadonlySet<KubeObject> = new Set(Object.values(DEFAULT_CLUSTER_ROLES));

/**
 * The ClusterRoles `aggregator` pulls in: those of the view its selectors match (looked up
 * by a label pair when a selector has one, so a ClusterRole change reaches only the
 * aggregators that could select it), and the built-in defaults the view lacks.
 */
function aggregatedBy(view: ClusterView, aggregator: KubeObject): KubeObject[] {
  const out = new Set<KubeObject>();
  for (const sel of selectorsOf(aggregator)) {
    const pair = requiredPair(sel);
    const candidates = pair ? lookupIn(view, 'ClusterRole', CLUSTER_ROLES_BY_LABEL, pair) : view.list('ClusterRole');
    for (const c of candidates) if (aggregates(aggregator, c)) out.add(c);
    for (const builtin of BUILTIN_ROLES) {
      if (!safeMatchesSelector(sel, builtin.metadata.labels) || builtin.metadata.name === aggregator.metadata.name) continue;
      if (!view.get('ClusterRole', undefined, builtin.metadata.name!)) out.add(builtin);
    }
  }
  return [...out];
}

/**
 * A role's effective rules: its own, plus (for an aggregated ClusterRole) those of every
 * ClusterRole its selectors match, transitively. In a live cluster the controller has
 * already copied them into `rules` (duplicates are harmless); in manifests it has not.
 */
export function effectiveRules(view: ClusterView, role: KubeObject): SourcedRule[] {
  const out: SourcedRule[] = [];
  const visited = new Set<string>();
  const visit = (r: KubeObject, own: boolean) => {
    const id = `${r.kind}/${r.metadata.name}`;
    if (visited.has(id)) return;
    visited.add(id);
    const from = BUILTIN_ROLES.has(r) ? `${id} (built-in)` : id;
    rulesOf(r.rules).forEach((rule, index) => out.push({ rule, index, from, own }));
    if (!isAggregated(r)) return;
    for (const candidate of aggregatedBy(view, r)) visit(candidate, false);
  };
  visit(role, true);
  return out;
}

/** What the binding's roleRef grants, or undefined when the role is nowhere to be found. */
export function resolveRoleRef(view: ClusterView, binding: KubeObject): ResolvedRole | undefined {
  const ref = roleRefOf(binding);
  if (!ref) return undefined;
  // A RoleBinding may refer to a ClusterRole; a ClusterRoleBinding only to ClusterRoles.
  if (ref.kind === 'Role') {
    if (binding.kind !== 'RoleBinding') return undefined;
    const ns = binding.metadata.namespace;
    const role = view.get('Role', ns, ref.name);
    return role ? { kind: 'Role', name: ref.name, namespace: ns, object: role, rules: effectiveRules(view, role) } : undefined;
  }
  const role = view.get('ClusterRole', undefined, ref.name);
  if (role) return { kind: 'ClusterRole', name: ref.name, object: role, rules: effectiveRules(view, role) };
  const builtin = Object.prototype.hasOwnProperty.call(DEFAULT_CLUSTER_ROLES, ref.name) ? DEFAULT_CLUSTER_ROLES[ref.name] : undefined;
  if (!builtin) return undefined;
  return { kind: 'ClusterRole', name: ref.name, rules: effectiveRules(view, builtin) };
}

/**
 * Whether anything grants the role: a binding whose roleRef names it, or (ClusterRole)
 * an aggregated ClusterRole that pulls its rules in.
 */
export function isBound(view: ClusterView, role: KubeObject): boolean {
  const name = role.metadata.name;
  const refersTo = (b: KubeObject, kind: string) => {
    const ref = roleRefOf(b);
    return ref?.kind === kind && ref.name === name;
  };
  if (role.kind === 'Role') return listInNamespace(view, 'RoleBinding', role.metadata.namespace).some((b) => refersTo(b, 'Role'));
  if (view.list('ClusterRoleBinding').some((b) => refersTo(b, 'ClusterRole'))) return true;
  if (view.list('RoleBinding').some((b) => refersTo(b, 'ClusterRole'))) return true;
  if (view.list('ClusterRole').some((agg) => aggregates(agg, role))) return true;
  // admin, edit and view exist in every cluster: a role labelled aggregate-to-edit is part of
  // edit whether or not the view holds edit, as effectiveRules resolves it.
  for (const builtin of BUILTIN_ROLES) {
    if (aggregates(builtin, role) && !view.get('ClusterRole', undefined, builtin.metadata.name!)) return true;
  }
  return false;
}
