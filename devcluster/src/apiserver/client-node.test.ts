// The real @kubernetes/client-node 1.4 against the test server: informers, watches,
// 410 handling and metadata-only lists work unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api, KubeConfig, makeInformer, Observable, Watch, type V1ConfigMap } from '@kubernetes/client-node';
import { kubeconfigFor } from './kubeconfig.js';
import { TestApiServer } from './server.js';

async function eventually(pred: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('@kubernetes/client-node 1.4 against the test server', () => {
  const server = new TestApiServer({ bookmarkIntervalMs: 100 });
  const kc = new KubeConfig();
  let core: CoreV1Api;
  beforeAll(async () => {
    server.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } });
    server.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'seed', namespace: 'app' }, data: { a: '1' } });
    server.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'app' }, type: 'Opaque', data: { password: 'aHVudGVyMg==' } });
    await server.start();
    kc.loadFromString(kubeconfigFor(server.url));
    core = kc.makeApiClient(CoreV1Api);
  });
  afterAll(() => server.stop());

  it('informer lists, then sees create, update and delete', async () => {
    const informer = makeInformer<V1ConfigMap>(kc, '/api/v1/namespaces/app/configmaps', () => core.listNamespacedConfigMap({ namespace: 'app' }));
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add:${o.metadata!.name}`));
    informer.on('update', (o) => seen.push(`update:${o.metadata!.name}:${o.data?.a}`));
    informer.on('delete', (o) => seen.push(`delete:${o.metadata!.name}`));
    await informer.start();
    try {
      await eventually(() => seen.includes('add:seed'));
      await core.createNamespacedConfigMap({ namespace: 'app', body: { metadata: { name: 'new' }, data: { a: '1' } } });
      await eventually(() => seen.includes('add:new'));
      const current = await core.readNamespacedConfigMap({ namespace: 'app', name: 'new' });
      await core.replaceNamespacedConfigMap({ namespace: 'app', name: 'new', body: { ...current, data: { a: '2' } } });
      await eventually(() => seen.includes('update:new:2'));
      await core.deleteNamespacedConfigMap({ namespace: 'app', name: 'new' });
      await eventually(() => seen.includes('delete:new'));
      expect(informer.list().map((o) => o.metadata!.name)).toEqual(['seed']);
    } finally {
      await informer.stop();
    }
  });

  it('informer relists after 410 Expired and reconciles what changed meanwhile', async () => {
    let lists = 0;
    const informer = makeInformer<V1ConfigMap>(kc, '/api/v1/configmaps', () => {
      lists++;
      return core.listConfigMapForAllNamespaces();
    });
    const deleted: string[] = [];
    const added: string[] = [];
    informer.on('delete', (o) => deleted.push(o.metadata!.name!));
    informer.on('add', (o) => added.push(o.metadata!.name!));
    server.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'doomed', namespace: 'app' } });
    await informer.start();
    try {
      await eventually(() => added.includes('doomed') && server.watchCount() > 0);
      // Expire, then change state before the informer can watch again: only a relist shows it.
      server.expireWatches();
      server.remove('ConfigMap', 'app', 'doomed');
      server.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'born', namespace: 'app' } });
      await eventually(() => deleted.includes('doomed') && added.includes('born'));
      expect(lists).toBeGreaterThanOrEqual(2);
    } finally {
      await informer.stop();
    }
  });

  it('Watch receives bookmarks when it asks for them', async () => {
    const events: { type: string; rv: string }[] = [];
    const rv = server.resourceVersion();
    let doneErr: unknown = 'not done';
    const controller = await new Watch(kc).watch(
      '/api/v1/namespaces/app/configmaps',
      { allowWatchBookmarks: true, resourceVersion: rv },
      (type, obj) => events.push({ type, rv: obj.metadata.resourceVersion }),
      (err) => {
        doneErr = err;
      },
    );
    try {
      await eventually(() => events.some((e) => e.type === 'BOOKMARK'));
      expect(events.find((e) => e.type === 'BOOKMARK')!.rv).toBe(rv);
      expect(doneErr).toBe('not done');
    } finally {
      controller.abort();
    }
  });

  it('a metadata-only list of Secrets carries no data', async () => {
    // Per-call middleware that asks for metadata only (as the agent does for Secrets).
    const accept = {
      pre: (ctx: { setHeaderParam(k: string, v: string): void }) => {
        ctx.setHeaderParam('Accept', 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json');
        return new Observable(Promise.resolve(ctx));
      },
      post: <T>(r: T) => new Observable(Promise.resolve(r)),
    };
    const list = await core.listSecretForAllNamespaces({}, { middleware: [accept as never], middlewareMergeStrategy: 'append' });
    expect(list.items.map((s) => s.metadata?.name)).toContain('creds');
    for (const s of list.items) {
      expect(s.data).toBeUndefined();
      expect(s.metadata?.uid).toBeTruthy();
    }
    const full = await core.readNamespacedSecret({ namespace: 'app', name: 'creds' });
    expect(full.data).toEqual({ password: 'aHVudGVyMg==' });
  });

  it('errors come back as typed Status bodies', async () => {
    await expect(core.readNamespacedConfigMap({ namespace: 'app', name: 'missing' })).rejects.toMatchObject({ code: 404 });
    await expect(core.createNamespacedConfigMap({ namespace: 'app', body: { metadata: { name: 'seed' } } })).rejects.toMatchObject({ code: 409 });
  });
});
