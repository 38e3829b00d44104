// The collector's ingest and findings path over a generated cluster, in one process, on a
// real SQLite file — the collector's share of `pnpm bench sync`, without agent or network:
//   pnpm exec tsx collector/src/findings/testing/profile-findings.ts [objects=100000] [--rate=N]
// (1) "sync": a snapshot per watched kind, then pages of 500 objects round-robin over the
//     kinds (as the agent lists them), fed to the ingest pipeline at N objects/s (default
//     11,000, about what the agent sends; 0: as fast as the pipeline takes them), each kind's
//     snapshot ended after its last page; timed until everything is committed and until the
//     findings are idle, with the process's CPU time;
// (2) single changes with everything loaded — a pod update, a NetworkPolicy change, a
//     RoleBinding change — each from its enqueueing to its findings being recorded.
// Add `node --cpu-prof --import tsx` to profile.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { BUILTIN_CONTROLS } from '@stance/shared/controls/index';
import { percentileOf } from '@stance/shared/engine/testing/engine-bench';
import { kindKey, WATCHED_KINDS, type KubeObject } from '@stance/shared/model/index';
import { generateObjects } from '../../../../devcluster/src/apiserver/generate.js';
import type { IngestError } from '../../ingest/errors.js';
import { IngestPipeline, type IngestOp, type IngestSession } from '../../ingest/pipeline.js';
import { AgentStore } from '../../store/agents.js';
import { openDatabase } from '../../store/database.js';
import { ResourceStore, resourceInputOf } from '../../store/resources.js';
import { ExceptionStore } from '../exceptions.js';
import { FindingsService } from '../findings-service.js';
import { FindingsStore } from '../findings-store.js';

const args = process.argv.slice(2);
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 100_000);
const rate = Number(args.find((a) => a.startsWith('--rate='))?.slice(7) ?? 11_000);
const PAGE = 500;
const CLUSTER = 'c1';
const log = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'stance-findings-profile-'));
const db = openDatabase(join(dir, 'db.sqlite'));
const resources = new ResourceStore(db);
new AgentStore(db).connect({ clusterId: CLUSTER, clusterName: CLUSTER, agentId: 'a1', mode: 'cluster', nodeName: '', version: 'p', sessionId: 's' }, 0);
const service = new FindingsService(db, resources, new FindingsStore(db), BUILTIN_CONTROLS, {}, new ExceptionStore(db), log);
const pipeline = new IngestPipeline(db, resources, new AgentStore(db), { maxBatch: 2000, log });
pipeline.onChange((clusterId, change) => service.onChange(clusterId, change));

const rejected: IngestError[] = [];
const session: IngestSession = { clusterId: CLUSTER, agentId: 'a1', ack: () => undefined, reject: (e) => void rejected.push(e), abort: () => undefined };
let seq = 0;
let rv = 1;
const send = (op: IngestOp) => pipeline.enqueue(session, ++seq, op);
const upsert = (o: KubeObject) => send({ type: 'upsert', resource: { ...resourceInputOf(o), parsed: o } });

const objects = generateObjects(n, { seed: 7 }).map((o) => {
  o.metadata.uid ??= `uid-${o.kind}-${o.metadata.namespace}-${o.metadata.name}`;
  o.metadata.resourceVersion = String(rv++);
  return o;
});

/** Pages of every watched kind, round-robin, each kind's snapshot around its pages. */
function listing(): IngestOp[][] {
  const byKind = new Map(WATCHED_KINDS.map((k) => [k.kind, [] as KubeObject[]]));
  for (const o of objects) byKind.get(o.kind)?.push(o);
  const snapshots = WATCHED_KINDS.map((k, i) => ({ key: kindKey(k.apiVersion, k.kind), id: `snap-${i}`, items: byKind.get(k.kind)! }));
  const steps: IngestOp[][] = [snapshots.map((s) => ({ type: 'snapshot-begin', snapshotId: s.id, kinds: [s.key] }))];
  for (let page = 0; snapshots.some((s) => s.items.length > page * PAGE || page === 0); page++) {
    for (const s of snapshots) {
      const items = s.items.slice(page * PAGE, (page + 1) * PAGE);
      if (items.length === 0 && page > 0) continue;
      const ops: IngestOp[] = items.map((o) => ({ type: 'upsert', resource: { ...resourceInputOf(o), parsed: o } }));
      if ((page + 1) * PAGE >= s.items.length) ops.push({ type: 'snapshot-end', snapshotId: s.id });
      steps.push(ops);
    }
  }
  return steps;
}

async function sync(): Promise<void> {
  const steps = listing();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let sent = 0;
  for (const ops of steps) {
    for (const op of ops) send(op);
    sent += ops.length;
    // Pace to `rate` objects/s; yield either way so the pipeline and the findings run.
    const due = rate > 0 ? t0 + (sent / rate) * 1000 : 0;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
  }
  await pipeline.idle();
  const storedMs = performance.now() - t0;
  const backlogAtStored = service.backlog;
  await service.idle();
  const doneMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const rows = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const mem = process.memoryUsage();
  console.log(
    JSON.stringify({
      objects: objects.length,
      rate,
      storedMs: Math.round(storedMs),
      backlogAtStored,
      findingsDoneMs: Math.round(doneMs),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      ingestBatches: pipeline.stats.batches,
      rejected: rejected.length,
      results: service.stats.evaluatedSubjects,
      findings: rows('findings'),
      events: rows('finding_events'),
      rssMiB: Math.round(mem.rss / 2 ** 20),
      heapMiB: Math.round(mem.heapUsed / 2 ** 20),
    }),
  );
}

async function singleChanges(): Promise<void> {
  const change = async (targets: KubeObject[], mutate: (o: KubeObject, i: number) => void) => {
    const times: number[] = [];
    for (const [i, o] of targets.entries()) {
      const next = structuredClone(o);
      mutate(next, i);
      next.metadata.resourceVersion = String(rv++);
      const t0 = performance.now();
      upsert(next);
      await pipeline.idle();
      await service.idle();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { changes: times.length, p50Ms: +percentileOf(times, 50).toFixed(1), p99Ms: +percentileOf(times, 99).toFixed(1), maxMs: +times[times.length - 1]!.toFixed(1) };
  };
  const every = (kind: string, count: number) => {
    const all = objects.filter((o) => o.kind === kind);
    const step = Math.max(1, Math.floor(all.length / count));
    return all.filter((_, i) => i % step === 0).slice(0, count);
  };
  const pod = await change(every('Pod', 100), (o, i) => {
    o.metadata.labels = { ...o.metadata.labels, bench: String(i) };
  });
  const networkPolicy = await change(every('NetworkPolicy', 30), (o, i) => {
    (o.spec as Record<string, unknown>).podSelector = i % 2 === 0 ? {} : { matchLabels: { tier: 'backend' } };
  });
  const roleBinding = await change(every('RoleBinding', 30), (o, i) => {
    o.subjects = [{ kind: 'ServiceAccount', name: i % 2 === 0 ? 'default' : `bench-${i}`, namespace: o.metadata.namespace }];
  });
  console.log(JSON.stringify({ pod, networkPolicy, roleBinding }));
}

sync()
  .then(singleChanges)
  .finally(() => {
    service.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  })
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
