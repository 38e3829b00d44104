// Change → open finding, end to end: each round creates a privileged Deployment through the
// API server's REST interface and times it until the collector's findings API lists the
// open pod.privileged finding (what a user or the dashboard sees); then deletes it.
import { shellDeployment } from '../../src/harness/fixtures.js';
import { percentile } from './report.js';
import type { BenchStack } from './stack.js';

const POLL_MS = 5;
const TIMEOUT_MS = 15_000;

export class FindingTimeoutError extends Error {
  constructor(readonly what: string) {
    super(`${what} did not appear within ${TIMEOUT_MS} ms`);
    this.name = 'FindingTimeoutError';
  }
}

/** Latencies in ms, in round order. `tag` keeps the Deployments of several runs apart. */
export async function findingLatencies(stack: BenchStack, rounds: number, tag: string): Promise<number[]> {
  const { api, collector } = stack;
  const cluster = api.clusterUid();
  const namespaces = api.list('Namespace').map((n) => n.metadata.name!).filter((n) => n.startsWith('gen-'));
  const latencies: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const namespace = namespaces[i % namespaces.length]!;
    const name = `bench-priv-${tag}-${i}`;
    const start = performance.now();
    const res = await fetch(`${api.url}/apis/apps/v1/namespaces/${namespace}/deployments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(shellDeployment(name, namespace, true)),
    });
    if (res.status !== 201) throw new Error(`POST ${namespace}/${name}: ${res.status} ${await res.text()}`);
    const qs = new URLSearchParams({ cluster, control: 'pod.privileged', namespace, kind: 'Deployment', limit: '1000' });
    for (;;) {
      const page = (await (await fetch(`${collector.httpUrl}/api/v1/findings?${qs}`)).json()) as { items: { resource: { name: string } }[] };
      if (page.items.some((f) => f.resource.name === name)) break;
      if (performance.now() - start > TIMEOUT_MS) throw new FindingTimeoutError(`pod.privileged on ${namespace}/${name}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    latencies.push(performance.now() - start);
    await fetch(`${api.url}/apis/apps/v1/namespaces/${namespace}/deployments/${name}`, { method: 'DELETE' });
  }
  return latencies;
}

export interface LatencyFigures {
  rounds: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function latencyFigures(latencies: readonly number[]): LatencyFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { rounds: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted[sorted.length - 1] ?? NaN };
}
