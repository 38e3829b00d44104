// Attack paths through one workload: each admitted way in, through the workload, to what
// its host access or its token's rights give an attacker. Scored by impact and way in.
import type { AttackPath, Entry, EntryVia, Impact, ObjectRef, PathStep, StepRelation, WorkloadContext } from './types.js';

/** What the end of a path is worth (Secrets of one namespace: less than of the cluster). */
export const IMPACT_POINTS: Readonly<Record<Impact, number>> = { 'cluster-admin': 70, 'node-takeover': 60, secrets: 50 };
export const NAMESPACED_SECRETS_POINTS = 40;

/** How open the way in is: the internet-facing ones most; node addresses are often private. */
export const ENTRY_POINTS: Readonly<Record<EntryVia, number>> = {
  'load-balancer': 30,
  ingress: 30,
  'external-ip': 30,
  'node-port': 25,
  'host-port': 25,
  'host-network': 25,
};
/** A LoadBalancer limited by source ranges. */
export const RESTRICTED_ENTRY_POINTS = 15;

/** Paths kept per workload, the highest scored first. */
export const MAX_PATHS_PER_WORKLOAD = 20;

export function pathScore(impact: Impact, clusterWide: boolean, entry: Pick<Entry, 'via' | 'restricted'>): number {
  const impactPoints = impact === 'secrets' && !clusterWide ? NAMESPACED_SECRETS_POINTS : IMPACT_POINTS[impact];
  return Math.min(100, impactPoints + (entry.restricted ? RESTRICTED_ENTRY_POINTS : ENTRY_POINTS[entry.via]));
}

const IMPACT_RANK: Record<Impact, number> = { 'cluster-admin': 0, 'node-takeover': 1, secrets: 2 };

export function stepLabel(s: { kind: string; namespace?: string; name: string }): string {
  return `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`;
}

function step(ref: ObjectRef, relation: StepRelation): PathStep {
  const s: PathStep = { kind: ref.kind, name: ref.name, relation };
  if (ref.namespace !== undefined) s.namespace = ref.namespace;
  return s;
}

export function pathsOf(ctx: Omit<WorkloadContext, 'paths'>): AttackPath[] {
  // One path per sequence of steps: the worst impact it reaches.
  const bySteps = new Map<string, AttackPath>();
  const add = (steps: PathStep[], impact: Impact, clusterWide: boolean, entry: Entry, what: string) => {
    const key = steps.map((s) => `${s.kind}/${s.namespace ?? ''}/${s.name}`).join('>');
    const score = pathScore(impact, clusterWide, entry);
    const seen = bySteps.get(key);
    if (seen && (seen.score > score || (seen.score === score && IMPACT_RANK[seen.impact] <= IMPACT_RANK[impact]))) return;
    bySteps.set(key, { id: `${impact}:${key}`, steps, impact, score, description: `${steps.map(stepLabel).join(' → ')}: ${what}` });
  };
  const takeover = ctx.host.filter((h) => h.takeover);
  for (const entry of ctx.entries) {
    if (!entry.admitted) continue;
    const head: PathStep[] = [...entry.steps, step(ctx.subject, entry.steps.length ? 'selects' : entry.via)];
    if (takeover.length) add(head, 'node-takeover', true, entry, `node takeover through ${takeover.map((h) => h.detail).join(', ')}`);
    const identity = ctx.identity;
    if (!identity) continue;
    for (const impact of identity.impacts) {
      for (const i of impact.via) {
        const r = identity.rights[i]!;
        const steps = [...head, step(identity.serviceAccount, 'runs-as'), step(r.binding, 'bound-by'), step(r.role, 'grants')];
        add(steps, impact.impact, r.namespace === undefined, entry, `${r.label} ${r.namespace === undefined ? 'cluster-wide' : `in namespace ${r.namespace}`}`);
      }
    }
  }
  return [...bySteps.values()].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, MAX_PATHS_PER_WORKLOAD);
}
