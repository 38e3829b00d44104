// Matching of RBAC PolicyRules, following the API server's authorizer: `*` matches any
// verb / group / resource, and `*/sub` matches that subresource of any resource.
import type { PolicyRule } from './types.js';

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The rules of a Role/ClusterRole object, tolerating malformed entries. */
export function rulesOf(rules: unknown): PolicyRule[] {
  if (!Array.isArray(rules)) return [];
  return rules.map((r) => {
    const o = typeof r === 'object' && r !== null ? (r as Record<string, unknown>) : {};
    const rule: PolicyRule = {
      apiGroups: strings(o.apiGroups),
      resources: strings(o.resources),
      verbs: strings(o.verbs),
    };
    if (Array.isArray(o.resourceNames)) rule.resourceNames = strings(o.resourceNames);
    if (Array.isArray(o.nonResourceURLs)) rule.nonResourceURLs = strings(o.nonResourceURLs);
    return rule;
  });
}

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  const verbs = rule.verbs ?? [];
  return verbs.includes('*') || verbs.includes(verb);
}

export function groupMatches(rule: PolicyRule, group: string): boolean {
  const groups = rule.apiGroups ?? [];
  return groups.includes('*') || groups.includes(group);
}

/** `resource` may name a subresource: `pods/exec`. */
export function resourceMatches(rule: PolicyRule, resource: string): boolean {
  const resources = rule.resources ?? [];
  if (resources.includes('*') || resources.includes(resource)) return true;
  const slash = resource.indexOf('/');
  return slash > 0 && resources.includes(`*${resource.slice(slash)}`);
}

export interface Target {
  group: string;
  resource: string;
}

/** Whether the rule allows any of `verbs` on any of `targets` (named objects included). */
export function ruleAllows(rule: PolicyRule, verbs: readonly string[], targets: readonly Target[]): boolean {
  if (!verbs.some((v) => verbMatches(rule, v))) return false;
  return targets.some((t) => groupMatches(rule, t.group) && resourceMatches(rule, t.resource));
}

/**
 * A rule with resourceNames authorizes only requests that name one of those objects: never
 * `create`, `deletecollection`, nor a `list`/`watch` of the whole collection.
 */
export function isNamed(rule: PolicyRule): boolean {
  return (rule.resourceNames?.length ?? 0) > 0;
}

/** One API request, as the RBAC authorizer sees it. `resource` may be `pods/exec`. */
export interface ResourceRequest {
  verb: string;
  group: string;
  resource: string;
  /** The object named by the request; absent for create and for collection reads. */
  name?: string;
}

/** The authorizer's RuleAllows for a resource request: verb, group, resource and resourceNames. */
export function ruleAllowsRequest(rule: PolicyRule, req: ResourceRequest): boolean {
  if (!verbMatches(rule, req.verb) || !groupMatches(rule, req.group) || !resourceMatches(rule, req.resource)) return false;
  return !isNamed(rule) || (req.name !== undefined && rule.resourceNames!.includes(req.name));
}

export function describeRule(rule: PolicyRule): string {
  const list = (xs: string[] | undefined) => `[${(xs ?? []).map((x) => (x === '' ? '""' : x)).join(',')}]`;
  if (rule.nonResourceURLs?.length && !rule.resources?.length) {
    return `verbs ${list(rule.verbs)} on nonResourceURLs ${list(rule.nonResourceURLs)}`;
  }
  const names = rule.resourceNames?.length ? ` named ${list(rule.resourceNames)}` : '';
  return `verbs ${list(rule.verbs)} on ${list(rule.resources)}${names} in apiGroups ${list(rule.apiGroups)}`;
}
