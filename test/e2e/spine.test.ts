// The backbone end to end, with real parts: the in-memory Kubernetes API (real list/watch
// protocol), `stance agent` and `stance collector` as separate processes, gRPC over
// loopback TLS with a bearer token, and the collector's SQLite file.
import { credentials, Metadata } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentMode, AgentServiceClient, DeltaType, type ConnectRequest, type ConnectResponse } from '@stance/proto';
import { WATCHED_KINDS } from '@stance/shared/model/index';
import { TestApiServer } from '@stance/dev-cluster';
import { allResources, makePki, runStance, startCollector, waitFor, type CollectorProcess, type StanceProcess, type TestPki } from '../src/harness/index.js';

const TOKEN = 'e2e-token-' + randomUUID();
/** A "*" grant for the hand-made streams below: the e2e grant is bound to the real cluster's id. */
const RAW_TOKEN = 'raw-token-' + randomUUID();
let dir: string;
let pki: TestPki;
let api: TestApiServer;
let collector: CollectorProcess;
let agent: StanceProcess;

function serverState(): Map<string, string> {
  const m = new Map<string, string>();
  for (const k of WATCHED_KINDS) for (const o of api.list(k.kind)) m.set(o.metadata.uid!, o.metadata.resourceVersion!);
  return m;
}

async function collectorState(): Promise<Map<string, string>> {
  return new Map((await allResources(collector.httpUrl)).map((r) => [r.uid, r.resourceVersion]));
}

const sameState = async () => {
  const [a, b] = [serverState(), await collectorState()];
  if (a.size !== b.size) return false;
  for (const [uid, rv] of a) if (b.get(uid) !== rv) return false;
  return true;
};

/** Milliseconds until the collector's copy of the object satisfies `pred`. */
async function latencyUntil(kind: string, namespace: string, name: string, pred: (r: { resourceVersion: string } | undefined) => boolean): Promise<number> {
  const start = performance.now();
  await waitFor(`${kind} ${namespace}/${name} in the collector`, async () => {
    const items = await allResources(collector.httpUrl, { kind, namespace });
    return pred(items.find((r) => r.name === name));
  }, 10_000, 10);
  return performance.now() - start;
}

