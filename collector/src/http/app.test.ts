// The HTTP API through hono's app.request(), over real stores on a temp SQLite file
// filled through the real ingest pipeline and findings service.
import { ExceptionStore } from '../findings/exceptions.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { BUILTIN_CONTROLS } from '@stance/shared/controls/index';
import type { KubeObject } from '@stance/shared/model/index';
import { FindingsService } from '../findings/findings-service.js';
import { FindingsStore } from '../findings/findings-store.js';
import { IngestPipeline, type IngestSession } from '../ingest/pipeline.js';
import { AgentStore } from '../store/agents.js';
import { openDatabase, type Db } from '../store/database.js';
import { ResourceStore } from '../store/resources.js';
import { createHttpApp } from './app.js';

const HEARTBEAT_MS = 5000;
const log = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'stance-http-'));

function deployment(name: string, namespace: string, uid: string, privileged: boolean): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, uid, resourceVersion: '1' },
    spec: { selector: {}, template: { spec: { containers: [{ name: 'c', image: 'nginx:1.27', securityContext: { privileged } }] } } },
  };
}
const namespace = (name: string, uid: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, uid, resourceVersion: '1' } });

let db: Db;
let agents: AgentStore;
let ready = false;
let app: ReturnType<typeof createHttpApp>;

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await app.request(path);
  const text = await res.text();
  expect(res.headers.get('content-type') ?? '').toContain('application/json');
  return { status: res.status, body: JSON.parse(text) };
}

