// When evaluation runs (EvaluationScheduler, through FindingsService and the real ingest
// pipeline): relation checks wait for a listing of what they read, everything else is
// evaluated as it arrives; a slice that fails is redone chunk by chunk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_CONTROLS } from '@stance/shared/controls/index';
import type { Control } from '@stance/shared/engine/index';
import type { KubeObject } from '@stance/shared/model/index';
import { IngestPipeline, type IngestOp, type IngestSession } from '../ingest/pipeline.js';
import { AgentStore } from '../store/agents.js';
import { openDatabase, type Db } from '../store/database.js';
import { ResourceStore, resourceInputOf } from '../store/resources.js';
import { ExceptionStore } from './exceptions.js';
import { FindingsService } from './findings-service.js';
import { FindingsStore } from './findings-store.js';

const dir = mkdtempSync(join(tmpdir(), 'stance-scheduler-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;

const NP_KIND = 'networking.k8s.io/v1/NetworkPolicy';
const session: IngestSession = { clusterId: 'c1', agentId: 'a1', ack: () => undefined, reject: () => undefined, abort: () => undefined };

function deployment(name: string, privileged = true): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: '1' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27', securityContext: { privileged } }] } },
    },
  };
}

/** A stack of its own per test: database, findings service and pipeline as the collector wires them. */
function stack(controls: readonly Control[]) {
  const db: Db = openDatabase(join(dir, `db-${++fileNo}.sqlite`));
  const resources = new ResourceStore(db);
  const agents = new AgentStore(db);
  agents.connect({ clusterId: 'c1', clusterName: 'c1', agentId: 'a1', mode: 'cluster', nodeName: '', version: 't', sessionId: 's' }, 0);
  const logged: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line).msg as string) });
  const service = new FindingsService(db, resources, new FindingsStore(db), controls, {}, new ExceptionStore(db), log);
  const pipeline = new IngestPipeline(db, resources, agents, { maxBatch: 10_000, log });
  pipeline.onChange((cluster, change) => service.onChange(cluster, change));
  let seq = 0;
  return {
    db,
    service,
    logged,
    async send(...ops: IngestOp[]): Promise<void> {
      for (const op of ops) pipeline.enqueue(session, ++seq, op);
      await pipeline.idle();
    },
    open: (controlId: string, name: string) => service.store.finding('c1', controlId, `uid-${name}`)?.status === 'open',
    close(): void {
      service.stop();
      db.close();
    },
  };
}

const upsert = (o: KubeObject): IngestOp => ({ type: 'upsert', resource: resourceInputOf(o) });

async function eventually(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`never: ${what}`);
}

describe('EvaluationScheduler', () => {
  let s: ReturnType<typeof stack> | undefined;
  afterEach(() => s?.close());

  it('while NetworkPolicies are being listed, the isolation check waits; the object checks do not', async () => {
    s = stack(BUILTIN_CONTROLS.filter((c) => c.id === 'pod.privileged' || c.id === 'net.pod-not-isolated'));
    await s.send({ type: 'snapshot-begin', snapshotId: 'np', kinds: [NP_KIND] }, upsert(deployment('web')));
    await eventually('pod.privileged opens during the listing', () => s!.open('pod.privileged', 'web'));
    expect(s.open('net.pod-not-isolated', 'web')).toBe(false);
    expect(s.service.backlog).toBe(1); // the held check

    await s.send({ type: 'snapshot-end', snapshotId: 'np' });
    await s.service.idle();
    expect(s.open('net.pod-not-isolated', 'web')).toBe(true);
    expect(s.service.backlog).toBe(0);
  });

  it('a slice that fails is redone chunk by chunk: only the chunk that fails is lost', async () => {
    const boom: Control = {
      ...BUILTIN_CONTROLS.find((c) => c.id === 'pod.privileged')!,
      id: 'test.boom',
      check: (subject) => {
        if (subject.metadata.name === 'd-2500') throw new Error('a check that fails on one object');
        return [];
      },
    };
    s = stack([BUILTIN_CONTROLS.find((c) => c.id === 'pod.privileged')!, boom]);
    // One ingest batch, so the scheduler sees a bulk backlog (≥ 5,000) at once.
    await s.send(...Array.from({ length: 6000 }, (_, i) => upsert(deployment(`d-${i}`))));
    await s.service.idle();
    // A slice holds as many chunks as fit in its time: on a slow machine d-2500's chunk can
    // be a slice of its own, so the redo message is not asserted, only what was kept.
    expect(s.logged).toContain('evaluation failed');
    // Chunks are 500 changes: d-2500's chunk is lost, its neighbours' are not.
    expect(s.open('pod.privileged', 'd-0')).toBe(true);
    expect(s.open('pod.privileged', 'd-2499')).toBe(true);
    expect(s.open('pod.privileged', 'd-2500')).toBe(false);
    expect(s.open('pod.privileged', 'd-3000')).toBe(true);
    expect(s.open('pod.privileged', 'd-5999')).toBe(true);
    // What rolled back is not counted, nor counted twice when redone: scores and counts are the rows'.
    const openRows = s.db.prepare("SELECT count(*) FROM findings WHERE status = 'open'").pluck().get();
    expect(openRows).toBe(5500);
    expect(s.service.countByStatus('c1').open).toBe(openRows);
    expect(s.service.tallies.view('c1', 'cluster').failed).toBe(openRows);
  });
});
