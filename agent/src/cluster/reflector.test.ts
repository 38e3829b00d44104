// The reflector against the test API server, through the real KubeClient and a kubeconfig
// file as a user would give one: list snapshots, watch events, 410 relists, retries.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import pLimit from 'p-limit';
import { createLogger } from '@stance/shared/log/index';
import type { KindInfo, KubeObject } from '@stance/shared/model/index';
import { TestApiServer } from '../../../devcluster/src/index.js';
import { KubeClient } from './kube-client.js';
import { Reflector, type ObjectEventType, type ReflectorOptions, type ReflectorSink } from './reflector.js';

const CONFIGMAP: KindInfo = { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };
const SECRET: KindInfo = { apiVersion: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true, metadataOnly: true };
const OPTS: ReflectorOptions = { pageSize: 2, pageGate: pLimit(2), pageTimeoutMs: 10_000, inactivityMs: 10_000, watchTimeoutSeconds: 60 };

const log = createLogger('reflector-test');
log.level = 'silent';

type Recorded =
  | { t: 'begin'; id: string; key: string }
  | { t: 'object'; type: ObjectEventType; name: string; obj: KubeObject }
  | { t: 'end'; id: string; count: number };

class RecordingSink implements ReflectorSink {
  readonly events: Recorded[] = [];
  snapshotBegin(id: string, key: string): void {
    this.events.push({ t: 'begin', id, key });
  }
  object(type: ObjectEventType, obj: KubeObject): void {
    this.events.push({ t: 'object', type, name: obj.metadata.name ?? '', obj });
    this.onObject?.(type, obj);
  }
  snapshotEnd(id: string, count: number): void {
    this.events.push({ t: 'end', id, count });
  }
  waitForRoom(): Promise<void> {
    return Promise.resolve();
  }
  onObject?: (type: ObjectEventType, obj: KubeObject) => void;

  ends(): Extract<Recorded, { t: 'end' }>[] {
    return this.events.filter((e): e is Extract<Recorded, { t: 'end' }> => e.t === 'end');
  }
  /** The objects between the begin and end of a completed snapshot. */
  snapshot(id: string): Extract<Recorded, { t: 'object' }>[] {
    const from = this.events.findIndex((e) => e.t === 'begin' && e.id === id);
    const to = this.events.findIndex((e) => e.t === 'end' && e.id === id);
    expect(from).toBeGreaterThanOrEqual(0);
    expect(to).toBeGreaterThan(from);
    return this.events.slice(from + 1, to).filter((e): e is Extract<Recorded, { t: 'object' }> => e.t === 'object');
  }
  has(type: ObjectEventType, name: string): boolean {
    return this.events.some((e) => e.t === 'object' && e.type === type && e.name === name);
  }
}

async function eventually(pred: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const cm = (name: string, value = '1'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'app' }, data: { value } });

