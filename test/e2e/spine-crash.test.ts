// Crash safety: SIGKILL the collector in the middle of a 20,000-object initial sync,
// change the cluster while it is down, restart it on the same port and data: the
// collector must end up equal to the API server — no lost deletes, no duplicates.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { WATCHED_KINDS } from '@stance/shared/model/index';
import { TestApiServer } from '@stance/dev-cluster';
import { allResources, runStance, startCollector, waitFor, type CollectorProcess, type StanceProcess } from '../src/harness/index.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function totalStored(c: CollectorProcess): Promise<number> {
  const res = await fetch(`${c.httpUrl}/api/v1/clusters`);
  const body = (await res.json()) as { items: { resources: Record<string, number> }[] };
  return body.items.reduce((n, cl) => n + Object.values(cl.resources).reduce((a, b) => a + b, 0), 0);
}

it('converges exactly after the collector is SIGKILLed during a 20,000-object sync', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stance-crash-'));
  const api = new TestApiServer();
  api.generate(20_000, { namespaces: 20, seed: 11 });
  await api.start();
  cleanup.push(() => api.stop());
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  api.writeKubeconfig(kubeconfig);
  const token = randomUUID();
  const grpcPort = String(await freePort());
  const collectorArgs = ['--data', join(dir, 'data'), '--grpc-port', grpcPort];
  const env = { STANCE_AGENT_TOKENS: `crash=${token}` };

  let collector: CollectorProcess = await startCollector(collectorArgs, env);
  const agent: StanceProcess = runStance('agent', ['agent', '--collector', `127.0.0.1:${grpcPort}`, '--token', token, '--kubeconfig', kubeconfig, '--cluster-name', 'crash', '--page-size', '200']);
  cleanup.push(() => agent.kill());

  const total = api.count();
  const seenMidway = await waitFor('the sync to be under way', async () => {
    const n = await totalStored(collector);
    return n > 0 && n < total ? n : undefined;
  }, 60_000, 5);
  collector.child.kill('SIGKILL');
  await collector.exited;

  // While the collector is down: deletes, updates and creates it must not miss.
  const pods = api.list('Pod');
  const deleted = pods.slice(0, 300).map((p) => p.metadata.uid!);
  for (const p of pods.slice(0, 300)) api.remove('Pod', p.metadata.namespace, p.metadata.name!);
  for (const cm of api.list('ConfigMap').slice(0, 100)) api.update({ ...cm, data: { changed: 'yes' } });
  for (let i = 0; i < 50; i++) api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `after-crash-${i}`, namespace: 'default' } });

  collector = await startCollector(collectorArgs, env);
  cleanup.push(() => collector.kill());

  const expected = new Map<string, string>();
  for (const k of WATCHED_KINDS) for (const o of api.list(k.kind)) expected.set(o.metadata.uid!, o.metadata.resourceVersion!);
  const stored = await waitFor('the collector to equal the API server', async () => {
    const rs = await allResources(collector.httpUrl);
    if (rs.length !== expected.size) return undefined;
    return rs.every((r) => expected.get(r.uid) === r.resourceVersion) ? rs : undefined;
  }, 120_000, 500);

  expect(seenMidway).toBeLessThan(total);
  const keys = stored.map((r) => `${r.kind}/${r.namespace}/${r.name}`);
  expect(new Set(keys).size).toBe(keys.length);
  const uids = new Set(stored.map((r) => r.uid));
  for (const uid of deleted) expect(uids.has(uid)).toBe(false);
  expect(stored.filter((r) => r.name.startsWith('after-crash-'))).toHaveLength(50);
});
