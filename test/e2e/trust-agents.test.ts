// Agent trust boundaries with real processes: the collector over TLS with per-cluster grants,
// real agents against dev clusters, and hostile streams made by hand. A credential for one
// cluster cannot write another (even from an API server that claims the other's uid), a node
// agent writes only its own node's facts, and a peer without a credential gets nothing
// buffered for it.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentMode } from '@stance/proto';
import { TestApiServer } from '@stance/dev-cluster';
import {
  allResources,
  deltaOf,
  getJson,
  makePki,
  rawStream,
  rssMiB,
  runStance,
  startCollector,
  waitFor,
  type CollectorProcess,
  type StanceProcess,
  type TestPki,
} from '../src/harness/index.js';

const token = (name: string) => `${name}-${randomUUID()}`;
const T = { alpha: token('alpha'), alphaNodes: token('alpha-nodes'), beta: token('beta'), fleet: token('fleet') };
const UID = { alpha: randomUUID(), beta: randomUUID() };

let dir: string;
let pki: TestPki;
let collector: CollectorProcess;
const apis: TestApiServer[] = [];
const procs: StanceProcess[] = [];

interface Cluster {
  id: string;
  name: string;
  agents: { agentId: string; status: string; mode: string }[];
  grant: { name: string; wildcard: boolean } | null;
}

const clusters = async () => (await getJson<{ items: Cluster[] }>(`${collector.httpUrl}/api/v1/clusters`)).body.items;
const countOf = async (cluster: string) => (await allResources(collector.httpUrl, { cluster })).length;

async function devCluster(uid: string, objects: number): Promise<string> {
  const api = new TestApiServer({ clusterUid: uid });
  api.generate(objects, { namespaces: 2, seed: objects });
  await api.start();
  apis.push(api);
  const kubeconfig = join(dir, `kubeconfig-${uid}.yaml`);
  api.writeKubeconfig(kubeconfig);
  return kubeconfig;
}

function agent(name: string, args: string[], tokenValue: string): StanceProcess {
  const p = runStance(name, ['agent', '--collector', collector.grpcAddress, '--tls-ca', pki.ca, '--token', tokenValue, '--agent-id', name, ...args]);
  procs.push(p);
  return p;
}

const raw = (tokenValue?: string) => rawStream({ address: collector.grpcAddress, ca: pki.ca, ...(tokenValue ? { token: tokenValue } : {}) });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stance-trust-agents-'));
  pki = makePki(dir);
  writeFileSync(
    join(dir, 'tokens.yaml'),
    [
      'tokens:',
      `  - {name: alpha, cluster: alpha, token: ${T.alpha}, modes: [cluster]}`,
      `  - {name: alpha-nodes, cluster: alpha, token: ${T.alphaNodes}, modes: [node]}`,
      `  - {name: beta, cluster: beta, token: ${T.beta}, modes: [cluster]}`,
      `  - {name: fleet, cluster: "*", token: ${T.fleet}}`,
      '',
    ].join('\n'),
  );
  collector = await startCollector(['--data', join(dir, 'data'), '--tokens-file', join(dir, 'tokens.yaml'), '--tls-cert', pki.serverCert, '--tls-key', pki.serverKey, '--heartbeat-interval', '1s']);
  agent('alpha-agent', ['--kubeconfig', await devCluster(UID.alpha, 40), '--cluster-name', 'alpha'], T.alpha);
  agent('beta-agent', ['--kubeconfig', await devCluster(UID.beta, 60), '--cluster-name', 'beta'], T.beta);
  await waitFor('both clusters synced', async () => (await countOf(UID.alpha)) >= 40 && (await countOf(UID.beta)) >= 60, 60_000, 200);
}, 120_000);

afterAll(async () => {
  for (const p of procs) await p.kill();
  await collector?.kill();
  for (const a of apis) await a.stop();
});

