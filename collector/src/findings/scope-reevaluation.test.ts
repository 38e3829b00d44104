// Background re-evaluation of an exception's scope, on a real SQLite file and the real
// findings service: a failure, or a database closed at shutdown, must neither end the
// process (an unhandled rejection) nor stop the exceptions queued after it from applying.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { BUILTIN_CONTROLS } from '@stance/shared/controls/index';
import type { KubeObject } from '@stance/shared/model/index';
import { IngestPipeline, type IngestSession } from '../ingest/pipeline.js';
import { AgentStore } from '../store/agents.js';
import { openDatabase, type Db } from '../store/database.js';
import { ResourceStore, resourceInputOf } from '../store/resources.js';
import { ExceptionStore } from './exceptions.js';
import { FindingsService } from './findings-service.js';
import { FindingsStore } from './findings-store.js';

const dir = mkdtempSync(join(tmpdir(), 'stance-scope-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
const log = pino({ level: 'silent' });
const PRIVILEGED = 'pod.privileged';

const privileged = (name: string, uid: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'app', uid, resourceVersion: '1' },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27', securityContext: { privileged: true } }] } } },
});

describe('ScopeReevaluation', () => {
  let db: Db;
  let service: FindingsService;
  const failures: string[] = [];

  async function start(): Promise<void> {
    db = openDatabase(join(dir, `db-${++fileNo}.sqlite`));
    const resources = new ResourceStore(db);
    const agents = new AgentStore(db);
    agents.connect({ clusterId: 'c1', clusterName: 'c1', agentId: 'a1', mode: 'cluster', nodeName: '', version: 't', sessionId: 's' }, 0);
    const controls = BUILTIN_CONTROLS.filter((c) => c.id === PRIVILEGED);
    service = new FindingsService(db, resources, new FindingsStore(db), controls, {}, new ExceptionStore(db), log, { onFailure: (_err, during) => void failures.push(during) });
    await service.reconcile();
    const pipeline = new IngestPipeline(db, resources, agents, { maxBatch: 100, log });
    pipeline.onChange((cluster, change) => service.onChange(cluster, change));
    const session: IngestSession = { clusterId: 'c1', agentId: 'a1', ack: () => undefined, reject: () => undefined, abort: () => undefined };
    pipeline.enqueue(session, 1, { type: 'upsert', resource: resourceInputOf(privileged('web', 'd1')) });
    await pipeline.idle();
    await service.idle();
    expect(service.store.finding('c1', PRIVILEGED, 'd1')?.status).toBe('open');
  }

  afterEach(() => {
    service.stop();
    if (db.open) db.close();
    failures.length = 0;
  });

  it('reports a failure listing the clusters, and still applies the next exception', async () => {
    await start();
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const first = service.exceptions.add({ controlId: PRIVILEGED, reason: 'every cluster, for the test' }, 'test');
      // The cluster listing fails (as on a broken disk) for the first exception only.
      db.exec('ALTER TABLE clusters RENAME TO clusters_away');
      service.reevaluateFor(first);
      await service.idle();
      db.exec('ALTER TABLE clusters_away RENAME TO clusters');
      expect(failures).toEqual(['exception re-evaluation']);
      expect(service.store.finding('c1', PRIVILEGED, 'd1')?.status).toBe('open');

      const second = service.exceptions.add({ controlId: PRIVILEGED, cluster: 'c1', reason: 'this cluster, for the test' }, 'test');
      service.reevaluateFor(second);
      await service.idle();
      expect(service.store.finding('c1', PRIVILEGED, 'd1')?.status).toBe('excepted');
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('ends with the exceptions in force when they are added and withdrawn in quick succession', async () => {
    await start();
    const e = service.exceptions.add({ controlId: PRIVILEGED, reason: 'added then withdrawn at once' }, 'test');
    service.reevaluateFor(e);
    service.exceptions.remove(e.id, 'test', 'a mistake');
    service.reevaluateFor(e);
    const kept = service.exceptions.add({ controlId: PRIVILEGED, namespace: 'app', reason: 'the one that stays' }, 'test');
    service.reevaluateFor(kept);
    await service.idle();
    expect(service.store.finding('c1', PRIVILEGED, 'd1')).toMatchObject({ status: 'excepted', reason: expect.stringContaining(kept.id) });
    service.exceptions.remove(kept.id, 'test', 'fixed');
    service.reevaluateFor(kept);
    await service.idle();
    expect(service.store.finding('c1', PRIVILEGED, 'd1')?.status).toBe('open');
  });

  it('does not touch a database closed at shutdown right after an exception was queued', async () => {
    await start();
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      service.reevaluateFor(service.exceptions.add({ controlId: PRIVILEGED, reason: 'queued at shutdown' }, 'test'));
      service.stop();
      db.close(); // the collector closes it once it stopped; the queued job has not started yet
      await service.idle();
      await new Promise((resolve) => setImmediate(resolve));
      expect(failures).toEqual([]);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
