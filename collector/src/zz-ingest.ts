import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateObjects } from '../../test/src/apiserver/generate.js';
import { Collector } from './collector.js';
import { loadCollectorConfig } from './config.js';

const n = Number(process.argv[2] ?? 20000);
const batch = Number(process.argv[3] ?? 40);
const findings = process.argv[4] !== 'nofindings';
const dir = mkdtempSync(join(tmpdir(), 'zz-ingest-'));
const c = new Collector(loadCollectorConfig({ data: dir, httpPort: '0', grpcPort: '0' }, {}));
await c.start();
if (!findings) (c.pipeline as any).listeners.length = 0, (c.pipeline as any).batchListeners.length = 0;
const objs = generateObjects(n, { seed: 1 });
let i = 0;
for (const o of objs) o.metadata.uid ??= `uid-${i++}`, o.metadata.resourceVersion = '1', o.metadata.namespace ??= '';
let acked = 0;
const session = { clusterId: 'c1', agentId: 'a1', ack: (s: number) => (acked = s), reject: () => {} };
c.agents.connect({ clusterId: 'c1', clusterName: 'c1', agentId: 'a1', mode: 'cluster', nodeName: '', version: '', sessionId: 's' }, Date.now());
const t0 = performance.now();
let seq = 0;
for (let k = 0; k < objs.length; k += batch) {
  for (const o of objs.slice(k, k + batch)) {
    seq++;
    const m = o.metadata;
    c.pipeline.enqueue(session, seq, { type: 'upsert', resource: { apiVersion: o.apiVersion, kind: o.kind, namespace: m.namespace ?? '', name: m.name!, uid: m.uid!, resourceVersion: '1', json: JSON.stringify(o) } });
  }
  await new Promise((r) => setImmediate(r));
}
await c.pipeline.idle();
const ms = performance.now() - t0;
console.log({ n, batch, findings, ms: Math.round(ms), perSec: Math.round(n / (ms / 1000)), stats: c.pipeline.stats, acked });
await c.stop();
