// Change → finding in the collector with the shared stack loaded: each round creates a
// privileged Deployment through the API server's REST interface and times it until the
// collector's /api/v1/findings shows the open pod.privileged finding; then it is deleted.
import type { BenchSection } from '../lib/context.js';
import { metricValue, readMetrics } from '../lib/metrics.js';
import { ms, percentile, s as secs } from '../lib/report.js';
import { shellDeployment } from '../../src/harness/fixtures.js';

const ROUNDS = 100;
const POLL_MS = 5;
const TIMEOUT_MS = 15_000;
const TARGET_P99_MS = 1000;
const SETTLE_TIMEOUT_MS = 600_000;

export class FindingTimeoutError extends Error {
  constructor(readonly what: string) {
    super(`${what} did not appear within ${TIMEOUT_MS} ms`);
    this.name = 'FindingTimeoutError';
  }
}


export const findings: BenchSection = {
  name: 'findings',
  title: 'Change → finding in the collector',
  async run(ctx) {
    const stack = await ctx.stack();
    const { api, collector } = stack;
    const t0 = performance.now();
    let backlog = metricValue(await readMetrics(collector.httpUrl), 'stance_findings_backlog') ?? 0;
    const backlogAtStart = backlog;
    while (backlog > 0 && performance.now() - t0 < SETTLE_TIMEOUT_MS) {
      await new Promise((r) => setTimeout(r, 250));
      backlog = metricValue(await readMetrics(collector.httpUrl), 'stance_findings_backlog') ?? 0;
    }
    const settleMs = performance.now() - t0;
    const namespaces = api.list('Namespace').map((n) => n.metadata.name!).filter((n) => n.startsWith('gen-'));
    const latencies: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const namespace = namespaces[i % namespaces.length]!;
      const name = `bench-priv-${i}`;
      const start = performance.now();
      const res = await fetch(`${api.url}/apis/apps/v1/namespaces/${namespace}/deployments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(shellDeployment(name, namespace, true)),
      });
      if (res.status !== 201) throw new Error(`POST ${namespace}/${name}: ${res.status} ${await res.text()}`);
      const qs = new URLSearchParams({ control: 'pod.privileged', namespace, kind: 'Deployment', limit: '1000' });
      for (;;) {
        const page = (await (await fetch(`${collector.httpUrl}/api/v1/findings?${qs}`)).json()) as { items: { resource: { name: string } }[] };
        if (page.items.some((f) => f.resource.name === name)) break;
        if (performance.now() - start > TIMEOUT_MS) throw new FindingTimeoutError(`pod.privileged on ${namespace}/${name}`);
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      latencies.push(performance.now() - start);
      await fetch(`${api.url}/apis/apps/v1/namespaces/${namespace}/deployments/${name}`, { method: 'DELETE' });
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    return {
      rows: [
        { metric: 'objects loaded', value: String(stack.sync.objects) },
        { metric: 'findings backlog after sync → drained', value: `${backlogAtStart} → ${backlog} in ${secs(settleMs)}` },
        { metric: 'rounds (create privileged Deployment)', value: String(latencies.length) },
        { metric: 'change → open finding p50', value: ms(p50) },
        { metric: 'change → open finding p99', value: ms(p99), target: `< ${ms(TARGET_P99_MS)}`, ok: p99 < TARGET_P99_MS },
        { metric: 'max', value: ms(sorted[sorted.length - 1]!) },
      ],
      data: { objects: stack.sync.objects, backlogAtStart, settleMs, rounds: latencies.length, p50Ms: p50, p99Ms: p99, maxMs: sorted[sorted.length - 1] },
    };
  },
};
