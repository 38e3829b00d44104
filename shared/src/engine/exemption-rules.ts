// Built-in exemptions as data: which controls, which objects, and why. Kept as data so
// they can be listed to users (and tested) rather than buried in checks.
import type { KubeObject } from '../model/object.js';
import type { ExemptionFor } from './types.js';

export interface ExemptionRule {
  /** Control ids; an entry ending in `.*` is a prefix (`rbac.*`). */
  controls: readonly string[];
  kinds?: readonly string[];
  /** Namespace of the subject (cluster-scoped subjects never match a namespace rule). */
  namespaces?: readonly string[];
  names?: readonly string[];
  namePrefixes?: readonly string[];
  /** Labels the subject must carry (all of them, exact values). */
  labels?: Readonly<Record<string, string>>;
  /**
   * A binding's subjects must all be Kubernetes' own: `system:` users and groups, service
   * accounts of kube-system. Keeps a `system:` name alone from exempting a binding made for
   * a person.
   */
  systemSubjectsOnly?: boolean;
  reason: string;
}

interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
}

/**
 * Kubernetes' own identity. A service account counts only from kube-system however it is
 * named: `system:serviceaccount:<ns>:<name>` (as a User) and `system:serviceaccounts[:<ns>]`
 * (as a Group) start with `system:` too, and would let a binding for an app's service
 * accounts pass for the platform's. A ServiceAccount without a namespace (allowed in a
 * RoleBinding) is of the binding's namespace.
 */
function isSystemSubject(s: unknown, bindingNamespace: string | undefined): boolean {
  if (typeof s !== 'object' || s === null) return false;
  const { kind, name, namespace } = s as Subject;
  if (typeof name !== 'string') return false;
  if (kind === 'ServiceAccount') return (namespace ?? bindingNamespace) === 'kube-system';
  if (name.startsWith('system:serviceaccount')) {
    return name.startsWith('system:serviceaccount:kube-system:') || name === 'system:serviceaccounts:kube-system';
  }
  return name.startsWith('system:');
}

function systemSubjectsOnly(binding: KubeObject): boolean {
  const subjects: unknown = (binding as { subjects?: unknown }).subjects ?? [];
  // Not a list (only a forged object can be): judged, not exempted, and no TypeError.
  if (!Array.isArray(subjects)) return false;
  return subjects.every((s) => isSystemSubject(s, binding.metadata.namespace));
}

function controlMatches(patterns: readonly string[], controlId: string): boolean {
  return patterns.some((p) => (p.endsWith('.*') ? controlId.startsWith(p.slice(0, -1)) : p === controlId));
}

export function ruleMatches(rule: ExemptionRule, controlId: string, subject: KubeObject): boolean {
  if (!controlMatches(rule.controls, controlId)) return false;
  if (rule.kinds && !rule.kinds.includes(subject.kind)) return false;
  const ns = subject.metadata.namespace;
  if (rule.namespaces && (ns === undefined || !rule.namespaces.includes(ns))) return false;
  const name = subject.metadata.name ?? '';
  if (rule.names && !rule.names.includes(name)) return false;
  if (rule.namePrefixes && !rule.namePrefixes.some((p) => name.startsWith(p))) return false;
  if (rule.labels) {
    const labels = subject.metadata.labels ?? {};
    for (const [k, v] of Object.entries(rule.labels)) if (labels[k] !== v) return false;
  }
  if (rule.systemSubjectsOnly && !systemSubjectsOnly(subject)) return false;
  return true;
}

/** The first matching rule's reason. Rules are pre-sorted by control id (asked per check). */
export function exemptionMatcher(rules: readonly ExemptionRule[]): ExemptionFor {
  const byControl = new Map<string, readonly ExemptionRule[]>();
  return (controlId, subject) => {
    let candidates = byControl.get(controlId);
    if (!candidates) {
      candidates = rules.filter((r) => controlMatches(r.controls, controlId));
      byControl.set(controlId, candidates);
    }
    if (candidates.length === 0) return undefined;
    for (const r of candidates) if (ruleMatches(r, controlId, subject)) return r.reason;
    return undefined;
  };
}

/** The first reason any of the functions gives. */
export function composeExemptions(...fns: readonly (ExemptionFor | undefined)[]): ExemptionFor {
  const present = fns.filter((f): f is ExemptionFor => f !== undefined);
  if (present.length === 1) return present[0]!;
  if (present.length === 2) {
    const [a, b] = present as [ExemptionFor, ExemptionFor];
    return (controlId, subject) => a(controlId, subject) ?? b(controlId, subject);
  }
  return (controlId, subject) => {
    for (const f of present) {
      const reason = f(controlId, subject);
      if (reason !== undefined) return reason;
    }
    return undefined;
  };
}
