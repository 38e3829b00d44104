// How cost grows with the cluster: a stack per size in BENCH_SCALE (default 25k, 100k and
// 300k objects; the shared stack serves its own size), each measured the same way: agent
// start → every object stored and every finding evaluated (and risk scored), CPU, peak
// memory, and change → open finding latency once the collector has caught up. Sizes run
// one after another, never two at once.
import type { BenchSection } from '../lib/context.js';
import { findingLatencies, latencyFigures, type LatencyFigures } from '../lib/finding-latency.js';
import type { Row } from '../lib/report.js';
import { mib, ms, num, s } from '../lib/report.js';
import { BenchStack, type SyncTimings } from '../lib/stack.js';

const ROUNDS = 30;

interface SizeFigures {
  objects: number;
  sync: SyncTimings;
  latency: LatencyFigures;
}

function sizes(shared: number): number[] {
  const raw = process.env.BENCH_SCALE ?? `25000,${shared},300000`;
  return [...new Set(raw.split(',').map((v) => Number(v.trim())))].filter((n) => Number.isInteger(n) && n > 0).sort((a, b) => a - b);
}

async function measure(stack: BenchStack): Promise<SizeFigures> {
  return { objects: stack.sync.objects, sync: stack.sync, latency: latencyFigures(await findingLatencies(stack, ROUNDS, 'scale')) };
}

export const scale: BenchSection = {
  name: 'scale',
  title: 'Scaling: sync, findings, memory and latency by cluster size',
  async run(ctx) {
    const figures: SizeFigures[] = [];
    for (const n of sizes(ctx.objects)) {
      if (n === ctx.objects) {
        figures.push(await measure(await ctx.stack()));
        continue;
      }
      const stack = await BenchStack.start({ objects: n, run: ctx.run, agentEnv: ctx.agentEnv, syncTimeoutMs: 900_000 });
      try {
        figures.push(await measure(stack));
      } finally {
        await stack.stop();
      }
    }
    const base = figures[0]!;
    const perObject = (f: SizeFigures) => (f.sync.findingsDoneMs ?? f.sync.syncMs) / f.objects;
    const rows: Row[] = figures.flatMap((f) => [
      { metric: `${num(f.objects)} objects: agent start → all stored / every finding evaluated / risk too`, value: `${s(f.sync.syncMs)} / ${s(f.sync.findingsDoneMs ?? NaN)} / ${s(f.sync.settledMs ?? NaN)}` },
      { metric: '  collector / agent CPU until every finding was evaluated', value: `${s(f.sync.cpu?.collectorMs ?? NaN)} / ${s(f.sync.cpu?.agentMs ?? NaN)}` },
      { metric: '  time per object vs the smallest', value: `×${(perObject(f) / perObject(base)).toFixed(2)}` },
      { metric: '  collector peak RSS / once evaluated', value: `${mib(f.sync.collectorAfterFindings?.hwmMiB ?? f.sync.collector.hwmMiB)} / ${mib(f.sync.collectorAfterFindings?.rssMiB ?? NaN)}` },
      { metric: '  cluster agent peak RSS', value: mib(f.sync.agent.hwmMiB) },
      { metric: `  change → open finding p50 / p99 (${f.latency.rounds} rounds)`, value: `${ms(f.latency.p50Ms)} / ${ms(f.latency.p99Ms)}` },
    ]);
    return {
      rows,
      data: {
        sizes: figures.map((f) => ({
          objects: f.objects,
          syncMs: f.sync.syncMs,
          findingsDoneMs: f.sync.findingsDoneMs,
          settledMs: f.sync.settledMs,
          cpu: f.sync.cpu,
          backlogAtStored: f.sync.backlogAtStored,
          collectorHwmMiB: f.sync.collectorAfterFindings?.hwmMiB,
          collectorRssAfterFindingsMiB: f.sync.collectorAfterFindings?.rssMiB,
          agentHwmMiB: f.sync.agent.hwmMiB,
          ingestBatches: f.sync.ingestBatches,
          ...f.latency,
        })),
      },
    };
  },
};