describe('agent trust boundaries', () => {
  it('binds each cluster id to the credentials of its cluster and shows the binding', async () => {
    const byId = new Map((await clusters()).map((c) => [c.id, c]));
    expect(byId.get(UID.alpha)).toMatchObject({ name: 'alpha', grant: { name: 'alpha', wildcard: false } });
    expect(byId.get(UID.beta)).toMatchObject({ name: 'beta', grant: { name: 'beta', wildcard: false } });
  });

  it("refuses alpha's token for beta's cluster id, even from an API server that claims beta's uid, and writes nothing", async () => {
    const before = { count: await countOf(UID.beta), clusters: await clusters() };
    // The attacker runs a dev cluster whose kube-system uid is beta's, and points alpha's agent at it.
    const evil = runStance('evil-api', ['dev-cluster', '--port', '0', '--cluster-uid', UID.beta, '--generate', '5', '--kubeconfig-out', join(dir, 'evil.yaml')]);
    procs.push(evil);
    await evil.waitForLog('test API server listening');
    for (const clusterName of ['alpha', 'beta']) {
      const intruder = agent(`intruder-${clusterName}`, ['--kubeconfig', join(dir, 'evil.yaml'), '--cluster-name', clusterName], T.alpha);
      const refused = await collector.waitForLog('agent refused', 30_000, (l) => l.agentId === `intruder-${clusterName}`);
      expect(refused).toMatchObject({ clusterId: UID.beta, grant: 'alpha', clusterName });
      await intruder.kill();
    }
    const lines = collector.logs.filter((l) => l.msg === 'agent refused');
    expect(lines.map((l) => l.reason)).toEqual([
      expect.stringMatching(/cluster id .* is bound to cluster "beta"; grant "alpha" is for cluster "alpha"/),
      expect.stringMatching(/grant "alpha" is for cluster "alpha", not "beta"/),
    ]);
    // Beta is as it was: objects, name, binding, agents (heartbeats move on).
    const identity = (list: Cluster[]) => {
      const c = list.find((x) => x.id === UID.beta)!;
      return { name: c.name, grant: c.grant, agents: c.agents.map((a) => [a.agentId, a.mode, a.status]) };
    };
    expect(await countOf(UID.beta)).toBe(before.count);
    expect(identity(await clusters())).toEqual(identity(before.clusters));
  });

  it('lets a single-cluster credential register one cluster id only', async () => {
    const s = raw(T.alpha);
    s.hello({ clusterId: randomUUID(), clusterName: 'alpha', agentId: 'second-alpha' });
    const end = await s.ended;
    expect(end.code).toBe(7); // PERMISSION_DENIED
    expect(end.details).toMatch(/exactly one cluster/);
    s.close();
  });

  it('lets a node agent send only its own node facts and heartbeats', async () => {
    const before = await allResources(collector.httpUrl, { cluster: UID.alpha });
    const s = raw(T.alphaNodes);
    s.hello({ clusterId: UID.alpha, clusterName: 'alpha', agentId: 'node-n1', mode: AgentMode.AGENT_MODE_NODE, nodeName: 'n1' });
    await s.welcomed();
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'pwned', uid: 'uid-pwned' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'Group', name: 'system:authenticated', apiGroup: 'rbac.authorization.k8s.io' }] };
    s.send(deltaOf(1, binding));
    s.send({ seq: 2, body: { $case: 'snapshotBegin', value: { snapshotId: 'wipe', kinds: ['v1/Pod', 'v1/ConfigMap'] } } });
    s.send({ seq: 3, body: { $case: 'snapshotEnd', value: { snapshotId: 'wipe', objectCount: 0 } } });
    s.send({ seq: 4, body: { $case: 'nodeFacts', value: { nodeName: 'n2', contentHash: 'h2', facts: Buffer.from('{}'), collectedAtUnixMs: Date.now() } } });
    s.send({ seq: 5, body: { $case: 'nodeFacts', value: { nodeName: 'n1', contentHash: 'h1', facts: Buffer.from('{}'), collectedAtUnixMs: Date.now() } } });
    await waitFor('ack of seq 5', () => s.received.find((m) => m.body?.$case === 'ack' && m.body.value.seq >= 5));
    expect(s.errors().map((e) => [e.seq, e.code])).toEqual([
      [1, 'PERMISSION_DENIED'],
      [2, 'PERMISSION_DENIED'],
      [3, 'PERMISSION_DENIED'],
      [4, 'PERMISSION_DENIED'],
    ]);
    const after = await allResources(collector.httpUrl, { cluster: UID.alpha });
    expect(after.filter((r) => r.kind === 'ClusterRoleBinding' && r.name === 'pwned')).toEqual([]);
    expect(after.filter((r) => r.kind === 'NodeFacts').map((r) => r.name)).toEqual(['n1']);
    expect(after.filter((r) => r.kind !== 'NodeFacts').length).toBe(before.length);
    s.close();
  });

  it("refuses the node agents' token in cluster mode", async () => {
    const s = raw(T.alphaNodes);
    s.hello({ clusterId: UID.alpha, clusterName: 'alpha', agentId: 'fake-cluster-agent' });
    expect(await s.ended).toMatchObject({ code: 7, details: expect.stringMatching(/does not allow cluster-mode agents/) });
    s.close();
  });

  it('labels a "*" grant as such, and keeps it off clusters bound to others', async () => {
    const id = randomUUID();
    const s = raw(T.fleet);
    s.hello({ clusterId: id, clusterName: 'edge-1', agentId: 'edge-agent' });
    await s.welcomed();
    const connected = await collector.waitForLog('agent connected', 10_000, (l) => l.agentId === 'edge-agent');
    expect(connected).toMatchObject({ wildcardGrant: true, grant: 'fleet' });
    expect((await clusters()).find((c) => c.id === id)?.grant).toEqual(expect.objectContaining({ name: 'fleet', wildcard: true }));
    s.close();
    const intrude = raw(T.fleet);
    intrude.hello({ clusterId: UID.alpha, clusterName: 'alpha', agentId: 'fleet-intruder' });
    expect((await intrude.ended).code).toBe(7);
    intrude.close();
  });

  it('keeps one live stream per agent: a reconnect replaces the older stream', async () => {
    const first = raw(T.fleet);
    const sessionId = randomUUID();
    first.hello({ clusterId: 'dup-cluster', clusterName: 'dup', agentId: 'dup-agent', sessionId });
    await first.welcomed();
    const second = raw(T.fleet);
    second.hello({ clusterId: 'dup-cluster', clusterName: 'dup', agentId: 'dup-agent', sessionId });
    await second.welcomed();
    expect(await first.ended).toMatchObject({ code: 10, details: expect.stringMatching(/replaced by a newer stream/) }); // ABORTED
    const dup = (await clusters()).find((c) => c.id === 'dup-cluster');
    expect(dup?.agents).toEqual([expect.objectContaining({ agentId: 'dup-agent', status: 'connected' })]);
    first.close();
    second.close();
  });

  it('buffers nothing for peers without a credential and bounds streams that never say Hello', async () => {
    const pid = collector.child.pid!;
    const rssBefore = rssMiB(pid);
    // 60 peers without a token, each pushing a 12 MB first message: refused at open.
    const big = deltaOf(1, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: 'x', uid: 'u-big' }, data: { blob: 'x'.repeat(12 * 1024 * 1024) } } as never);
    const anonymous = Array.from({ length: 60 }, () => raw());
    for (const s of anonymous) s.send(big);
    const ends = await Promise.all(anonymous.map((s) => s.ended));
    expect(new Set(ends.map((e) => e.code))).toEqual(new Set([16])); // UNAUTHENTICATED
    // 70 streams with a valid token that never say Hello: at most 64 wait, the rest are refused.
    const silent = Array.from({ length: 70 }, () => raw(T.fleet));
    const results = await Promise.all(silent.map((s) => s.ended));
    const codes = results.map((e) => e.code);
    expect(codes.filter((c) => c === 8).length).toBeGreaterThanOrEqual(6); // RESOURCE_EXHAUSTED
    expect(codes.filter((c) => c === 4).length).toBeGreaterThan(0); // DEADLINE_EXCEEDED: no Hello in 5 s
    expect(codes.every((c) => c === 8 || c === 4)).toBe(true);
    const rssAfter = rssMiB(pid);
    console.log(`collector RSS ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MiB after 60 anonymous 12 MB streams and 70 silent ones`);
    expect(rssAfter - rssBefore).toBeLessThan(150);
    for (const s of [...anonymous, ...silent]) s.close();
    // The real agents kept streaming through all of it.
    expect((await clusters()).find((c) => c.id === UID.alpha)?.agents.find((a) => a.agentId === 'alpha-agent')?.status).toBe('connected');
  });

  it('survives messages built to crash it: deep nesting, malformed metadata, deep node facts', async () => {
    const deep = (depth: number) => `{"x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const cluster = raw(T.fleet);
    cluster.hello({ clusterId: 'crash-test', clusterName: 'crash-test', agentId: 'crasher' });
    await cluster.welcomed();
    const meta = { name: 'evil', namespace: 'x', uid: 'u-evil', resourceVersion: '1' };
    const send = (seq: number, object: string) =>
      cluster.send({ seq, body: { $case: 'delta', value: { type: 1, apiVersion: 'v1', kind: 'Secret', namespace: 'x', name: 'evil', uid: 'u-evil', resourceVersion: '1', object: Buffer.from(object) } } });
    send(1, `{"apiVersion":"v1","kind":"Secret","metadata":${JSON.stringify(meta)},"data":${deep(100_000)}}`);
    send(2, JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { ...meta, annotations: 'oops' } }));
    send(3, JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: meta }));
    await waitFor('ack of seq 3', () => cluster.received.find((m) => m.body?.$case === 'ack' && m.body.value.seq >= 3));
    expect(cluster.errors().map((e) => [e.seq, e.code])).toEqual([
      [1, 'INVALID_OBJECT'],
      [2, 'INVALID_OBJECT'],
    ]);
    cluster.close();
    const node = raw(T.alphaNodes);
    node.hello({ clusterId: UID.alpha, clusterName: 'alpha', agentId: 'node-deep', mode: AgentMode.AGENT_MODE_NODE, nodeName: 'deep' });
    await node.welcomed();
    node.send({ seq: 1, body: { $case: 'nodeFacts', value: { nodeName: 'deep', contentHash: 'h', facts: Buffer.from(deep(100_000)), collectedAtUnixMs: 1 } } });
    await waitFor('the deep facts rejected', () => node.errors().find((e) => e.seq === 1));
    node.close();
    expect(collector.child.exitCode).toBeNull();
    expect((await getJson(`${collector.httpUrl}/api/v1/resources?limit=5`)).status).toBe(200);
  });

  it("refuses a node token that claims the cluster agent's id, or another node's agent id", async () => {
    const hijack = raw(T.alphaNodes);
    hijack.hello({ clusterId: UID.alpha, clusterName: 'alpha', agentId: 'alpha-agent', mode: AgentMode.AGENT_MODE_NODE, nodeName: 'evil-node' });
    expect(await hijack.ended).toMatchObject({ code: 7, details: expect.stringMatching(/is the cluster agent/) });
    hijack.close();
    const other = raw(T.alphaNodes);
    other.hello({ clusterId: UID.alpha, clusterName: 'alpha', agentId: 'node-n1', mode: AgentMode.AGENT_MODE_NODE, nodeName: 'n7' });
    expect(await other.ended).toMatchObject({ code: 7, details: expect.stringMatching(/node agent of node n1/) });
    other.close();
    const alpha = (await clusters()).find((c) => c.id === UID.alpha)!;
    expect(alpha.agents.find((a) => a.agentId === 'alpha-agent')).toMatchObject({ status: 'connected', mode: 'cluster' });
  });

  it('refuses look-alike uids of node facts from a cluster agent', async () => {
    const s = raw(T.fleet);
    s.hello({ clusterId: 'uid-clash', clusterName: 'uid-clash', agentId: 'clasher' });
    await s.welcomed();
    s.send(deltaOf(1, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'n1', namespace: 'x', uid: 'nodefacts-n1' } }));
    await waitFor('the look-alike rejected', () => s.errors().find((e) => e.seq === 1));
    expect(s.errors()[0]).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringMatching(/reserved for node facts/) });
    s.close();
  });

  it('bounds Hello fields, heartbeats and the log lines a peer can cause', async () => {
    const big = raw(T.fleet);
    big.hello({ clusterId: 'big', clusterName: 'x'.repeat(1024 * 1024), agentId: 'big' });
    expect(await big.ended).toMatchObject({ code: 3, details: expect.stringMatching(/cluster_name .* is not a DNS-style name/) }); // INVALID_ARGUMENT
    big.close();
    expect(Math.max(...collector.stderrText.map((l) => l.length))).toBeLessThan(10_000);
    const beat = raw(T.fleet);
    beat.hello({ clusterId: 'beat', clusterName: 'beat', agentId: 'beat' });
    await beat.welcomed();
    const objectCounts = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`v1/Kind${i}`, i]));
    beat.send({ seq: 0, body: { $case: 'heartbeat', value: { sentAtUnixMs: Date.now(), objectCounts, lagMs: 0, buffered: 0, lastAckedSeq: 0 } } });
    await waitFor('the heartbeat rejected', () => beat.errors().length > 0);
    beat.close();
    const before = collector.countLogs('agent stream refused before Hello');
    const flood = Array.from({ length: 150 }, () => raw('not-a-token-0000000000000'));
    await Promise.all(flood.map((f) => f.ended));
    for (const f of flood) f.close();
    expect(collector.countLogs('agent stream refused before Hello') - before).toBeLessThanOrEqual(20);
    const metrics = await (await fetch(`${collector.httpUrl}/metrics`)).text();
    expect(Number(/stance_agent_streams_refused_total\{reason="unauthenticated"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(150);
  });

  it('bounds what a stream with a valid token can hold before Hello', async () => {
    const pid = collector.child.pid!;
    const before = rssMiB(pid);
    const big = deltaOf(1, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: 'x', uid: 'u-big' }, data: { blob: 'x'.repeat(15 * 1024 * 1024) } } as never);
    const streams = Array.from({ length: 30 }, () => raw(T.alphaNodes));
    for (const s of streams) s.send(big);
    const ends = await Promise.all(streams.map((s) => s.ended));
    // Over the message limit (object + 256 KiB) or over the grant's 16 waiting streams.
    expect(ends.every((e) => e.code === 8)).toBe(true); // RESOURCE_EXHAUSTED
    for (const s of streams) s.close();
    const after = rssMiB(pid);
    console.log(`collector RSS ${before.toFixed(0)} → ${after.toFixed(0)} MiB after 30 token-holding streams sent 15 MB each`);
    expect(after - before).toBeLessThan(100);
  });

  it('writes only JSON lines on stderr, even for Node warnings (TLS to an IP address)', () => {
    const notJson = (line: string) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    };
    for (const p of [collector, ...procs]) expect(p.stderrText.filter(notJson), p.name).toEqual([]);
    expect(procs.some((p) => p.logs.some((l) => l.code === 'DEP0123'))).toBe(true);
  });
});
