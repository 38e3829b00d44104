// Measures the rule engine in memory: full-evaluation throughput (`evaluateAll` and
// `IncrementalEngine.evaluateBatch`) and the latency of single changes with everything
// loaded (a pod update, a NetworkPolicy change, a RoleBinding change). Shared by the
// profiling script (engine/testing/profile.ts) and the `engine` bench section.
import { BUILTIN_CONTROLS } from '../../controls/index.js';
import type { KubeObject } from '../../model/object.js';
import { evaluateAll } from '../evaluate.js';
import { IncrementalEngine, type Change } from '../incremental.js';
import type { Control, EngineConfig } from '../types.js';
import { MutableView } from './mutable-view.js';

export interface LatencyFigures {
  changes: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Mean subjects re-evaluated per change (the change itself included). */
  subjectsPerChange: number;
}

export interface EngineBenchFigures {
  objects: number;
  /** Objects that some control evaluates. */
  subjects: number;
  evaluateAllMs: number;
  evaluateAllPerSecond: number;
  evaluateBatchMs: number;
  evaluateBatchPerSecond: number;
  outcomes: number;
  latency: Record<'pod' | 'networkPolicy' | 'roleBinding', LatencyFigures>;
}

export interface EngineBenchOptions {
  controls?: readonly Control[];
  config?: EngineConfig;
  partialResults?: boolean;
  /** Changes timed per kind (default 200 pods, 50 policies, 50 bindings). */
  podChanges?: number;
  policyChanges?: number;
  bindingChanges?: number;
  /** Skip the evaluateAll pass (profiling the incremental engine alone). */
  skipEvaluateAll?: boolean;
}

export function percentileOf(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Every n-th object of a kind, up to `count` of them (spread over namespaces). */
export function spread(objects: readonly KubeObject[], kind: string, count: number): KubeObject[] {
  const all = objects.filter((o) => o.kind === kind);
  const step = Math.max(1, Math.floor(all.length / Math.max(1, count)));
  return all.filter((_, i) => i % step === 0).slice(0, count);
}

/** Times `mutate` applied to each target: put into the view, then applied (to an engine, or anything applying changes). */
export function timeChanges(
  engine: { apply(change: Change): readonly unknown[] },
  view: { put(o: KubeObject): void },
  targets: readonly KubeObject[],
  mutate: (o: KubeObject, i: number) => KubeObject,
): LatencyFigures {
  const times: number[] = [];
  let subjects = 0;
  targets.forEach((target, i) => {
    const next = mutate(target, i);
    const t0 = performance.now();
    view.put(next);
    subjects += engine.apply({ type: 'upsert', object: next }).length;
    times.push(performance.now() - t0);
  });
  const sorted = times.sort((a, b) => a - b);
  return {
    changes: sorted.length,
    p50Ms: percentileOf(sorted, 50),
    p99Ms: percentileOf(sorted, 99),
    maxMs: sorted[sorted.length - 1] ?? NaN,
    subjectsPerChange: sorted.length ? subjects / sorted.length : 0,
  };
}

function countOutcomes(results: readonly { outcomes: readonly unknown[] }[]): number {
  let n = 0;
  for (const r of results) n += r.outcomes.length;
  return n;
}

export function runEngineBench(objects: readonly KubeObject[], opts: EngineBenchOptions = {}): EngineBenchFigures {
  const controls = opts.controls ?? BUILTIN_CONTROLS;
  const config = opts.config ?? {};
  const kinds = new Set(controls.flatMap((c) => c.kinds));
  const subjects = objects.filter((o) => kinds.has(o.kind)).length;

  let evaluateAllMs = NaN;
  let outcomes = 0;
  if (!opts.skipEvaluateAll) {
    const t = performance.now();
    outcomes = evaluateAll(objects, controls, config).length;
    evaluateAllMs = performance.now() - t;
  }

  const view = new MutableView(objects);
  const engine = new IncrementalEngine({ controls, config, source: view, partialResults: opts.partialResults ?? false });
  // Results counted and dropped at once: 2.8M outcomes kept alive would make the latency
  // figures below measure the old-generation GC instead.
  const t1 = performance.now();
  const batchOutcomes = countOutcomes(engine.evaluateBatch(objects));
  const evaluateBatchMs = performance.now() - t1;
  if (opts.skipEvaluateAll) outcomes = batchOutcomes;

  const pod = timeChanges(engine, view, spread(objects, 'Pod', opts.podChanges ?? 200), (o, i) => {
    const next = structuredClone(o);
    next.metadata.labels = { ...next.metadata.labels, bench: String(i) };
    const c = (next.spec as { containers?: { securityContext?: Record<string, unknown> }[] }).containers?.[0];
    if (c) c.securityContext = { ...c.securityContext, privileged: i % 2 === 0 };
    return next;
  });
  const networkPolicy = timeChanges(engine, view, spread(objects, 'NetworkPolicy', opts.policyChanges ?? 50), (o, i) => {
    const next = structuredClone(o);
    // Alternate between selecting one app and every pod of the namespace.
    (next.spec as Record<string, unknown>).podSelector = i % 2 === 0 ? {} : { matchLabels: { tier: 'backend' } };
    return next;
  });
  const roleBinding = timeChanges(engine, view, spread(objects, 'RoleBinding', opts.bindingChanges ?? 50), (o, i) => {
    const next = structuredClone(o);
    const ns = next.metadata.namespace;
    (next as Record<string, unknown>).subjects = [{ kind: 'ServiceAccount', name: i % 2 === 0 ? 'default' : `bench-${i}`, namespace: ns }];
    return next;
  });

  return {
    objects: objects.length,
    subjects,
    evaluateAllMs,
    evaluateAllPerSecond: subjects / (evaluateAllMs / 1000),
    evaluateBatchMs,
    evaluateBatchPerSecond: subjects / (evaluateBatchMs / 1000),
    outcomes,
    latency: { pod, networkPolicy, roleBinding },
  };
}
