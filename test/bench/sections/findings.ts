// Change → open finding in the collector with the shared stack loaded (lib/finding-latency),
// first on a quiet cluster, then under a concurrent churn of CHURN_PER_SECOND changes
// (lib/churn) that the collector evaluates meanwhile.
import type { BenchSection } from '../lib/context.js';
import { backlogDrained, findingsBacklog } from '../lib/backlog.js';
import { startChurn, type ChurnStats } from '../lib/churn.js';
import { findingLatencies, latencyFigures, type LatencyFigures } from '../lib/finding-latency.js';
import type { Row } from '../lib/report.js';
import { ms, num, s as secs } from '../lib/report.js';

const ROUNDS = 100;
const CHURN_PER_SECOND = 200;
/** The churn runs this long before the first round, so the collector is in its stride. */
const CHURN_WARMUP_MS = 2000;
const TARGET_P50_MS = 100;
const TARGET_P99_MS = 250;
const SETTLE_TIMEOUT_MS = 600_000;

function rows(what: string, f: LatencyFigures): Row[] {
  return [
    { metric: `${what}: p50`, value: ms(f.p50Ms), target: `< ${ms(TARGET_P50_MS)}`, ok: f.p50Ms < TARGET_P50_MS },
    { metric: `${what}: p99`, value: ms(f.p99Ms), target: `< ${ms(TARGET_P99_MS)}`, ok: f.p99Ms < TARGET_P99_MS },
    { metric: `${what}: max`, value: ms(f.maxMs) },
  ];
}

export const findings: BenchSection = {
  name: 'findings',
  title: 'Change → finding in the collector',
  async run(ctx) {
    const stack = await ctx.stack();
    const { api, collector } = stack;
    const t0 = performance.now();
    const settled = await backlogDrained(collector.httpUrl, SETTLE_TIMEOUT_MS, 250);
    const settleMs = settled.at - t0;

    let churned: ChurnStats | undefined;
    const quiet = latencyFigures(await findingLatencies(stack, ROUNDS, 'quiet'));

    const churn = startChurn(api, CHURN_PER_SECOND);
    const underChurn = await (async () => {
      try {
        await new Promise((r) => setTimeout(r, CHURN_WARMUP_MS));
        const figures = latencyFigures(await findingLatencies(stack, ROUNDS, 'churn'));
        return { ...figures, backlogAtEnd: await findingsBacklog(collector.httpUrl) };
      } finally {
        churned = churn.stop();
      }
    })();
    const collectorRssMiB = stack.collectorMemory.sample().rssMiB;
    return {
      rows: [
        { metric: 'objects loaded', value: num(stack.sync.objects) },
        { metric: 'backlog (findings, risk) before → drained', value: `${settled.backlogAtStart ?? 0} → 0 in ${secs(settleMs)}` },
        { metric: 'rounds (create a privileged Deployment)', value: `${ROUNDS} + ${ROUNDS}` },
        ...rows('quiet: change → open finding', quiet),
        { metric: 'churn: changes/s (pods, Deployments, ConfigMaps)', value: `${churned!.perSecond.toFixed(0)} (${num(churned!.changes)} in ${churned!.seconds.toFixed(0)} s)` },
        ...rows('under churn: change → open finding', underChurn),
        { metric: 'findings backlog at the end of the churn', value: String(underChurn.backlogAtEnd ?? 'n/a') },
        { metric: 'collector RSS now', value: `${collectorRssMiB.toFixed(0)} MiB` },
      ],
      data: { objects: stack.sync.objects, backlogAtStart: settled.backlogAtStart ?? 0, settleMs, quiet, churn: { ...churned, ...underChurn }, collectorRssMiB },
    };
  },
};
