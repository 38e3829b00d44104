// What helm 4 needs from the server: protobuf bodies from typed clients (its release
// Secrets), server-side apply, and kinds served as if their CRDs were installed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './http-testing.js';
import { decodeProtobuf } from './protobuf.js';
import { OPTIONAL_KINDS } from './resources.js';
import { TestApiServer } from './server.js';

/** A minimal protobuf writer: varint keys, length-delimited fields. */
function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
}
const bytes = (no: number, value: Buffer | string) => {
  const v = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([varint((no << 3) | 2), varint(v.length), v]);
};
const mapEntry = (no: number, k: string, v: Buffer | string) => bytes(no, Buffer.concat([bytes(1, k), bytes(2, v)]));
const envelope = (apiVersion: string, kind: string, raw: Buffer) =>
  Buffer.concat([Buffer.from('k8s\0', 'latin1'), bytes(1, Buffer.concat([bytes(1, apiVersion), bytes(2, kind)])), bytes(2, raw)]);

const releaseSecret = envelope(
  'v1',
  'Secret',
  Buffer.concat([
    bytes(1, Buffer.concat([bytes(1, 'sh.helm.release.v1.demo.v1'), bytes(3, 'default'), mapEntry(11, 'owner', 'helm'), mapEntry(11, 'status', 'deployed')])),
    mapEntry(2, 'release', Buffer.from([0, 1, 2, 255])),
    bytes(3, 'helm.sh/release.v1'),
  ]),
);

describe('helm support', () => {
  const server = new TestApiServer({ extraKinds: OPTIONAL_KINDS });
  let base = '';
  beforeAll(async () => {
    await server.start();
    base = server.url;
  });
  afterAll(() => server.stop());

  it('decodes a protobuf Secret as typed clients send it (data as base64, labels, type)', async () => {
    expect(decodeProtobuf(releaseSecret)).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sh.helm.release.v1.demo.v1', namespace: 'default', labels: { owner: 'helm', status: 'deployed' } },
      data: { release: Buffer.from([0, 1, 2, 255]).toString('base64') },
      type: 'helm.sh/release.v1',
    });
    const res = await fetch(`${base}/api/v1/namespaces/default/secrets`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf', Accept: 'application/vnd.kubernetes.protobuf, */*' },
      body: releaseSecret,
    });
    expect(res.status).toBe(201);
    const listed = await call(base, 'GET', '/api/v1/namespaces/default/secrets?labelSelector=owner%3Dhelm');
    expect(listed.body.items.map((s: { metadata: { name: string } }) => s.metadata.name)).toEqual(['sh.helm.release.v1.demo.v1']);
    // A protobuf DeleteOptions body with a uid precondition that does not match: 409.
    const del = (uid: string) =>
      fetch(`${base}/api/v1/namespaces/default/secrets/sh.helm.release.v1.demo.v1`, {
        method: 'DELETE',
        headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' },
        body: envelope('meta.k8s.io/v1', 'DeleteOptions', bytes(2, bytes(1, uid))),
      });
    expect((await del('not-the-uid')).status).toBe(409);
    expect((await del(listed.body.items[0].metadata.uid)).status).toBe(200);
  });

  it('answers 415 for a protobuf type it cannot read, and 400 for a body without the envelope', async () => {
    const post = (body: Buffer) => fetch(`${base}/api/v1/namespaces/default/pods`, { method: 'POST', headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' }, body });
    const pod = await post(envelope('v1', 'Pod', Buffer.alloc(0)));
    expect(pod.status).toBe(415);
    expect(((await pod.json()) as { message: string }).message).toMatch(/v1\/Pod/);
    expect((await post(Buffer.from('{"kind":"Pod"}'))).status).toBe(400);
  });

  it('server-side apply creates, then replaces what the manager applied (keeping uid and status)', async () => {
    const path = '/apis/apps/v1/namespaces/default/deployments/web?fieldManager=helm&force=true';
    const apply = (body: unknown, q = path) => call(base, 'PATCH', q, JSON.stringify(body), { 'Content-Type': 'application/apply-patch+yaml' });
    const first = await apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { a: '1', b: '2' } }, spec: { replicas: 1 } });
    expect(first.status).toBe(201);
    server.patch('Deployment', 'default', 'web', { status: { readyReplicas: 1 } });
    const second = await apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { a: '1' } }, spec: { replicas: 2 } });
    expect(second.status).toBe(200);
    expect(second.body.metadata).toMatchObject({ uid: first.body.metadata.uid, labels: { a: '1' }, generation: 2 });
    expect(second.body.metadata.labels.b).toBeUndefined();
    expect(second.body.status).toEqual({ readyReplicas: 1 });
    // YAML bodies too; a fieldManager is required.
    const yaml = await call(base, 'PATCH', path, 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n', { 'Content-Type': 'application/apply-patch+yaml' });
    expect(yaml.body.spec.replicas).toBe(3);
    expect((await apply({ metadata: { name: 'web' } }, '/apis/apps/v1/namespaces/default/deployments/web')).status).toBe(400);
  });

  it('serves extra kinds (discovery, CRUD) and deletes them with their namespace; a plain server does not', async () => {
    const group = await call(base, 'GET', '/apis/monitoring.coreos.com/v1');
    expect(group.body.resources.map((r: { kind: string }) => r.kind)).toEqual(['ServiceMonitor', 'PrometheusRule']);
    await call(base, 'POST', '/api/v1/namespaces', { metadata: { name: 'mon' } });
    const created = await call(base, 'POST', '/apis/monitoring.coreos.com/v1/namespaces/mon/servicemonitors', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'sm' },
      spec: { endpoints: [] },
    });
    expect(created.status).toBe(201);
    expect((await call(base, 'GET', '/apis/monitoring.coreos.com/v1/namespaces/mon/servicemonitors/sm')).status).toBe(200);
    await call(base, 'DELETE', '/api/v1/namespaces/mon');
    expect((await call(base, 'GET', '/apis/monitoring.coreos.com/v1/namespaces/mon/servicemonitors/sm')).status).toBe(404);

    const plain = new TestApiServer();
    await plain.start();
    try {
      expect((await call(plain.url, 'GET', '/apis/monitoring.coreos.com/v1')).status).toBe(404);
      expect((await call(plain.url, 'GET', '/apis')).body.groups.map((g: { name: string }) => g.name)).not.toContain('cert-manager.io');
    } finally {
      await plain.stop();
    }
  });
});
