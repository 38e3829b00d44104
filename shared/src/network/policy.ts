// NetworkPolicy semantics Stance needs: which policy types a policy has and whether it
// selects a pod's labels (policies only ever select pods in their own namespace).
import type { KubeObject } from '../model/object.js';
import { safeMatchesSelector, type LabelSelector } from './selector.js';

export type PolicyType = 'Ingress' | 'Egress';

interface PolicySpec {
  podSelector?: LabelSelector;
  policyTypes?: string[];
  egress?: unknown[];
}

function specOf(policy: KubeObject): PolicySpec {
  const spec = policy.spec;
  return typeof spec === 'object' && spec !== null ? (spec as PolicySpec) : {};
}

/**
 * spec.policyTypes, or the API default when absent: Ingress always, Egress when the
 * policy has egress rules.
 */
export function policyTypesOf(policy: KubeObject): PolicyType[] {
  const spec = specOf(policy);
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) {
    return spec.policyTypes.filter((t): t is PolicyType => t === 'Ingress' || t === 'Egress');
  }
  return Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** Whether the policy's podSelector selects pods with these labels (empty selector: all). */
export function policySelects(policy: KubeObject, podLabels: Record<string, string> | undefined): boolean {
  return safeMatchesSelector(specOf(policy).podSelector ?? {}, podLabels, true);
}

export interface Isolation {
  ingress: KubeObject[];
  egress: KubeObject[];
}

interface CompiledPolicy {
  policy: KubeObject;
  ingress: boolean;
  egress: boolean;
  /** matchLabels pairs of a plain selector; undefined: use the general matcher. */
  pairs: [string, unknown][] | undefined;
}

const compiledLists = new WeakMap<readonly KubeObject[], CompiledPolicy[]>();

/**
 * The policies of a list with their types and (for the common matchLabels-only
 * selector) their label pairs, memoised on the list's identity: every pod of a namespace
 * is checked against the same (batch-cached) list.
 */
function compiled(policies: readonly KubeObject[]): CompiledPolicy[] {
  let out = compiledLists.get(policies);
  if (out) return out;
  out = policies.map((policy) => {
    const types = policyTypesOf(policy);
    const sel = specOf(policy).podSelector ?? {};
    const plain =
      typeof sel === 'object' && sel !== null && !Array.isArray(sel) &&
      (sel.matchExpressions === undefined || (Array.isArray(sel.matchExpressions) && sel.matchExpressions.length === 0)) &&
      (sel.matchLabels === undefined || (typeof sel.matchLabels === 'object' && sel.matchLabels !== null && !Array.isArray(sel.matchLabels)));
    return { policy, ingress: types.includes('Ingress'), egress: types.includes('Egress'), pairs: plain ? Object.entries(sel.matchLabels ?? {}) : undefined };
  });
  compiledLists.set(policies, out);
  return out;
}

function selects(c: CompiledPolicy, podLabels: Record<string, string> | undefined): boolean {
  if (!c.pairs) return policySelects(c.policy, podLabels);
  const l = podLabels ?? {};
  for (const [k, v] of c.pairs) if (l[k] !== v) return false;
  return true;
}

/** The policies (of one namespace) that isolate a pod for ingress and for egress. */
export function isolationOf(policies: readonly KubeObject[], podLabels: Record<string, string> | undefined): Isolation {
  const out: Isolation = { ingress: [], egress: [] };
  for (const c of compiled(policies)) {
    if (!selects(c, podLabels)) continue;
    if (c.ingress) out.ingress.push(c.policy);
    if (c.egress) out.egress.push(c.policy);
  }
  return out;
}