describe('Reflector with KubeClient against the test API server', () => {
  const server = new TestApiServer({ bookmarkIntervalMs: 200 });
  const dir = mkdtempSync(join(tmpdir(), 'stance-reflector-'));
  let client: KubeClient;
  const running: Reflector[] = [];

  function start(kind: KindInfo, sink: ReflectorSink, opts: ReflectorOptions = OPTS): Reflector {
    const r = new Reflector(client, kind, sink, opts, log);
    running.push(r);
    r.start();
    return r;
  }

  beforeAll(async () => {
    server.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } });
    for (const n of ['a', 'b', 'c', 'd', 'e']) server.create(cm(n));
    server.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'app', labels: { app: 'db' } }, type: 'Opaque', data: { password: 'aHVudGVyMg==' } });
    await server.start();
    const file = join(dir, 'kubeconfig');
    server.writeKubeconfig(file);
    const kc = new KubeConfig();
    kc.loadFromFile(file);
    client = new KubeClient(kc);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
    server.failRequests(0);
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists every page as one snapshot: begin, SYNC items, end with the count', async () => {
    const sink = new RecordingSink();
    const r = start(CONFIGMAP, sink);
    await eventually(() => sink.ends().length === 1);
    const first = sink.events[0];
    expect(first).toMatchObject({ t: 'begin', key: 'v1/ConfigMap' });
    const id = (first as { id: string }).id;
    const items = sink.snapshot(id);
    const expected = server.list('ConfigMap').map((o) => o.metadata.name);
    expect(expected.length).toBeGreaterThan(OPTS.pageSize * 2); // several pages
    expect(items.map((e) => e.name).sort()).toEqual([...expected].sort());
    expect(items.every((e) => e.type === 'SYNC')).toBe(true);
    expect(sink.ends()).toEqual([{ t: 'end', id, count: expected.length }]);
    expect(r.count).toBe(expected.length);
  });

  it('holds the shared page gate from waiting for room until the page is emitted', async () => {
    // One page at a time across two kinds: while the first waits for room, the other
    // fetches nothing.
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    let roomCalls = 0;
    const sink = new RecordingSink();
    sink.waitForRoom = () => (++roomCalls === 1 ? blocked : Promise.resolve());
    const opts = { ...OPTS, pageGate: pLimit(1) };
    start(CONFIGMAP, sink, opts);
    start(SECRET, sink, opts);
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(roomCalls).toBe(1);
      expect(sink.events.filter((e) => e.t === 'object')).toEqual([]);
    } finally {
      release();
    }
    await eventually(() => sink.ends().length === 2);
    expect(sink.events.filter((e) => e.t === 'object').length).toBe(server.list('ConfigMap').length + server.list('Secret').length);
  });

  it('abandons a list page that never comes, which frees the gate for the other kinds', async () => {
    // The fetch is inside the gate: while one kind's request hangs, the other lists nothing.
    const sink = new RecordingSink();
    const opts = { ...OPTS, pageGate: pLimit(1), pageTimeoutMs: 600 };
    server.failRequests(1, 'stall');
    start(CONFIGMAP, sink, opts);
    start(SECRET, sink, opts);
    await new Promise((r) => setTimeout(r, 400));
    expect(sink.events.filter((e) => e.t === 'object')).toEqual([]);
    await eventually(() => sink.ends().length === 2, 8000);
    for (const end of sink.ends()) expect(sink.snapshot(end.id).length).toBe(end.count);
    expect(sink.ends().map((e) => e.count).sort()).toEqual([server.list('ConfigMap').length, server.list('Secret').length].sort());
  });

  it('stop() returns while the reflector waits for room', async () => {
    const sink = new RecordingSink();
    sink.waitForRoom = () => new Promise<void>(() => undefined);
    const r = start(CONFIGMAP, sink);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const t = Date.now();
    await r.stop();
    expect(Date.now() - t).toBeLessThan(1000);
  });

  it('watches from the list: ADDED, MODIFIED and DELETED, and keeps its count', async () => {
    const sink = new RecordingSink();
    const r = start(CONFIGMAP, sink);
    await eventually(() => sink.ends().length === 1 && server.watchCount() > 0);
    const listed = r.count;
    server.create(cm('w1'));
    await eventually(() => sink.has('ADDED', 'w1'));
    server.patch('ConfigMap', 'app', 'w1', { data: { value: '2' } });
    await eventually(() => sink.has('MODIFIED', 'w1'));
    server.remove('ConfigMap', 'app', 'w1');
    await eventually(() => sink.has('DELETED', 'w1'));
    const watched = sink.events.filter((e) => e.t === 'object' && e.type !== 'SYNC');
    expect(watched.map((e) => (e as { type: string }).type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    const modified = watched[1] as { obj: KubeObject };
    expect(modified.obj.data).toEqual({ value: '2' });
    expect(r.count).toBe(listed);
    // Nothing was relisted for ordinary changes.
    expect(sink.ends()).toHaveLength(1);
  });

  it('relists as a new snapshot when the watch expires (410), and watches again', async () => {
    const sink = new RecordingSink();
    start(CONFIGMAP, sink);
    await eventually(() => sink.ends().length === 1 && server.watchCount() > 0);
    server.expireWatches();
    await eventually(() => sink.ends().length === 2);
    const [first, second] = sink.ends();
    expect(second!.id).not.toBe(first!.id);
    expect(second!.count).toBe(server.list('ConfigMap').length);
    expect(sink.snapshot(second!.id).every((e) => e.type === 'SYNC')).toBe(true);
    await eventually(() => server.watchCount() > 0);
    server.create(cm('after-expiry'));
    await eventually(() => sink.has('ADDED', 'after-expiry'));
    server.remove('ConfigMap', 'app', 'after-expiry');
  });

  it('retries a failed list with backoff and recovers with a complete snapshot', async () => {
    server.failRequests(1);
    const sink = new RecordingSink();
    const startedAt = Date.now();
    start(CONFIGMAP, sink);
    await eventually(() => sink.ends().length === 1);
    // The retry waited (at least half the 500 ms base backoff): not a hot loop.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(240);
    const begins = sink.events.filter((e) => e.t === 'begin');
    expect(begins).toHaveLength(2);
    const [end] = sink.ends();
    expect(end!.id).toBe((begins[1] as { id: string }).id);
    expect(end!.count).toBe(server.list('ConfigMap').length);
    await eventually(() => server.watchCount() > 0);
    server.create(cm('after-failure'));
    await eventually(() => sink.has('ADDED', 'after-failure'));
    server.remove('ConfigMap', 'app', 'after-failure');
  });

  it('receives Secrets as metadata only, in the list and in the watch', async () => {
    const sink = new RecordingSink();
    start(SECRET, sink);
    await eventually(() => sink.ends().length === 1 && server.watchCount() > 0);
    const listed = sink.events.find((e) => e.t === 'object' && e.name === 'creds') as { obj: KubeObject } | undefined;
    expect(listed?.obj.metadata.labels).toEqual({ app: 'db' });
    expect(listed?.obj.data).toBeUndefined();
    server.patch('Secret', 'app', 'creds', { data: { password: 'c2VjcmV0', token: 'dG9rZW4=' } });
    await eventually(() => sink.has('MODIFIED', 'creds'));
    const text = JSON.stringify(sink.events);
    expect(text).not.toContain('aHVudGVyMg');
    expect(text).not.toContain('c2VjcmV0');
    expect(text).not.toContain('dG9rZW4');
  });

  it('starts a fresh snapshot promptly when a resync is asked for while listing', async () => {
    const sink = new RecordingSink();
    const r = start(CONFIGMAP, sink);
    // Ask on the last listed item: after the per-page check, before the watch begins.
    const last = [...server.list('ConfigMap')].map((o) => o.metadata.name).sort().at(-1);
    let asked = false;
    sink.onObject = (type, obj) => {
      if (!asked && type === 'SYNC' && obj.metadata.name === last) {
        asked = true;
        r.resync();
      }
    };
    await eventually(() => sink.ends().length === 2, 1500);
    expect(sink.ends()[1]!.count).toBe(server.list('ConfigMap').length);
  });

  it('stop() ends the list/watch loop and closes its watch', async () => {
    const sink = new RecordingSink();
    const r = start(CONFIGMAP, sink);
    await eventually(() => sink.ends().length === 1 && server.watchCount() > 0);
    const t0 = Date.now();
    await r.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    await eventually(() => server.watchCount() === 0);
    const seen = sink.events.length;
    server.create(cm('after-stop'));
    await new Promise((res) => setTimeout(res, 100));
    expect(sink.events.length).toBe(seen);
    server.remove('ConfigMap', 'app', 'after-stop');
  });

  it('stop() during a backoff wait returns at once', async () => {
    server.failRequests(100);
    const sink = new RecordingSink();
    const r = start(CONFIGMAP, sink);
    await eventually(() => sink.events.length >= 2); // at least one failed attempt
    const t0 = Date.now();
    await r.stop();
    expect(Date.now() - t0).toBeLessThan(300);
    expect(sink.ends()).toHaveLength(0);
  });
});
