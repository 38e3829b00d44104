import { afterEach, describe, expect, it } from 'vitest';
import { WatchReader } from './http-testing.js';
import { TestApiServer } from './server.js';

const cm = (name: string, labels: Record<string, string> = {}, ns = 'default') => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, labels },
  data: { k: name },
});

describe('watch', () => {
  let server: TestApiServer;
  const readers: WatchReader[] = [];
  const open = async (path: string, headers: Record<string, string> = {}): Promise<WatchReader> => {
    const r = await WatchReader.open(server.url, path, headers);
    readers.push(r);
    return r;
  };
  const start = async (opts: ConstructorParameters<typeof TestApiServer>[0] = {}): Promise<void> => {
    server = new TestApiServer(opts);
    await server.start();
  };
  afterEach(async () => {
    for (const r of readers.splice(0)) r.close();
    await server.stop();
  });

  it('follows creates, updates and deletes after the given resourceVersion', async () => {
    await start();
    server.create(cm('before'));
    const rv = server.resourceVersion();
    const w = await open(`/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`);
    expect(w.status).toBe(200);
    const created = server.create(cm('a'));
    server.patch('ConfigMap', 'default', 'a', { data: { k: 'changed' } });
    server.remove('ConfigMap', 'default', 'a');
    const events = [await w.next(), await w.next(), await w.next()];
    expect(events.map((e) => e!.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(events.every((e) => e!.object.metadata.name === 'a')).toBe(true);
    expect(events[0]!.object.metadata.uid).toBe(created.metadata.uid);
    const rvs = events.map((e) => Number(e!.object.metadata.resourceVersion));
    expect(rvs[0]).toBeGreaterThan(Number(rv));
    expect(rvs[1]).toBeGreaterThan(rvs[0]!);
    expect(rvs[2]).toBeGreaterThan(rvs[1]!);
  });

  it('without a resourceVersion, starts with the current state as ADDED events', async () => {
    await start();
    server.create(cm('x'));
    server.create(cm('y'));
    const w = await open('/api/v1/configmaps?watch=true');
    const names = [(await w.next())!.object.metadata.name, (await w.next())!.object.metadata.name];
    expect(names).toEqual(['x', 'y']);
  });

  it('replays the event log from an older resourceVersion', async () => {
    await start();
    const rv = server.resourceVersion();
    server.create(cm('r1'));
    server.create(cm('r2'));
    const w = await open(`/api/v1/configmaps?watch=true&resourceVersion=${rv}`);
    expect((await w.next())!.object.metadata.name).toBe('r1');
    expect((await w.next())!.object.metadata.name).toBe('r2');
  });

  it('answers a too-old resourceVersion with an ERROR 410 Expired event and closes', async () => {
    await start({ eventLogSize: 20 });
    const rv = server.resourceVersion();
    for (let i = 0; i < 60; i++) server.create(cm(`c${i}`));
    const w = await open(`/api/v1/configmaps?watch=true&resourceVersion=${rv}`);
    const e = await w.next();
    expect(e).toEqual({ type: 'ERROR', object: expect.objectContaining({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 }) });
    expect(await w.next()).toBeUndefined();
  });

  it('sends bookmarks when asked, and only then', async () => {
    await start({ bookmarkIntervalMs: 50 });
    const rv = server.resourceVersion();
    const w = await open(`/api/v1/pods?watch=true&allowWatchBookmarks=true&resourceVersion=${rv}`);
    const b = await w.next(2000);
    expect(b!.type).toBe('BOOKMARK');
    expect(b!.object).toEqual({ kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: rv } });
    const plain = await open(`/api/v1/pods?watch=true&resourceVersion=${rv}`);
    await expect(plain.next(300)).rejects.toThrow(/no watch event/);
  });

  it('sendInitialEvents ends the initial state with an annotated bookmark', async () => {
    await start({ bookmarkIntervalMs: 60_000 });
    server.create(cm('s1'));
    const w = await open('/api/v1/configmaps?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan');
    expect((await w.next())!.type).toBe('ADDED');
    const end = await w.next();
    expect(end!.type).toBe('BOOKMARK');
    expect(end!.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
  });

  it('honours timeoutSeconds', async () => {
    await start();
    const t0 = Date.now();
    const w = await open(`/api/v1/pods?watch=true&timeoutSeconds=1&resourceVersion=${server.resourceVersion()}`);
    expect(await w.next(3000)).toBeUndefined();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('expireWatches sends 410 to every open watch and closes it', async () => {
    await start();
    const ws = await Promise.all([1, 2, 3].map(() => open(`/api/v1/configmaps?watch=true&resourceVersion=${server.resourceVersion()}`)));
    await new Promise((r) => setTimeout(r, 50));
    expect(server.watchCount()).toBe(3);
    server.expireWatches();
    for (const w of ws) {
      expect((await w.next())!.object.code).toBe(410);
      expect(await w.next()).toBeUndefined();
    }
    expect(server.watchCount()).toBe(0);
  });

  it('turns selector transitions into ADDED and DELETED', async () => {
    await start();
    server.create(cm('sel', { app: 'a' }));
    const w = await open(`/api/v1/configmaps?watch=true&labelSelector=app%3Da&resourceVersion=${server.resourceVersion()}`);
    server.patch('ConfigMap', 'default', 'sel', { metadata: { labels: { app: 'b' } } });
    server.patch('ConfigMap', 'default', 'sel', { metadata: { labels: { app: 'a' } } });
    server.create(cm('other', { app: 'b' }));
    server.remove('ConfigMap', 'default', 'sel');
    const types = [(await w.next())!.type, (await w.next())!.type, (await w.next())!.type];
    expect(types).toEqual(['DELETED', 'ADDED', 'DELETED']);
  });

  it('watches a namespace only, and serves metadata-only events', async () => {
    await start();
    server.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    const w = await open(`/api/v1/namespaces/default/secrets?watch=true&resourceVersion=${server.resourceVersion()}`, {
      Accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json',
    });
    server.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'other' }, data: { p: 'eA==' } });
    server.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, data: { p: 'eA==' } });
    const e = await w.next();
    expect(e!.object.kind).toBe('PartialObjectMetadata');
    expect(e!.object.metadata.namespace).toBe('default');
    expect(e!.object.data).toBeUndefined();
  });

  it('fans one change out to many watchers, and stop() closes them all', async () => {
    await start();
    const rv = server.resourceVersion();
    const ws = await Promise.all(Array.from({ length: 50 }, () => open(`/api/v1/configmaps?watch=true&resourceVersion=${rv}`)));
    server.create(cm('fan'));
    for (const w of ws) expect((await w.next())!.object.metadata.name).toBe('fan');
    await server.stop();
    for (const w of ws) expect(await w.next()).toBeUndefined();
  });
});
