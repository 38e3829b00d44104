// An OTLP endpoint that is down: the collector keeps ingesting and answering, retries with
// backoff, keeps at most its queue, counts what it drops in a metric, logs the problem once
// per interval, delivers what it kept once the endpoint is back, and still stops promptly.
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CLUSTER_DIR, TestApiServer } from '@stance/dev-cluster';
import { getJson, runStance, startCollector, waitFor, type CollectorProcess, type StanceProcess } from '../src/harness/index.js';
import { OtlpReceiver } from '../src/harness/otlp-receiver.js';

const QUEUE = 40;
const FAILING = 'OTLP export failing: retrying with backoff, dropping what does not fit (logged at most once per interval)';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** One sample of a Prometheus text exposition. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').at(-1)) : undefined;
}

let api: TestApiServer;
let collector: CollectorProcess;
let agent: StanceProcess;
let receiver: OtlpReceiver | undefined;
let port: number;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stance-otlp-down-'));
  port = await freePort();
  api = new TestApiServer();
  await api.loadDir(DEMO_CLUSTER_DIR);
  await api.start();
  api.writeKubeconfig(join(dir, 'kubeconfig.yaml'));
  collector = await startCollector(['--data', join(dir, 'data')], {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_EXPORTER_OTLP_TIMEOUT: '300',
    OTEL_METRIC_EXPORT_INTERVAL: '500',
    OTEL_BLRP_MAX_QUEUE_SIZE: String(QUEUE),
  });
  agent = runStance('agent', ['agent', '--collector', collector.grpcAddress, '--kubeconfig', join(dir, 'kubeconfig.yaml'), '--cluster-name', 'down']);
}, 120_000);

afterAll(async () => {
  await agent?.kill();
  await collector?.kill();
  await api?.stop();
  await receiver?.stop();
});

describe('an OTLP endpoint that is down', () => {
  it('does not hold back findings, keeps a bounded queue, counts drops and logs once per signal', async () => {
    // The sample cluster opens far more findings than the queue holds.
    await waitFor('findings', async () => (await getJson<{ items: unknown[] }>(`${collector.httpUrl}/api/v1/findings?limit=100`)).body.items.length >= 50, 60_000, 100);
    const metrics = await waitFor('export failures and drops on /metrics', async () => {
      const text = await (await fetch(`${collector.httpUrl}/metrics`)).text();
      const failures = sample(text, 'stance_otlp_export_failures_total', 'signal="logs"') ?? 0;
      const dropped = sample(text, 'stance_otlp_dropped_total', 'signal="logs"') ?? 0;
      return failures > 0 && dropped > 0 ? text : undefined;
    }, 30_000, 200);
    expect(sample(metrics, 'stance_otlp_queued', 'signal="logs"')).toBeLessThanOrEqual(QUEUE);
    expect(sample(metrics, 'stance_otlp_export_failures_total', 'signal="metrics"')).toBeGreaterThan(0);
    // The feed's own queue for the OTLP sink never overflowed: it hands over at once.
    expect(sample(metrics, 'stance_feed_dropped_total', 'sink="otlp-logs"')).toBe(0);
    // Once per interval and signal: both signals fail here, each is said once.
    const said = () => collector.logs.filter((l) => l.msg === FAILING).map((l) => l.signal as string).sort();
    await waitFor('the failure said for each signal', () => said().length >= 2, 5000, 50);
    expect(said()).toEqual(['logs', 'metrics']);
    expect((await fetch(`${collector.httpUrl}/readyz`)).status).toBe(200);
  });

  it('delivers what it kept once the endpoint is back', async () => {
    receiver = await new OtlpReceiver().start(port);
    await waitFor('the queued records to arrive', () => receiver!.logs.length >= QUEUE || undefined, 30_000, 100);
    expect(receiver.logs.every((l) => l.eventName.startsWith('stance.finding.'))).toBe(true);
    await waitFor('metrics to arrive', () => receiver!.metrics.length > 0 || undefined, 10_000, 100);
  });

  it('stops promptly with the endpoint down again and records queued', async () => {
    await receiver!.stop();
    receiver = undefined;
    await fetch(`${api.url}/api/v1/namespaces/default/pods`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'late', namespace: 'default' }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'busybox:1.36' }] } }),
    });
    await waitFor('the new finding', async () => (await getJson<{ items: unknown[] }>(`${collector.httpUrl}/api/v1/findings?control=pod.host-network&namespace=default`)).body.items.length > 0, 10_000, 50);
    const t0 = performance.now();
    const exit = await collector.kill();
    expect(exit.code).toBe(0);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(collector.logs.some((l) => l.msg === 'collector stopped')).toBe(true);
  });
});
