// The collector's risk path over a generated cluster, in one process, on a real SQLite file:
//   node --expose-gc --import tsx collector/src/risk/testing/profile-risk.ts [objects=100000] [--no-risk]
// (1) the cluster is ingested through the findings service (with the RiskService as its
// risk, unless --no-risk: the A/B of what risk costs), until idle: time, the heap held and
// the engine's figures; (2) with risk, link changes of generated Deployments (a
// LoadBalancer Service, a cluster-admin binding, a deny-all NetworkPolicy, each added and
// removed), each timed from its enqueueing until the Deployment's finding shows the factor moved.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { BUILTIN_CONTROLS } from '@stance/shared/controls/index';
import type { KubeObject } from '@stance/shared/model/index';
import { generateObjects } from '../../../../devcluster/src/apiserver/generate.js';
import { ExceptionStore } from '../../findings/exceptions.js';
import { FindingsService } from '../../findings/findings-service.js';
import { FindingsStore, riskOfRow } from '../../findings/findings-store.js';
import { IngestPipeline, type IngestOp, type IngestSession } from '../../ingest/pipeline.js';
import { AgentStore } from '../../store/agents.js';
import { openDatabase } from '../../store/database.js';
import { ResourceStore, resourceInputOf } from '../../store/resources.js';
import { RiskService } from '../risk-service.js';

const n = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 100_000);
const TARGETS = 25;
const CLUSTER = 'c1';
const log = pino({ level: 'silent' });
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const heapMiB = () => (gc(), process.memoryUsage().heapUsed / 2 ** 20);
const dir = mkdtempSync(join(tmpdir(), 'stance-risk-profile-'));
const db = openDatabase(join(dir, 'db.sqlite'));
const resources = new ResourceStore(db);
const agents = new AgentStore(db);
agents.connect({ clusterId: CLUSTER, clusterName: CLUSTER, agentId: 'a1', mode: 'cluster', nodeName: '', version: 'p', sessionId: 's' }, 0);
const withRisk = !process.argv.includes('--no-risk');
const risk = new RiskService(db, log);
const findings = new FindingsService(db, resources, new FindingsStore(db), BUILTIN_CONTROLS, {}, new ExceptionStore(db), log, withRisk ? { risk } : {});
const pipeline = new IngestPipeline(db, resources, agents, { maxBatch: 2000, log });
pipeline.onChange((c, change) => findings.onChange(c, change));
const session: IngestSession = { clusterId: CLUSTER, agentId: 'a1', ack: () => undefined, reject: () => undefined, abort: () => undefined };
let seq = 0;
let rv = 1;
const send = (op: IngestOp) => pipeline.enqueue(session, ++seq, op);
const stored = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, uid: o.metadata.uid ?? `uid-${o.kind}-${o.metadata.namespace}-${o.metadata.name}`, resourceVersion: String(rv++) } });
const round = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const base = heapMiB();
  const objects = generateObjects(n, { seed: 7 }).map(stored);
  const t0 = performance.now();
  for (const o of objects) send({ type: 'upsert', resource: resourceInputOf(o) });
  await pipeline.idle();
  await findings.idle();
  await risk.idle();
  const ingestMs = performance.now() - t0;
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  objects.length = 0;
  const before = heapMiB();
  const held = before - base;
  const figures = { ...risk.figures()[CLUSTER], engine: findings.engineStats(CLUSTER) };
  if (!withRisk) {
    console.log(JSON.stringify({ objects: n, risk: false, ingestMs: Math.round(ingestMs), heapHeldMiB: round(held), ...figures, rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20) }));
    findings.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
    return;
  }

  const factors = (uid: string, control: string) => {
    const row = findings.store.finding(CLUSTER, control, uid);
    return new Set<string>((row && riskOfRow(row)?.factors.map((f) => f.id)) ?? []);
  };
  async function timed(uid: string, control: string, factor: string, present: boolean, ops: IngestOp[]): Promise<number> {
    const start = performance.now();
    for (const op of ops) send(op);
    while (factors(uid, control).has(factor) !== present) {
      if (performance.now() - start > 10_000) throw new Error(`${factor} not ${present ? 'there' : 'gone'} on ${uid}`);
      await new Promise((r) => setImmediate(r));
    }
    return performance.now() - start;
  }
  const lat: Record<string, number[]> = { service: [], binding: [], policy: [] };
  let used = 0;
  for (let i = 0; i < deployments.length && used < TARGETS; i += Math.floor(deployments.length / (TARGETS * 3))) {
    const d = deployments[i]!;
    const uid = d.metadata.uid!;
    const { namespace, name } = d.metadata as { namespace: string; name: string };
    const open = db.prepare<[string], { control_id: string }>("SELECT control_id FROM findings WHERE subject_key = ? AND status = 'open' LIMIT 1").get(uid);
    if (!open) continue;
    const start = factors(uid, open.control_id);
    if (start.has('exposed') || start.has('cluster-admin') || !start.has('lateral-reachable')) continue;
    used += 1;
    const t = (d.spec as { template: { metadata: { labels: Record<string, string> }; spec: { serviceAccountName?: string } } }).template;
    const svc = stored({ apiVersion: 'v1', kind: 'Service', metadata: { name: `p-lb-${name}`, namespace }, spec: { type: 'LoadBalancer', selector: t.metadata.labels } });
    const crb = stored({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `p-admin-${namespace}-${name}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: t.spec.serviceAccountName ?? 'default', namespace }],
    });
    const np = stored({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `p-deny-${name}`, namespace }, spec: { podSelector: {}, policyTypes: ['Ingress'] } });
    const up = (o: KubeObject): IngestOp[] => [{ type: 'upsert', resource: resourceInputOf(o) }];
    const down = (o: KubeObject): IngestOp[] => [{ type: 'delete', uid: o.metadata.uid!, kind: o.kind }];
    lat.service!.push(await timed(uid, open.control_id, 'exposed', true, up(svc)), await timed(uid, open.control_id, 'exposed', false, down(svc)));
    lat.binding!.push(await timed(uid, open.control_id, 'cluster-admin', true, up(crb)), await timed(uid, open.control_id, 'cluster-admin', false, down(crb)));
    lat.policy!.push(await timed(uid, open.control_id, 'lateral-reachable', false, up(np)), await timed(uid, open.control_id, 'lateral-reachable', true, down(np)));
  }
  const afterChanges = heapMiB() - before;
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { n: s.length, p50: round(s[Math.floor(s.length / 2)]!), p99: round(s[Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)]!), max: round(s[s.length - 1]!) };
  };
  console.log(
    JSON.stringify({
      objects: n,
      risk: true,
      ingestMs: Math.round(ingestMs),
      heapHeldMiB: round(held),
      heapGrowthAfterChangesMiB: round(afterChanges),
      rescored: risk.stats.findingsRescored,
      ...figures,
      service: stats(lat.service!),
      binding: stats(lat.binding!),
      policy: stats(lat.policy!),
      rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
    }),
  );
  risk.stop();
  findings.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
