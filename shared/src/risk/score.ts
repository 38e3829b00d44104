// Risk of a failing outcome: its severity's points plus the points of each context factor
// that holds for its subject, scaled by the severity (context makes a critical finding
// far worse, a low one only somewhat). The factors' weights sum to the score, capped at
// 100. See README.md for the table.
import type { Severity } from '../engine/types.js';
import { stepLabel } from './paths.js';
import type { ContextFactorId, Facts, ObjectRef, Risk, RiskFactor, WorkloadContext } from './types.js';

export const SEVERITY_POINTS: Readonly<Record<Severity, number>> = { critical: 40, high: 30, medium: 20, low: 10 };

/** Nominal points of each context factor, before the severity's scale. */
export const FACTOR_POINTS: Readonly<Record<ContextFactorId, number>> = {
  exposed: 20,
  'attack-path': 20,
  'cluster-admin': 20,
  'host-access': 15,
  'powerful-identity': 10,
  'reaches-secrets': 10,
  'lateral-reachable': 5,
  'egress-open': 5,
};

export const CONTEXT_SCALE: Readonly<Record<Severity, number>> = { critical: 1, high: 0.85, medium: 0.6, low: 0.35 };

/** The order factors are listed in (and the order of FACTOR_POINTS). */
export const CONTEXT_FACTORS = Object.keys(FACTOR_POINTS) as ContextFactorId[];

export function factorWeight(id: ContextFactorId, severity: Severity): number {
  return Math.round(FACTOR_POINTS[id] * CONTEXT_SCALE[severity]);
}

export function scoreRisk(severity: Severity, facts: Facts): Risk {
  const factors: RiskFactor[] = [{ id: 'severity', description: `${severity} severity`, weight: SEVERITY_POINTS[severity] }];
  for (const id of CONTEXT_FACTORS) {
    const description = facts[id];
    if (description) factors.push({ id, description, weight: factorWeight(id, severity) });
  }
  return { score: Math.min(100, factors.reduce((sum, f) => sum + f.weight, 0)), factors };
}

function listed(items: readonly string[], most = 3): string {
  const unique = [...new Set(items)];
  if (unique.length <= most) return unique.join(', ');
  return `${unique.slice(0, most).join(', ')} and ${unique.length - most} more`;
}

const ref = stepLabel;
const same = (a: ObjectRef, b: ObjectRef) => a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');

function rightsLabel(ctx: WorkloadContext, indexes?: readonly number[]): string {
  const rights = ctx.identity!.rights.filter((_, i) => !indexes || indexes.includes(i));
  return listed(rights.map((r) => `${r.label} ${r.namespace === undefined ? 'cluster-wide' : `in namespace ${r.namespace}`}`));
}

function pathsFact(paths: readonly { score: number; description: string }[]): string {
  const worst = [...paths].sort((a, b) => b.score - a.score)[0]!;
  return `on ${paths.length} attack path${paths.length > 1 ? 's' : ''}, the worst (${worst.score}): ${worst.description}`;
}

/** The facts of a workload itself. */
export function workloadFacts(ctx: WorkloadContext): Facts {
  const f: Facts = {};
  const admitted = ctx.entries.filter((e) => e.admitted);
  if (admitted.length) f.exposed = `reachable from outside the cluster: ${listed(admitted.map((e) => e.detail))}`;
  if (ctx.paths.length) f['attack-path'] = pathsFact(ctx.paths);
  const id = ctx.identity;
  const sa = id ? ref(id.serviceAccount) : '';
  const admin = id?.impacts.find((i) => i.impact === 'cluster-admin');
  if (admin) f['cluster-admin'] = `runs as ${sa}, whose token gives ${admin.description}`;
  if (ctx.host.length) f['host-access'] = `host access: ${listed(ctx.host.map((h) => h.detail), 5)}`;
  if (id?.rights.length) f['powerful-identity'] = `runs as ${sa}, which holds ${rightsLabel(ctx)}`;
  const secrets = id?.impacts.find((i) => i.impact === 'secrets');
  if (secrets) f['reaches-secrets'] = `its token reads ${secrets.description}`;
  const hostNetwork = ctx.host.some((h) => h.detail === 'hostNetwork');
  if (ctx.ingressOpen) f['lateral-reachable'] = hostNetwork ? 'on the host network, which NetworkPolicies do not fence' : 'every pod of the cluster may connect to it (no ingress NetworkPolicy restricts it)';
  if (ctx.egressOpen) f['egress-open'] = hostNetwork ? 'on the host network: it may connect anywhere' : 'it may connect anywhere: other pods, cloud metadata, the internet (no egress NetworkPolicy restricts it)';
  return f;
}