async function rest(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(api.url + path, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

function rawStream(token: string | undefined) {
  const client = new AgentServiceClient(collector.grpcAddress, credentials.createSsl(readFileSync(pki.ca)));
  const md = new Metadata();
  if (token) md.set('authorization', `Bearer ${token}`);
  const stream = client.connect(md);
  const received: ConnectResponse[] = [];
  stream.on('data', (m: ConnectResponse) => received.push(m));
  const ended = new Promise<{ code: number; details: string }>((resolve) => {
    stream.on('error', (e: { code: number; details: string }) => resolve({ code: e.code, details: e.details }));
    stream.on('end', () => resolve({ code: 0, details: '' }));
  });
  const hello = (clusterName: string): ConnectRequest => ({
    seq: 0,
    body: { $case: 'hello', value: { clusterId: `raw-${clusterName}`, clusterName, agentId: 'raw', mode: AgentMode.AGENT_MODE_CLUSTER, nodeName: '', version: 'test', sessionId: randomUUID(), firstBufferedSeq: 0 } },
  });
  return { client, stream, received, ended, hello };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stance-spine-'));
  pki = makePki(dir);
  api = new TestApiServer({ bookmarkIntervalMs: 500 });
  api.generate(1000, { namespaces: 5, seed: 7 });
  await api.start();
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  api.writeKubeconfig(kubeconfig);
  writeFileSync(join(dir, 'tokens.yaml'), `tokens:\n  - cluster: e2e\n    token: ${TOKEN}\n  - {name: raw, cluster: '*', token: ${RAW_TOKEN}}\n`);
  collector = await startCollector([
    '--data', join(dir, 'data'), '--tokens-file', join(dir, 'tokens.yaml'),
    '--tls-cert', pki.serverCert, '--tls-key', pki.serverKey, '--heartbeat-interval', '1s',
  ]);
  agent = runStance('agent', ['agent', '--mode', 'cluster', '--collector', collector.grpcAddress, '--token', TOKEN, '--tls-ca', pki.ca, '--kubeconfig', kubeconfig, '--cluster-name', 'e2e']);
}, 120_000);

afterAll(async () => {
  await agent?.kill();
  await collector?.kill();
  await api?.stop();
});

describe('spine: agent → gRPC/TLS → collector → SQLite', () => {
  it('reflects all 1,000 objects of the API server, with the kube-system uid as cluster id', async () => {
    expect(serverState().size).toBeGreaterThanOrEqual(1000);
    await waitFor('collector to equal the API server', sameState, 60_000, 200);
    const clusters = (await (await fetch(`${collector.httpUrl}/api/v1/clusters`)).json()) as { items: { id: string; name: string; agents: { status: string; mode: string }[] }[] };
    expect(clusters.items).toHaveLength(1);
    expect(clusters.items[0]!.id).toBe(api.clusterUid());
    expect(clusters.items[0]!.name).toBe('e2e');
    expect(clusters.items[0]!.agents[0]).toMatchObject({ status: 'connected', mode: 'cluster' });
  });

  it('shows a create, an update and a delete made through REST within 1 s each', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'latency-probe', namespace: 'default' }, data: { a: '1' } };
    const created = await rest('POST', '/api/v1/namespaces/default/configmaps', cm);
    const createMs = await latencyUntil('ConfigMap', 'default', 'latency-probe', (r) => r !== undefined);
    const updated = await rest('PUT', '/api/v1/namespaces/default/configmaps/latency-probe', { ...created, data: { a: '2' } });
    const rv = (updated.metadata as { resourceVersion: string }).resourceVersion;
    const updateMs = await latencyUntil('ConfigMap', 'default', 'latency-probe', (r) => r?.resourceVersion === rv);
    await rest('DELETE', '/api/v1/namespaces/default/configmaps/latency-probe');
    const deleteMs = await latencyUntil('ConfigMap', 'default', 'latency-probe', (r) => r === undefined);
    console.log(`change → collector latency: create ${createMs.toFixed(0)} ms, update ${updateMs.toFixed(0)} ms, delete ${deleteMs.toFixed(0)} ms`);
    expect(Math.max(createMs, updateMs, deleteMs)).toBeLessThan(1000);
  });

  it('relists after 410 Gone and drops objects deleted while it could not watch', async () => {
    const victims = api.list('ConfigMap').slice(0, 25);
    expect(victims.length).toBe(25);
    api.failRequests(1_000_000); // the agent can neither list nor watch...
    api.expireWatches(); // ...after its watches end with 410 Expired
    for (const v of victims) api.remove('ConfigMap', v.metadata.namespace, v.metadata.name!);
    await new Promise((r) => setTimeout(r, 1500));
    api.failRequests(0);
    await waitFor('collector to equal the API server after the relist', sameState, 60_000, 200);
    const uids = new Set((await allResources(collector.httpUrl, { kind: 'ConfigMap' })).map((r) => r.uid));
    for (const v of victims) expect(uids.has(v.metadata.uid!)).toBe(false);
    expect(agent.countLogs('watch expired (410); relisting')).toBeGreaterThan(0);
  });

  it('rejects a wrong token with UNAUTHENTICATED and stores nothing from it', async () => {
    const before = (await collectorState()).size;
    const raw = rawStream('not-the-token');
    raw.stream.write(raw.hello('e2e'));
    const end = await raw.ended;
    expect(end.code).toBe(16);
    expect(end.details).toMatch(/unknown agent token/);
    const noToken = rawStream(undefined);
    noToken.stream.write(noToken.hello('e2e'));
    expect((await noToken.ended).code).toBe(16);
    await collector.waitForLog('agent stream refused before Hello');
    expect((await collectorState()).size).toBe(before);
    raw.client.close();
    noToken.client.close();
  });

  it('answers a malformed message and an oversized object with clear errors, ends a stream that sends 5 MB, and keeps serving', async () => {
    const before = await collectorState();
    const raw = rawStream(RAW_TOKEN);
    raw.stream.write(raw.hello('scratch'));
    await waitFor('welcome', () => raw.received.find((m) => m.body?.$case === 'welcome'));
    const delta = (seq: number, name: string, object: Buffer): ConnectRequest => ({
      seq,
      body: { $case: 'delta', value: { type: DeltaType.DELTA_TYPE_ADDED, apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name, uid: `uid-${name}`, resourceVersion: '1', object } },
    });
    const good = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'good', namespace: 'default', uid: 'uid-good', resourceVersion: '1' } };
    // Over the 2 MiB object limit, within the message limit (object + 256 KiB): rejected, stream kept.
    const huge = { ...good, metadata: { ...good.metadata, name: 'huge', uid: 'uid-huge' }, data: { blob: 'x'.repeat(2 * 1024 * 1024 + 100) } };
    raw.stream.write(delta(1, 'broken', Buffer.from('{"apiVersion": "v1", "kind": ')));
    raw.stream.write(delta(2, 'huge', Buffer.from(JSON.stringify(huge))));
    raw.stream.write(delta(3, 'good', Buffer.from(JSON.stringify(good))));
    await waitFor('ack of seq 3', () => raw.received.find((m) => m.body?.$case === 'ack' && m.body.value.seq >= 3));
    const errors = raw.received.flatMap((m) => (m.body?.$case === 'error' ? [m.body.value] : []));
    expect(errors.map((e) => [e.seq, e.code])).toEqual([[1, 'INVALID_OBJECT'], [2, 'OBJECT_TOO_LARGE']]);
    expect(errors[0]!.message).toMatch(/ConfigMap default\/broken: object is not JSON/);
    expect(errors[1]!.message).toMatch(/over the limit/);
    const raws = await allResources(collector.httpUrl, { cluster: 'raw-scratch' });
    expect(raws.map((r) => r.name)).toEqual(['good']);
    raw.stream.end();
    raw.client.close();
    // A message over the message limit ends that stream (the peer cannot make it hold 5 MB).
    const flood = rawStream(RAW_TOKEN);
    flood.stream.write(flood.hello('scratch'));
    await waitFor('welcome', () => flood.received.find((m) => m.body?.$case === 'welcome'));
    flood.stream.write(delta(1, 'flood', Buffer.from(JSON.stringify({ ...good, data: { blob: 'x'.repeat(5 * 1024 * 1024) } }))));
    expect((await flood.ended).code).toBe(8); // RESOURCE_EXHAUSTED
    flood.client.close();
    // The real agent's data is untouched and it still streams.
    const after = await collectorState();
    for (const [uid, rv] of before) expect(after.get(uid)).toBe(rv);
    api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'still-streaming', namespace: 'default' } });
    await latencyUntil('ConfigMap', 'default', 'still-streaming', (r) => r !== undefined);
  });

  it('never writes a Secret value into the SQLite files', async () => {
    const value = `s3cr3t-${randomUUID()}`;
    const b64 = Buffer.from(value).toString('base64');
    api.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'canary',
        namespace: 'default',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ stringData: { password: value } }) },
      },
      type: 'Opaque',
      data: { password: b64 },
    });
    await latencyUntil('Secret', 'default', 'canary', (r) => r !== undefined);
    const dataDir = join(dir, 'data');
    const bytes = readdirSync(dataDir).map((f) => readFileSync(join(dataDir, f)));
    expect(bytes.length).toBeGreaterThan(0);
    for (const b of bytes) {
      expect(b.includes(value)).toBe(false);
      expect(b.includes(b64)).toBe(false);
    }
    const [stored] = await allResources(collector.httpUrl, { kind: 'Secret', namespace: 'default' }).then((rs) => rs.filter((r) => r.name === 'canary'));
    expect(stored!.object).not.toHaveProperty('data');
  });

  it('stops both processes cleanly on SIGTERM', async () => {
    const a = await agent.kill('SIGTERM');
    if (a.code !== 0) console.log(agent.stderrText.slice(-30).join('\n'));
    const c = await collector.kill('SIGTERM');
    expect(a.code).toBe(0);
    expect(c.code).toBe(0);
    expect(collector.logs.some((l) => l.msg === 'collector stopped')).toBe(true);
  });
});
