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

/** The policies (of one namespace) that isolate a pod for ingress and for egress. */
export function isolationOf(policies: readonly KubeObject[], podLabels: Record<string, string> | undefined): Isolation {
  const out: Isolation = { ingress: [], egress: [] };
  for (const p of policies) {
    if (!policySelects(p, podLabels)) continue;
    const types = policyTypesOf(p);
    if (types.includes('Ingress')) out.ingress.push(p);
    if (types.includes('Egress')) out.egress.push(p);
  }
  return out;
}
