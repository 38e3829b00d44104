// The rule engine in memory over a generated cluster of BENCH_OBJECTS objects (the same
// generator the shared stack syncs): full-evaluation throughput, and the latency of one
// change with everything loaded (incremental engine with partial results, as the
// collector runs it). No agent or collector involved: this is the engine's own cost.
import { runEngineBench, type LatencyFigures } from '@stance/shared/engine/testing/engine-bench';
import { generateObjects } from '@stance/dev-cluster/apiserver/generate';
import type { BenchSection } from '../lib/context.js';
import type { Row } from '../lib/report.js';
import { ms, num, s } from '../lib/report.js';

const TARGET_PER_SECOND = 10_000;
const TARGET_P99_MS = 1000;

function latencyRows(what: string, l: LatencyFigures): Row[] {
  return [
    { metric: `${what}: p50`, value: ms(l.p50Ms) },
    { metric: `${what}: p99`, value: ms(l.p99Ms), target: `< ${ms(TARGET_P99_MS)}`, ok: l.p99Ms < TARGET_P99_MS },
    { metric: `${what}: subjects re-evaluated (mean)`, value: l.subjectsPerChange.toFixed(1) },
  ];
}

export const engine: BenchSection = {
  name: 'engine',
  title: 'Rule engine (in memory)',
  async run(ctx) {
    const objects = generateObjects(ctx.objects, { seed: 7 });
    const f = runEngineBench(objects, { partialResults: true });
    const rows: Row[] = [
      { metric: 'objects / subjects', value: `${num(f.objects)} / ${num(f.subjects)}` },
      { metric: 'evaluateAll', value: `${s(f.evaluateAllMs)}, ${num(f.evaluateAllPerSecond)} subjects/s`, target: `≥ ${num(TARGET_PER_SECOND)}/s`, ok: f.evaluateAllPerSecond >= TARGET_PER_SECOND },
      { metric: 'IncrementalEngine.evaluateBatch', value: `${s(f.evaluateBatchMs)}, ${num(f.evaluateBatchPerSecond)} subjects/s`, target: `≥ ${num(TARGET_PER_SECOND)}/s`, ok: f.evaluateBatchPerSecond >= TARGET_PER_SECOND },
      { metric: 'outcomes', value: num(f.outcomes) },
      ...latencyRows(`pod update (${f.latency.pod.changes})`, f.latency.pod),
      ...latencyRows(`NetworkPolicy change (${f.latency.networkPolicy.changes})`, f.latency.networkPolicy),
      ...latencyRows(`RoleBinding change (${f.latency.roleBinding.changes})`, f.latency.roleBinding),
    ];
    return { rows, data: { ...f } };
  },
};
