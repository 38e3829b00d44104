import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './http-testing.js';
import { TestApiServer } from './server.js';

const META_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
const META_ONE = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

describe('lists', () => {
  const server = new TestApiServer();
  let base = '';
  beforeAll(async () => {
    server.generate(5000, { namespaces: 7, seed: 42 });
    await server.start();
    base = server.url;
  });
  afterAll(() => server.stop());

  async function listAll(path: string, limit: number, headers: Record<string, string> = {}): Promise<{ items: any[]; pages: number; rvs: Set<string> }> {
    const items: any[] = [];
    const rvs = new Set<string>();
    let token = '';
    let pages = 0;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const r = await call(base, 'GET', `${path}${sep}limit=${limit}${token ? `&continue=${encodeURIComponent(token)}` : ''}`, undefined, headers);
      expect(r.status).toBe(200);
      items.push(...r.body.items);
      rvs.add(r.body.metadata.resourceVersion);
      token = r.body.metadata.continue ?? '';
      pages++;
    } while (token);
    return { items, pages, rvs };
  }

  it('paginates 5,000 generated objects, each exactly once, across all kinds', async () => {
    const kinds = ['pods', 'configmaps', 'secrets', 'services', 'serviceaccounts'];
    let total = 0;
    for (const plural of kinds) {
      const { items, pages, rvs } = await listAll(`/api/v1/${plural}`, 97);
      const keys = items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.length).toBe(server.list(plural === 'pods' ? 'Pod' : plural === 'configmaps' ? 'ConfigMap' : plural === 'secrets' ? 'Secret' : plural === 'services' ? 'Service' : 'ServiceAccount').length);
      expect(pages).toBe(Math.max(1, Math.ceil(keys.length / 97)));
      expect(rvs.size).toBe(1);
      total += keys.length;
    }
    for (const path of ['/apis/apps/v1/deployments', '/apis/apps/v1/replicasets', '/apis/rbac.authorization.k8s.io/v1/roles', '/apis/rbac.authorization.k8s.io/v1/rolebindings', '/apis/networking.k8s.io/v1/networkpolicies']) {
      total += (await listAll(path, 500)).items.length;
    }
    expect(total).toBe(5000);
  });

  it('keeps a paginated list consistent with its first page while objects change', async () => {
    const first = await call(base, 'GET', '/api/v1/configmaps?limit=10');
    const before = server.list('ConfigMap').map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    // Changes after the first page: a create and a delete must not show in later pages.
    server.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'zzz-late', namespace: 'gen-6' }, data: {} });
    const victim = before[before.length - 1]!.split('/');
    server.remove('ConfigMap', victim[0], victim[1]!);
    const keys = first.body.items.map((o: any) => `${o.metadata.namespace}/${o.metadata.name}`);
    let token = first.body.metadata.continue;
    while (token) {
      const r = await call(base, 'GET', `/api/v1/configmaps?limit=10&continue=${encodeURIComponent(token)}`);
      expect(r.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion);
      keys.push(...r.body.items.map((o: any) => `${o.metadata.namespace}/${o.metadata.name}`));
      token = r.body.metadata.continue;
    }
    expect(keys).toEqual(before);
  });

  it('reports remainingItemCount and the List kind', async () => {
    const r = await call(base, 'GET', '/api/v1/namespaces/gen-0/pods?limit=5');
    expect(r.body.kind).toBe('PodList');
    expect(r.body.apiVersion).toBe('v1');
    expect(r.body.metadata.remainingItemCount).toBe(server.list('Pod', 'gen-0').length - 5);
    expect(r.body.items.every((p: any) => p.metadata.namespace === 'gen-0')).toBe(true);
  });

  it('filters by label selectors (equality and sets) and field selectors', async () => {
    const pods = server.list('Pod');
    const app = pods[0]!.metadata.labels!.app!;
    const eq = await call(base, 'GET', `/api/v1/pods?labelSelector=${encodeURIComponent(`app=${app}`)}`);
    expect(eq.body.items.length).toBe(pods.filter((p) => p.metadata.labels?.app === app).length);
    const set = await call(base, 'GET', `/api/v1/pods?labelSelector=${encodeURIComponent('tier in (frontend,data),app')}`);
    expect(set.body.items.length).toBe(pods.filter((p) => ['frontend', 'data'].includes(p.metadata.labels?.tier ?? '')).length);
    const notIn = await call(base, 'GET', `/api/v1/pods?labelSelector=${encodeURIComponent('tier notin (frontend),!missing')}`);
    expect(notIn.body.items.length).toBe(pods.filter((p) => p.metadata.labels?.tier !== 'frontend').length);
    const neq = await call(base, 'GET', `/api/v1/pods?labelSelector=${encodeURIComponent('tier!=data')}`);
    expect(neq.body.items.length).toBe(pods.filter((p) => p.metadata.labels?.tier !== 'data').length);
    const byName = await call(base, 'GET', `/api/v1/pods?fieldSelector=${encodeURIComponent(`metadata.name=${pods[0]!.metadata.name},metadata.namespace=${pods[0]!.metadata.namespace}`)}`);
    expect(byName.body.items.map((p: any) => p.metadata.uid)).toEqual([pods[0]!.metadata.uid]);
    const bad = await call(base, 'GET', '/api/v1/pods?fieldSelector=spec.bogus%3Dx');
    expect(bad.status).toBe(400);
    const badLabel = await call(base, 'GET', '/api/v1/pods?labelSelector=a%20in%20b');
    expect(badLabel.status).toBe(400);
  });

  it('serves metadata only for PartialObjectMetadataList (Secrets without data)', async () => {
    const r = await call(base, 'GET', '/api/v1/secrets?limit=50', undefined, { Accept: META_LIST });
    expect(r.body.kind).toBe('PartialObjectMetadataList');
    expect(r.body.apiVersion).toBe('meta.k8s.io/v1');
    expect(r.body.items.length).toBe(50);
    for (const item of r.body.items) {
      expect(item.kind).toBe('PartialObjectMetadata');
      expect(Object.keys(item).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
    }
    const name = r.body.items[0].metadata.name;
    const ns = r.body.items[0].metadata.namespace;
    const one = await call(base, 'GET', `/api/v1/namespaces/${ns}/secrets/${name}`, undefined, { Accept: META_ONE });
    expect(one.body).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: r.body.items[0].metadata });
    // The single-object form on a list is refused, as upstream (406).
    const wrong = await call(base, 'GET', '/api/v1/secrets', undefined, { Accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1' });
    expect(wrong.status).toBe(406);
  });

  it('serves Tables for kubectl get', async () => {
    const r = await call(base, 'GET', '/api/v1/namespaces/gen-1/pods?limit=3&includeObject=Object', undefined, { Accept: TABLE });
    expect(r.body.kind).toBe('Table');
    expect(r.body.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(r.body.rows).toHaveLength(3);
    expect(r.body.rows[0].object.kind).toBe('Pod');
    expect(r.body.metadata.continue).toBeTruthy();
  });

  it('answers resourceVersion semantics like the real server', async () => {
    const current = Number(server.resourceVersion());
    expect((await call(base, 'GET', `/api/v1/pods?resourceVersion=${current + 1000}`)).status).toBe(504);
    expect((await call(base, 'GET', `/api/v1/pods?resourceVersion=1&resourceVersionMatch=NotOlderThan&limit=1`)).status).toBe(200);
    const bogus = await call(base, 'GET', '/api/v1/pods?continue=not-a-token');
    expect(bogus.status).toBe(400);
  });

  it('expires continue tokens on compaction (410) and injects failures on request', async () => {
    const first = await call(base, 'GET', '/api/v1/pods?limit=10');
    server.expireWatches();
    const next = await call(base, 'GET', `/api/v1/pods?limit=10&continue=${encodeURIComponent(first.body.metadata.continue)}`);
    expect(next.status).toBe(410);
    expect(next.body).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    // An exact read of a compacted revision is gone too.
    const exact = await call(base, 'GET', `/api/v1/pods?resourceVersion=${Number(first.body.metadata.resourceVersion) - 1}&resourceVersionMatch=Exact`);
    expect(exact.status).toBe(410);
    server.failRequests(2, 503);
    expect((await call(base, 'GET', '/api/v1/pods?limit=1')).status).toBe(503);
    expect((await call(base, 'GET', '/api/v1/pods?limit=1')).status).toBe(503);
    expect((await call(base, 'GET', '/api/v1/pods?limit=1')).status).toBe(200);
  });
});
