import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { WATCHED_KINDS } from '@stance/shared/model/index';
import { call } from './http-testing.js';
import { TestApiServer } from './server.js';

const pod = (name: string, ns = 'default', labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels },
  spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
});

describe('TestApiServer over HTTP: discovery and CRUD', () => {
  const server = new TestApiServer();
  let base = '';
  beforeAll(async () => {
    await server.start();
    base = server.url;
  });
  afterAll(() => server.stop());

  it('serves discovery for every watched kind with scope and plural', async () => {
    const version = await call(base, 'GET', '/version');
    expect(version.body.major).toBe('1');
    const api = await call(base, 'GET', '/api');
    expect(api.body.versions).toEqual(['v1']);
    const groups = await call(base, 'GET', '/apis');
    const names = groups.body.groups.map((g: { name: string }) => g.name);
    for (const k of WATCHED_KINDS) {
      const [group, version] = k.apiVersion.includes('/') ? k.apiVersion.split('/') : ['', k.apiVersion];
      if (group) expect(names).toContain(group);
      const list = await call(base, 'GET', group ? `/apis/${group}/${version}` : `/api/${version}`);
      const r = list.body.resources.find((x: { kind: string }) => x.kind === k.kind);
      expect(r, k.kind).toBeDefined();
      expect(r.name).toBe(k.plural);
      expect(r.namespaced).toBe(k.namespaced);
      expect(r.verbs).toEqual(expect.arrayContaining(['get', 'list', 'watch', 'create', 'delete']));
    }
    const core = await call(base, 'GET', '/api/v1');
    expect(core.body.resources.find((r: { name: string }) => r.name === 'pods').shortNames).toEqual(['po']);
  });

  it('has kube-system with the cluster uid', async () => {
    const ns = await call(base, 'GET', '/api/v1/namespaces/kube-system');
    expect(ns.status).toBe(200);
    expect(ns.body.metadata.uid).toBe(server.clusterUid());
  });

  it('creates with server-set fields and the namespace from the URL', async () => {
    const body = pod('a');
    delete (body.metadata as { namespace?: string }).namespace;
    const r = await call(base, 'POST', '/api/v1/namespaces/default/pods', body);
    expect(r.status).toBe(201);
    expect(r.body.metadata).toMatchObject({ name: 'a', namespace: 'default' });
    expect(r.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(r.body.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(r.body.metadata.creationTimestamp).toMatch(/Z$/);
    const again = await call(base, 'POST', '/api/v1/namespaces/default/pods', body);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'AlreadyExists', code: 409 });
  });

  it('refuses creates in a namespace that does not exist, and invalid names', async () => {
    const r = await call(base, 'POST', '/api/v1/namespaces/nope/pods', pod('x', 'nope'));
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ reason: 'NotFound', message: 'namespaces "nope" not found' });
    const bad = await call(base, 'POST', '/api/v1/namespaces/default/pods', pod('Bad_Name'));
    expect(bad.status).toBe(422);
    expect(bad.body.reason).toBe('Invalid');
    const mismatch = await call(base, 'POST', '/api/v1/namespaces/default/pods', pod('y', 'kube-system'));
    expect(mismatch.status).toBe(400);
    const notJson = await call(base, 'POST', '/api/v1/namespaces/default/pods', '{oops');
    expect(notJson.status).toBe(400);
    expect(notJson.body.reason).toBe('BadRequest');
  });

  it('updates with optimistic concurrency (409 on a stale resourceVersion)', async () => {
    const created = (await call(base, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: '1' } })).body;
    const updated = await call(base, 'PUT', '/api/v1/namespaces/default/configmaps/cfg', { ...created, data: { a: '2' } });
    expect(updated.status).toBe(200);
    expect(Number(updated.body.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    expect(updated.body.metadata.uid).toBe(created.metadata.uid);
    const stale = await call(base, 'PUT', '/api/v1/namespaces/default/configmaps/cfg', { ...created, data: { a: '3' } });
    expect(stale.status).toBe(409);
    expect(stale.body.reason).toBe('Conflict');
    const missing = await call(base, 'PUT', '/api/v1/namespaces/default/configmaps/none', { ...created, metadata: { name: 'none' } });
    expect(missing.status).toBe(404);
  });

  it('patches with merge, strategic (as merge) and JSON patch', async () => {
    await call(base, 'POST', '/api/v1/namespaces/default/pods', pod('p', 'default', { app: 'x' }));
    const merge = await call(base, 'PATCH', '/api/v1/namespaces/default/pods/p', { metadata: { labels: { tier: 'web', app: null } } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(merge.body.metadata.labels).toEqual({ tier: 'web' });
    const smp = await call(base, 'PATCH', '/api/v1/namespaces/default/pods/p', { metadata: { annotations: { a: 'b' } } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    expect(smp.body.metadata.annotations).toEqual({ a: 'b' });
    const json = await call(base, 'PATCH', '/api/v1/namespaces/default/pods/p', [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1.28' }], { 'Content-Type': 'application/json-patch+json' });
    expect(json.body.spec.containers[0].image).toBe('nginx:1.28');
    const failedTest = await call(base, 'PATCH', '/api/v1/namespaces/default/pods/p', [{ op: 'test', path: '/metadata/name', value: 'q' }], { 'Content-Type': 'application/json-patch+json' });
    expect(failedTest.status).toBe(422);
    const wrongType = await call(base, 'PATCH', '/api/v1/namespaces/default/pods/p', {}, { 'Content-Type': 'text/plain' });
    expect(wrongType.status).toBe(415);
  });

  it('deletes: pods answer with the object, others with a Success Status', async () => {
    await call(base, 'POST', '/api/v1/namespaces/default/pods', pod('gone'));
    const del = await call(base, 'DELETE', '/api/v1/namespaces/default/pods/gone');
    expect(del.status).toBe(200);
    expect(del.body.kind).toBe('Pod');
    expect((await call(base, 'GET', '/api/v1/namespaces/default/pods/gone')).status).toBe(404);
    await call(base, 'POST', '/apis/apps/v1/namespaces/default/deployments', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: {} });
    const d = await call(base, 'DELETE', '/apis/apps/v1/namespaces/default/deployments/d');
    expect(d.body).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'd', group: 'apps', kind: 'deployments' } });
  });

  it('deleting a namespace deletes what is in it', async () => {
    await call(base, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tmp' } });
    await call(base, 'POST', '/api/v1/namespaces/tmp/pods', pod('in-tmp', 'tmp'));
    await call(base, 'DELETE', '/api/v1/namespaces/tmp');
    expect(server.get('Pod', 'tmp', 'in-tmp')).toBeUndefined();
  });

  it('answers unknown paths and protobuf bodies with proper Status errors', async () => {
    expect((await call(base, 'GET', '/api/v1/widgets')).body).toMatchObject({ kind: 'Status', code: 404 });
    expect((await call(base, 'GET', '/api/v1/pods/x')).status).toBe(404);
    const proto = await call(base, 'POST', '/api/v1/namespaces', 'k8s\0', { 'Content-Type': 'application/vnd.kubernetes.protobuf' });
    expect(proto.status).toBe(415);
    const notAcceptable = await call(base, 'GET', '/api/v1/pods', undefined, { Accept: 'application/vnd.kubernetes.protobuf' });
    expect(notAcceptable.status).toBe(406);
  });

  it('in-process mutations are visible over HTTP', async () => {
    server.create(pod('inproc'));
    server.patch('Pod', 'default', 'inproc', { metadata: { labels: { via: 'api' } } });
    const got = await call(base, 'GET', '/api/v1/namespaces/default/pods/inproc');
    expect(got.body.metadata.labels).toEqual({ via: 'api' });
    server.remove('Pod', 'default', 'inproc');
    expect((await call(base, 'GET', '/api/v1/namespaces/default/pods/inproc')).status).toBe(404);
  });

  it('writes a kubeconfig that points at the server', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'stance-kc-')), 'config');
    server.writeKubeconfig(file);
    const kc = parse(readFileSync(file, 'utf8'));
    expect(kc.clusters[0].cluster).toEqual({ server: base, 'insecure-skip-tls-verify': true });
    expect(kc['current-context']).toBe(kc.contexts[0].name);
  });
});
