// The collector's findings path over a generated cluster, on a real SQLite file:
//   pnpm exec tsx collector/src/findings/testing/profile-findings.ts [objects=100000]
// Stores the objects, then measures (1) "sync": every object's change queued as ingest
// queues it, until the findings are idle; (2) single changes with everything loaded: a
// pod update, a NetworkPolicy change, a RoleBinding change, each from the commit to its
// findings being recorded. Add `node --cpu-prof --import tsx` to profile.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { BUILTIN_CONTROLS } from '@stance/shared/controls/index';
import { percentileOf } from '@stance/shared/engine/testing/engine-bench';
import type { KubeObject } from '@stance/shared/model/index';
import { generateObjects } from '../../../../devcluster/src/apiserver/generate.js';
import { AgentStore } from '../../store/agents.js';
import { openDatabase } from '../../store/database.js';
import { ResourceStore, resourceInputOf } from '../../store/resources.js';
import { ExceptionStore } from '../exceptions.js';
import { FindingsService } from '../findings-service.js';
import { FindingsStore } from '../findings-store.js';

const n = Number(process.argv[2] ?? 100_000);
const CLUSTER = 'c1';
const dir = mkdtempSync(join(tmpdir(), 'stance-findings-profile-'));
const db = openDatabase(join(dir, 'db.sqlite'));
const resources = new ResourceStore(db);
new AgentStore(db).connect({ clusterId: CLUSTER, clusterName: CLUSTER, agentId: 'a1', mode: 'cluster', nodeName: '', version: 'p', sessionId: 's' }, 0);
const service = new FindingsService(db, resources, new FindingsStore(db), BUILTIN_CONTROLS, {}, new ExceptionStore(db), pino({ level: 'silent' }));

let rv = 1;
const input = resourceInputOf;

const objects = generateObjects(n, { seed: 7 }).map((o) => {
  o.metadata.uid ??= `uid-${o.kind}-${o.metadata.namespace}-${o.metadata.name}`;
  o.metadata.resourceVersion = String(rv++);
  return o;
});

async function main(): Promise<void> {
  let t = performance.now();
  db.transaction(() => {
    for (const o of objects) resources.upsert(CLUSTER, input(o), 0);
    // Queued inside the same transaction as ingest does; evaluated off it.
    for (const o of objects) service.onChange(CLUSTER, { type: 'upsert', object: o });
  })();
  const storeMs = performance.now() - t;
  t = performance.now();
  await service.idle();
  const syncMs = performance.now() - t;
  const rows = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  console.log(
    JSON.stringify({
      objects: objects.length,
      storeMs: Math.round(storeMs),
      findingsAfterStoreMs: Math.round(syncMs),
      resultsPerSecond: Math.round(service.stats.evaluatedSubjects / (syncMs / 1000)),
      results: service.stats.evaluatedSubjects,
      findings: rows('findings'),
      events: rows('finding_events'),
    }),
  );

  const change = async (targets: KubeObject[], mutate: (o: KubeObject, i: number) => void) => {
    const times: number[] = [];
    for (const [i, o] of targets.entries()) {
      const next = structuredClone(o);
      mutate(next, i);
      next.metadata.resourceVersion = String(rv++);
      const t0 = performance.now();
      db.transaction(() => {
        const r = resources.upsert(CLUSTER, input(next), Date.now());
        if (r.change === 'updated') service.onChange(CLUSTER, { type: 'upsert', object: r.object, previous: r.previous });
      })();
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

main()
  .finally(() => {
    service.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  })
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
