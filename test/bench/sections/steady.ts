// Steady state: with the shared stack loaded, 200 ConfigMap updates through the API
// server's REST interface, one at a time; each is timed from the PUT until the
// collector's API shows the new resourceVersion.
import type { BenchSection } from '../lib/context.js';
import { backlogDrained } from '../lib/backlog.js';
import { ms, percentile, s as secs } from '../lib/report.js';

const UPDATES = 200;
const POLL_MS = 5;
const TIMEOUT_MS = 10_000;
const TARGET_P99_MS = 1000;
const SETTLE_TIMEOUT_MS = 300_000;

/** Steady state starts once the collector has worked off what the sync left it. */
async function settle(httpUrl: string): Promise<{ settleMs: number; backlogAtStart?: number }> {
  const t0 = performance.now();
  const { at, backlogAtStart } = await backlogDrained(httpUrl, SETTLE_TIMEOUT_MS, 250);
  return { settleMs: at - t0, ...(backlogAtStart !== undefined ? { backlogAtStart } : {}) };
}

interface StoredItem {
  name: string;
  resourceVersion: string;
}

export class LatencyTimeoutError extends Error {
  constructor(readonly what: string, readonly waitedMs: number) {
    super(`${what} not visible in the collector after ${waitedMs} ms`);
    this.name = 'LatencyTimeoutError';
  }
}

export const steady: BenchSection = {
  name: 'steady',
  title: 'Steady state: change → collector',
  async run(ctx) {
    const stack = await ctx.stack();
    const { api, collector } = stack;
    const cluster = api.clusterUid();
    const settled = await settle(collector.httpUrl);
    // Spread over namespaces: every 7th ConfigMap until there are enough.
    const all = api.list('ConfigMap').filter((c) => c.metadata.namespace?.startsWith('gen-'));
    const step = Math.max(1, Math.floor(all.length / UPDATES));
    const targets = all.filter((_, i) => i % step === 0).slice(0, UPDATES);
    const latencies: number[] = [];
    for (const [i, cm] of targets.entries()) {
      const { namespace, name } = cm.metadata as { namespace: string; name: string };
      const t0 = performance.now();
      const res = await fetch(`${api.url}/api/v1/namespaces/${namespace}/configmaps/${name}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...cm, data: { ...(cm.data as Record<string, string>), bench: String(i) } }),
      });
      const body = (await res.json()) as { metadata: { resourceVersion: string } };
      if (res.status !== 200) throw new Error(`PUT ${namespace}/${name}: ${res.status} ${JSON.stringify(body)}`);
      const rv = body.metadata.resourceVersion;
      const qs = new URLSearchParams({ cluster, kind: 'ConfigMap', namespace, limit: '1000' });
      for (;;) {
        const page = (await (await fetch(`${collector.httpUrl}/api/v1/resources?${qs}`)).json()) as { items: StoredItem[] };
        if (page.items.some((r) => r.name === name && r.resourceVersion === rv)) break;
        if (performance.now() - t0 > TIMEOUT_MS) throw new LatencyTimeoutError(`ConfigMap ${namespace}/${name}@${rv}`, TIMEOUT_MS);
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      latencies.push(performance.now() - t0);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    const mem = { agentRssMiB: stack.agentMemory.sample().rssMiB, collectorRssMiB: stack.collectorMemory.sample().rssMiB };
    return {
      rows: [
        { metric: 'objects loaded', value: String(stack.sync.objects) },
        { metric: 'backlog (findings, risk) before → drained', value: settled.backlogAtStart === undefined ? 'n/a' : `${settled.backlogAtStart} → 0 in ${secs(settled.settleMs)}` },
        { metric: 'updates (sequential, REST PUT)', value: String(latencies.length) },
        { metric: 'latency p50', value: ms(p50) },
        { metric: 'latency p99', value: ms(p99), target: `< ${ms(TARGET_P99_MS)}`, ok: p99 < TARGET_P99_MS },
        { metric: 'latency max', value: ms(sorted[sorted.length - 1]!) },
        { metric: 'poll interval (resolution)', value: ms(POLL_MS) },
        { metric: 'agent / collector RSS now', value: `${mem.agentRssMiB.toFixed(0)} / ${mem.collectorRssMiB.toFixed(0)} MiB` },
      ],
      data: { objects: stack.sync.objects, ...settled, updates: latencies.length, p50Ms: p50, p99Ms: p99, maxMs: sorted[sorted.length - 1], pollMs: POLL_MS, ...mem },
    };
  },
};