beforeAll(async () => {
  db = openDatabase(join(dir, 'stance.sqlite'));
  const resources = new ResourceStore(db);
  agents = new AgentStore(db);
  const controls = BUILTIN_CONTROLS.filter((c) => c.id === 'pod.privileged' || c.id === 'pod.host-network');
  const findings = new FindingsService(db, resources, new FindingsStore(db), controls, {}, new ExceptionStore(db), log);
  const pipeline = new IngestPipeline(db, resources, agents, { maxBatch: 1000, log });
  pipeline.onChange((c, ch) => findings.onChange(c, ch));

  const now = Date.now();
  const hello = (clusterId: string, clusterName: string, agentId: string, mode: 'cluster' | 'node' = 'cluster', at = now - 60_000) =>
    agents.connect({ clusterId, clusterName, agentId, mode, nodeName: mode === 'node' ? 'worker-1' : '', version: '0.1.0', sessionId: `${agentId}-s` }, at);
  hello('uid-prod', 'prod', 'cluster-agent');
  hello('uid-prod', 'prod', 'node-stale', 'node');
  hello('uid-prod', 'prod', 'node-gone', 'node');
  hello('uid-prod', 'prod', 'node-quiet', 'node', now);
  hello('uid-dev', 'dev', 'cluster-agent');
  agents.heartbeat('uid-prod', 'cluster-agent', { lagMs: 3 }, now - (HEARTBEAT_MS * 3 - 1000));
  agents.heartbeat('uid-prod', 'node-stale', { lagMs: 0 }, now - (HEARTBEAT_MS * 3 + 1000));
  agents.disconnect('uid-prod', 'node-gone', 'node-gone-s');
  // node-quiet: connected, no heartbeat yet; judged by its connection time.
  // node-back: its last heartbeat is from an earlier connection; it just reconnected.
  const back = { clusterId: 'uid-prod', clusterName: 'prod', agentId: 'node-back', mode: 'node' as const, nodeName: 'worker-2', version: '0.1.0', sessionId: 'old' };
  agents.connect(back, now - 60_000);
  agents.heartbeat('uid-prod', 'node-back', {}, now - 60_000);
  agents.disconnect('uid-prod', 'node-back', 'old');
  agents.connect({ ...back, sessionId: 'new' }, now);

  const sessions = new Map<string, IngestSession>();
  let seq = 0;
  const send = (clusterId: string, o: KubeObject) => {
    const s = sessions.get(clusterId) ?? { clusterId, agentId: 'cluster-agent', ack: () => undefined, reject: () => undefined, abort: () => undefined };
    sessions.set(clusterId, s);
    const m = o.metadata;
    pipeline.enqueue(s, ++seq, {
      type: 'upsert',
      resource: { apiVersion: o.apiVersion, kind: o.kind, namespace: m.namespace ?? '', name: m.name!, uid: m.uid!, resourceVersion: m.resourceVersion!, json: JSON.stringify(o) },
    });
  };
  send('uid-prod', namespace('app', 'ns-app'));
  send('uid-prod', namespace('db', 'ns-db'));
  for (let i = 0; i < 5; i++) send('uid-prod', deployment(`web-${i}`, 'app', `app-${i}`, i < 3));
  send('uid-prod', deployment('postgres', 'db', 'db-0', true));
  send('uid-prod', deployment('cache', 'db', 'db-1', false));
  send('uid-dev', deployment('web', 'app', 'dev-0', true));
  await pipeline.idle();
  await findings.idle();
  // One resolved finding: web-0 fixed.
  send('uid-prod', { ...deployment('web-0', 'app', 'app-0', false), metadata: { name: 'web-0', namespace: 'app', uid: 'app-0', resourceVersion: '2' } });
  await pipeline.idle();
  await findings.idle();

  app = createHttpApp({ agents, resources, findings, heartbeatIntervalMs: HEARTBEAT_MS, notReady: () => (ready ? undefined : 'starting'), log });
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('health', () => {
  it('/healthz is always ok', async () => {
    expect(await get('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('/readyz answers 503 until the collector is ready', async () => {
    expect((await get('/readyz')).status).toBe(503);
    ready = true;
    expect(await get('/readyz')).toEqual({ status: 200, body: { status: 'ready' } });
  });
});

describe('GET /api/v1/clusters', () => {
  it('lists clusters by name with object counts and agent status', async () => {
    const { status, body } = await get('/api/v1/clusters');
    expect(status).toBe(200);
    expect(body.items.map((c: { name: string }) => c.name)).toEqual(['dev', 'prod']);
    const prod = body.items[1];
    expect(prod).toMatchObject({ id: 'uid-prod', resources: { 'v1/Namespace': 2, 'apps/v1/Deployment': 7 } });
    expect(new Date(prod.firstSeen).toISOString()).toBe(prod.firstSeen);
    const status_ = Object.fromEntries(prod.agents.map((a: { agentId: string; status: string }) => [a.agentId, a.status]));
    expect(status_).toEqual({ 'cluster-agent': 'connected', 'node-stale': 'stale', 'node-gone': 'disconnected', 'node-quiet': 'connected', 'node-back': 'connected' });
    const clusterAgent = prod.agents.find((a: { agentId: string }) => a.agentId === 'cluster-agent');
    expect(clusterAgent).toMatchObject({ mode: 'cluster', version: '0.1.0', heartbeat: { lagMs: 3 } });
    expect(prod.agents.find((a: { agentId: string }) => a.agentId === 'node-quiet')).toMatchObject({ mode: 'node', nodeName: 'worker-1', lastHeartbeat: null });
  });
});

describe('GET /api/v1/resources', () => {
  it('filters by cluster, kind and namespace', async () => {
    const { body } = await get('/api/v1/resources?cluster=uid-prod&kind=Deployment&namespace=db');
    expect(body.items.map((r: { name: string }) => r.name)).toEqual(['cache', 'postgres']);
    expect(body.items[0]).toMatchObject({ cluster: 'uid-prod', apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'db', resourceVersion: '1' });
    expect(body.items[0].object.metadata.name).toBe('cache');
    expect(body.nextCursor).toBeUndefined();
    const ns = await get('/api/v1/resources?kind=Namespace');
    expect(ns.body.items.map((r: { name: string; namespace: string | null }) => [r.name, r.namespace])).toEqual([
      ['app', null],
      ['db', null],
    ]);
    expect((await get('/api/v1/resources?cluster=nope')).body.items).toEqual([]);
  });

  it('pages through every object exactly once', async () => {
    const seen: string[] = [];
    let url = '/api/v1/resources?limit=3';
    for (let i = 0; i < 20; i++) {
      const { status, body } = await get(url);
      expect(status).toBe(200);
      expect(body.items.length).toBeLessThanOrEqual(3);
      seen.push(...body.items.map((r: { cluster: string; uid: string }) => `${r.cluster}/${r.uid}`));
      if (!body.nextCursor) break;
      url = `/api/v1/resources?limit=3&cursor=${encodeURIComponent(body.nextCursor)}`;
    }
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(10);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=ten', 'limit'],
    ['kind=deployment', 'kind'],
    ['namespace=' + 'n'.repeat(64), 'namespace'],
    ['cursor=garbage', 'cursor'],
  ])('answers 400 naming the parameter for %s', async (query, param) => {
    const { status, body } = await get(`/api/v1/resources?${query}`);
    expect(status).toBe(400);
    expect(body.error.code).toMatch(/invalid/);
    expect(body.error.message).toContain(param);
  });
});

describe('GET /api/v1/findings', () => {
  type F = { controlId: string; status: string; severity: string; resource: { name: string; namespace: string | null }; cluster: string; id: string };
  const names = (items: F[]) => items.map((f) => f.resource.name).sort();

  it('lists open findings by default, most severe first, with control data', async () => {
    const { status, body } = await get('/api/v1/findings');
    expect(status).toBe(200);
    expect(names(body.items)).toEqual(['postgres', 'web', 'web-1', 'web-2']);
    expect(body.items.every((f: F) => f.status === 'open' && f.controlId === 'pod.privileged' && f.severity === 'critical')).toBe(true);
    expect(body.items[0].frameworks).toEqual(expect.arrayContaining([{ framework: 'pss-baseline', id: 'privileged' }]));
    expect(body.items[0].kubectlPatch).toMatch(/^kubectl patch/);
  });

  it('filters by cluster, namespace, severity, control and status', async () => {
    expect(names((await get('/api/v1/findings?cluster=uid-prod&namespace=app')).body.items)).toEqual(['web-1', 'web-2']);
    expect(names((await get('/api/v1/findings?cluster=uid-dev')).body.items)).toEqual(['web']);
    expect((await get('/api/v1/findings?severity=low')).body.items).toEqual([]);
    expect((await get('/api/v1/findings?control=pod.host-network')).body.items).toEqual([]);
    expect(names((await get('/api/v1/findings?status=resolved')).body.items)).toEqual(['web-0']);
    expect(names((await get('/api/v1/findings?kind=Deployment&severity=critical')).body.items)).toHaveLength(4);
  });

  it('pages through every finding exactly once', async () => {
    const first = await get('/api/v1/findings?limit=3');
    expect(first.body.items).toHaveLength(3);
    const second = await get(`/api/v1/findings?limit=3&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body.nextCursor).toBeUndefined();
    expect(names([...first.body.items, ...second.body.items])).toEqual(['postgres', 'web', 'web-1', 'web-2']);
  });

  it('serves one finding with its history, and 404 for an unknown id', async () => {
    const [resolved] = (await get('/api/v1/findings?status=resolved')).body.items as F[];
    const { status, body } = await get(`/api/v1/findings/${resolved!.id}`);
    expect(status).toBe(200);
    expect(body.history.map((e: { event: string }) => e.event)).toEqual(['opened', 'resolved']);
    expect(body.history[1].cause.changes[0]).toMatchObject({ from: true, to: false });
    expect((await get('/api/v1/findings/not-an-id')).status).toBe(404);
    const unknown = Buffer.from(JSON.stringify(['uid-prod', 'pod.privileged', 'nope'])).toString('base64url');
    expect((await get(`/api/v1/findings/${unknown}`)).status).toBe(404);
  });

  it('rejects a cursor whose severity rank is not a number (it would match nothing)', async () => {
    const forged = Buffer.from(JSON.stringify(['x', 'pod.privileged', 'uid-prod', 'app', 'web-1', 'app-1'])).toString('base64url');
    const { status, body } = await get(`/api/v1/findings?cursor=${forged}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_cursor');
  });

  it.each([
    ['severity=urgent', 'severity'],
    ['status=closed', 'status'],
    ['kind=pod', 'kind'],
    ['limit=-1', 'limit'],
    ['cursor=garbage', 'cursor'],
  ])('answers 400 naming the parameter for %s', async (query, param) => {
    const { status, body } = await get(`/api/v1/findings?${query}`);
    expect(status).toBe(400);
    expect(body.error.message).toContain(param);
  });
});

describe('a required parameter left out', () => {
  it('answers 400 saying it is required, not zod\'s "expected string, received undefined"', async () => {
    const { status, body } = await get('/api/v1/frameworks/pss-baseline/report');
    expect(status).toBe(400);
    expect(body.error).toEqual({ code: 'invalid_request', message: 'cluster: required' });
  });
});

describe('GET /openapi.json', () => {
  it('describes retiring a cluster id as the store does it: for good, not released to the next credential', async () => {
    const { body } = await get('/openapi.json');
    expect(body.paths['/api/v1/clusters/{id}/binding'].delete.summary).toMatch(/^Retire a cluster id \(admin\): no credential may write it again/);
  });

  it('is an OpenAPI document with the API paths', async () => {
    const { status, body } = await get('/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/clusters', '/api/v1/resources', '/api/v1/findings', '/api/v1/findings/{id}', '/api/v1/controls', '/api/v1/clusters/{id}/posture']),
    );
    const params = body.paths['/api/v1/findings'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['cluster', 'namespace', 'severity', 'control', 'status', 'limit', 'cursor']));
  });
});

it('answers unknown routes with a JSON 404', async () => {
  const { status, body } = await get('/api/v1/nothing');
  expect(status).toBe(404);
  expect(body.error.code).toBe('not_found');
});