/** Which parts of a workload's context an object (Service, Ingress, ServiceAccount, binding, role) is. */
function rolesIn(ctx: WorkloadContext, target: ObjectRef) {
  const entries = ctx.entries.filter((e) => e.admitted && e.steps.some((s) => same(s, target)));
  const identity = ctx.identity !== undefined && same(ctx.identity.serviceAccount, target);
  const grants: number[] = [];
  ctx.identity?.rights.forEach((r, i) => {
    if (same(r.binding, target) || same(r.role, target)) grants.push(i);
  });
  const paths = ctx.paths.filter((p) => p.steps.some((s) => same(s, target)));
  return { entries, identity, grants, paths };
}

/**
 * The facts of an object that workloads link to, from those workloads' contexts: a way in
 * carries what it leads to, a ServiceAccount its rights and the exposure of who mounts
 * it, a binding or role the rights it grants and the exposure of whom it grants them to.
 */
export function linkedFacts(target: ObjectRef, contexts: readonly WorkloadContext[]): Facts {
  const acc: Record<ContextFactorId, string[]> = Object.fromEntries(CONTEXT_FACTORS.map((id) => [id, []])) as unknown as Record<ContextFactorId, string[]>;
  const paths: { score: number; description: string }[] = [];
  for (const ctx of contexts) {
    const { entries, identity, grants, paths: through } = rolesIn(ctx, target);
    const w = ref(ctx.subject);
    const exposed = ctx.entries.some((e) => e.admitted);
    const impacts = ctx.identity?.impacts ?? [];
    const hasImpact = (impact: string, only?: readonly number[]) => impacts.some((i) => i.impact === impact && (!only || i.via.some((v) => only.includes(v))));
    paths.push(...through);
    if (entries.length) {
      acc.exposed.push(`routes outside traffic to ${w}`);
      if (hasImpact('cluster-admin')) acc['cluster-admin'].push(`routes to ${w}, whose token is cluster-admin-equivalent`);
      if (ctx.host.length) acc['host-access'].push(`routes to ${w}, which has host access (${listed(ctx.host.map((h) => h.detail))})`);
      if (ctx.identity?.rights.length) acc['powerful-identity'].push(`routes to ${w}, whose token holds ${rightsLabel(ctx)}`);
      if (hasImpact('secrets')) acc['reaches-secrets'].push(`routes to ${w}, whose token reads Secrets`);
    }
    if (identity) {
      if (exposed) acc.exposed.push(`mounted by ${w}, which is reachable from outside the cluster`);
      if (hasImpact('cluster-admin')) acc['cluster-admin'].push(`its token is cluster-admin-equivalent (mounted by ${w})`);
      if (ctx.identity!.rights.length) acc['powerful-identity'].push(`holds ${rightsLabel(ctx)} (mounted by ${w})`);
      if (hasImpact('secrets')) acc['reaches-secrets'].push(`reads Secrets (mounted by ${w})`);
    }
    if (grants.length) {
      if (exposed) acc.exposed.push(`grants to the token of ${w}, which is reachable from outside the cluster`);
      if (hasImpact('cluster-admin', grants)) acc['cluster-admin'].push(`grants cluster-admin-equivalent rights to the token of ${w}`);
      acc['powerful-identity'].push(`grants ${rightsLabel(ctx, grants)} to the token of ${w}`);
      if (hasImpact('secrets', grants)) acc['reaches-secrets'].push(`lets the token of ${w} read Secrets`);
    }
  }
  const f: Facts = {};
  for (const id of CONTEXT_FACTORS) if (acc[id].length) f[id] = listed(acc[id], 2);
  if (paths.length) f['attack-path'] = pathsFact(paths);
  return f;
}
