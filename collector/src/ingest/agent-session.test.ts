// AgentSession with a stand-in gRPC call and pipeline: the stream protocol (Hello first,
// auth, replay, acks, rejects) and read backpressure.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { Metadata, status } from '@grpc/grpc-js';
import { pino } from 'pino';
import { AgentMode, DeltaType, type ConnectRequest, type ConnectResponse } from '@stance/proto';
import { AgentStore } from '../store/agents.js';
import { openDatabase, type Db } from '../store/database.js';
import { AgentSession, type SessionOptions } from './agent-session.js';
import { redactCredentials } from '@stance/shared/redact/index';
import { ClusterBindings } from '../store/cluster-bindings.js';
import { StorageHealth } from '../store/storage-health.js';
import { Admission } from './admission.js';
import { AgentAuthenticator } from './auth.js';
import type { TokenGrant } from './grants.js';
import { RefusalLog } from './refusal-log.js';
import { SessionRegistry } from './session-registry.js';
import type { IngestOp, IngestPipeline, IngestSession } from './pipeline.js';

const log = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'stance-session-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;

class FakeCall extends EventEmitter {
  readonly written: ConnectResponse[] = [];
  readonly metadata = new Metadata();
  paused = false;
  ended = false;
  error: { code: status; details: string } | undefined;
  constructor(token?: string) {
    super();
    if (token) this.metadata.set('authorization', `Bearer ${token}`);
    this.on('error', (e: { code: status; details: string }) => (this.error = e));
  }
  write(m: ConnectResponse): boolean {
    this.written.push(m);
    return true;
  }
  end(): void {
    this.ended = true;
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  getPeer(): string {
    return 'ipv4:127.0.0.1:5555';
  }
  getAuthContext(): Record<string, unknown> {
    return {};
  }
  send(m: ConnectRequest): void {
    this.emit('data', m);
  }
  bodies(kind: string): unknown[] {
    return this.written.filter((w) => w.body?.$case === kind).map((w) => (w.body as { value: unknown }).value);
  }
}

/** Queues ops; commit() acknowledges them as the real pipeline would after a commit. */
class FakePipeline {
  queue: { session: IngestSession; seq: number; op: IngestOp }[] = [];
  enqueue(session: IngestSession, seq: number, op: IngestOp): void {
    this.queue.push({ session, seq, op });
  }
  get depth(): number {
    return this.queue.length;
  }
  private idleWaiters: (() => void)[] = [];
  idle(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }
  /** Commits the first n items, acking each session's highest seq among them. */
  commit(n = this.queue.length): void {
    const items = this.queue.splice(0, n);
    const acks = new Map<IngestSession, number>();
    for (const i of items) acks.set(i.session, Math.max(acks.get(i.session) ?? 0, i.seq));
    for (const [s, seq] of acks) s.ack(seq);
    if (this.queue.length === 0) for (const w of this.idleWaiters.splice(0)) w();
  }
}

const OPTS: SessionOptions = { maxObjectBytes: 1024 * 1024, heartbeatIntervalMs: 60_000, highWatermark: 4, helloTimeoutMs: 200 };
const PROD = 'prod-token-00000001';
const STAGING = 'staging-token-00001';
const NODES = 'prod-nodes-token-01';
const GRANTS: TokenGrant[] = [
  { name: 'prod', cluster: 'prod', token: PROD, modes: ['cluster'] },
  { name: 'staging', cluster: 'staging', token: STAGING, modes: ['cluster'] },
  { name: 'prod-nodes', cluster: 'prod', token: NODES, modes: ['node'] },
];

const hello = (over: Partial<Extract<ConnectRequest['body'], { $case: 'hello' }>['value']> = {}): ConnectRequest => ({
  seq: 0,
  body: {
    $case: 'hello',
    value: { clusterId: 'uid-1', clusterName: 'prod', agentId: 'agent-1', mode: AgentMode.AGENT_MODE_CLUSTER, nodeName: '', version: '0.1.0', sessionId: 'session-1', firstBufferedSeq: 1, ...over },
  },
});

const pod = (seq: number, name = `p${seq}`): ConnectRequest => {
  const obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'app', uid: `u-${name}`, resourceVersion: '1' } };
  return {
    seq,
    body: {
      $case: 'delta',
      value: { type: DeltaType.DELTA_TYPE_ADDED, apiVersion: 'v1', kind: 'Pod', namespace: 'app', name, uid: `u-${name}`, resourceVersion: '1', object: Buffer.from(JSON.stringify(obj)) },
    },
  };
};

describe('AgentSession', () => {
  let db: Db;
  let agents: AgentStore;
  let pipeline: FakePipeline;
  let registry: SessionRegistry<AgentSession>;
  let storage: StorageHealth;
  let bindings: ClusterBindings;
  const sessions: AgentSession[] = [];

  function session(call: FakeCall, auth = new AgentAuthenticator(GRANTS, false), sessionLog = log): AgentSession {
    const deps = {
      pipeline: pipeline as unknown as IngestPipeline,
      agents,
      auth,
      admission: new Admission(db, agents, bindings, auth),
      registry,
      storage,
      refusals: new RefusalLog(log),
      redact: (o: Parameters<typeof redactCredentials>[0]) => redactCredentials(o, () => '00000000'),
      log: sessionLog,
    };
    const s = new AgentSession(call as never, deps, OPTS, () => undefined);
    sessions.push(s);
    return s;
  }

  beforeEach(() => {
    db = openDatabase(join(dir, `db-${++fileNo}.sqlite`));
    agents = new AgentStore(db);
    bindings = new ClusterBindings(db);
    pipeline = new FakePipeline();
    registry = new SessionRegistry(3);
    storage = new StorageHealth(db, log, 50);
    return () => {
      for (const s of sessions.splice(0)) s.end('test over');
      storage.stop();
      db.close();
    };
  });

  it('welcomes an authorised agent with what is committed for its session', () => {
    const call = new FakeCall(PROD);
    session(call);
    call.send(hello());
    expect(call.bodies('welcome')).toEqual([{ committedSeq: 0, resync: false, heartbeatIntervalMs: 60_000 }]);
    expect(agents.agents()).toMatchObject([{ clusterId: 'uid-1', agentId: 'agent-1', connected: true }]);
  });

  it('refuses a stream that does not start with Hello, or lacks its ids', () => {
    const a = new FakeCall(PROD);
    session(a);
    a.send(pod(1));
    expect(a.error?.code).toBe(status.FAILED_PRECONDITION);
    const b = new FakeCall(PROD);
    session(b);
    b.send(hello({ sessionId: '' }));
    expect(b.error?.code).toBe(status.INVALID_ARGUMENT);
    expect(pipeline.depth).toBe(0);
  });

  it('refuses a wrong or missing token with UNAUTHENTICATED at once, before any message, and records nothing', () => {
    for (const token of ['not-the-token-000000', undefined]) {
      const call = new FakeCall(token);
      const s = session(call);
      expect(s.open).toBe(false);
      expect(call.error?.code).toBe(status.UNAUTHENTICATED);
      expect(call.listenerCount('data')).toBe(0);
    }
    expect(registry.pending).toBe(0);
    expect(agents.agents()).toEqual([]);
  });

  it('logs a refused Hello with the grant named once (valid JSON for every log reader)', () => {
    const a = new FakeCall(PROD);
    session(a);
    a.send(hello()); // prod's grant binds uid-1
    const lines: string[] = [];
    const b = new FakeCall(STAGING);
    session(b, undefined, pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) }));
    b.send(hello({ clusterName: 'staging', agentId: 'intruder', sessionId: 's-log' }));
    const refused = lines.find((l) => l.includes('"agent refused"'))!;
    expect(refused.match(/"grant":/g)).toHaveLength(1);
    expect(JSON.parse(refused)).toMatchObject({ grant: 'staging', clusterId: 'uid-1', agentId: 'intruder' });
  });

  it('ends the live streams of a cluster id an admin retires, and only those', () => {
    const a = new FakeCall(PROD);
    const retiring = session(a);
    a.send(hello());
    const other = new FakeCall(STAGING);
    const staying = session(other);
    other.send(hello({ clusterId: 'uid-2', clusterName: 'staging', agentId: 'agent-2', sessionId: 's-2' }));
    expect(bindings.retire('uid-1')).toBeDefined();
    // The pipeline drops what the retired session queued before (pipeline.test.ts).
    expect([retiring.retired, staying.retired]).toEqual([true, false]);
    expect(a.error).toMatchObject({ code: status.PERMISSION_DENIED, details: expect.stringMatching(/uid-1 was retired/) });
    expect(other.error).toBeUndefined();
    a.send(pod(1));
    expect(pipeline.depth).toBe(0);
    expect(agents.agents().find((x) => x.agentId === 'agent-1')?.connected).toBe(false);
  });

  it('binds a cluster id to the grant that registered it and refuses it to any other grant', () => {
    const a = new FakeCall(PROD);
    session(a);
    a.send(hello());
    expect(a.bodies('welcome')).toHaveLength(1);
    // staging's grant claims prod's cluster id (under its own name, then under prod's)
    for (const clusterName of ['staging', 'prod']) {
      const b = new FakeCall(STAGING);
      session(b);
      b.send(hello({ clusterName, agentId: 'intruder', sessionId: `s-${clusterName}` }));
      expect(b.error?.code).toBe(status.PERMISSION_DENIED);
    }
    expect(agents.agents().map((x) => x.agentId)).toEqual(['agent-1']);
    expect(agents.clusters()).toMatchObject([{ id: 'uid-1', name: 'prod' }]);
  });

  it('lets every grant for the cluster name (cluster agent, node agents) write the id it is bound to', () => {
    const a = new FakeCall(PROD);
    session(a);
    a.send(hello());
    const n = new FakeCall(NODES);
    session(n);
    n.send(hello({ mode: AgentMode.AGENT_MODE_NODE, nodeName: 'node-a', agentId: 'node-a', sessionId: 'n' }));
    expect(n.bodies('welcome')).toHaveLength(1);
    expect(agents.agents().map((x) => x.agentId).sort()).toEqual(['agent-1', 'node-a']);
  });

  it('lets a single-cluster grant register exactly one cluster id', () => {
    const a = new FakeCall(PROD);
    session(a);
    a.send(hello());
    const b = new FakeCall(PROD);
    session(b);
    b.send(hello({ clusterId: 'uid-2', agentId: 'other', sessionId: 's2' }));
    expect(b.error).toMatchObject({ code: status.PERMISSION_DENIED, details: expect.stringMatching(/exactly one cluster/) });
    expect(agents.clusters().map((c) => c.id)).toEqual(['uid-1']);
  });

  it('lets a node agent send only node facts for its own node and heartbeats', () => {
    const call = new FakeCall(NODES);
    session(call);
    call.send(hello({ mode: AgentMode.AGENT_MODE_NODE, nodeName: 'node-a', agentId: 'node-a' }));
    expect(call.bodies('welcome')).toHaveLength(1);
    call.send(pod(1));
    call.send({ seq: 2, body: { $case: 'snapshotBegin', value: { snapshotId: 'x', kinds: ['v1/Pod'] } } });
    const facts = (seq: number, nodeName: string): ConnectRequest => ({
      seq,
      body: { $case: 'nodeFacts', value: { nodeName, contentHash: 'h', facts: Buffer.from('{}'), collectedAtUnixMs: 1 } },
    });
    call.send(facts(3, 'node-b'));
    call.send(facts(4, 'node-a'));
    expect(pipeline.queue.map((i) => [i.seq, i.op.type, (i.op as { error?: { code: string } }).error?.code])).toEqual([
      [1, 'rejected', 'PERMISSION_DENIED'],
      [2, 'rejected', 'PERMISSION_DENIED'],
      [3, 'rejected', 'PERMISSION_DENIED'],
      [4, 'upsert', undefined],
    ]);
  });

  it('refuses a node token in cluster mode', () => {
    const call = new FakeCall(NODES);
    session(call);
    call.send(hello());
    expect(call.error).toMatchObject({ code: status.PERMISSION_DENIED, details: expect.stringMatching(/does not allow cluster-mode/) });
  });

  it('ends a stream that says no Hello in time, and caps the streams waiting to', async () => {
    const calls = [new FakeCall(PROD), new FakeCall(PROD), new FakeCall(PROD), new FakeCall(PROD)];
    const opened = calls.map((c) => session(c).open);
    expect(opened).toEqual([true, true, true, false]);
    expect(calls[3]!.error?.code).toBe(status.RESOURCE_EXHAUSTED);
    await new Promise((r) => setTimeout(r, 300));
    expect(calls.slice(0, 3).map((c) => c.error?.code)).toEqual([status.DEADLINE_EXCEEDED, status.DEADLINE_EXCEEDED, status.DEADLINE_EXCEEDED]);
    expect(registry.pending).toBe(0);
  });

  it('keeps one live stream per agent: a newer one supersedes the older, which leaves the agent connected', () => {
    const old = new FakeCall(PROD);
    session(old);
    old.send(hello());
    const fresh = new FakeCall(PROD);
    session(fresh);
    fresh.send(hello());
    expect(old.error?.code).toBe(status.ABORTED);
    expect(fresh.bodies('welcome')).toHaveLength(1);
    expect(agents.agents()).toMatchObject([{ agentId: 'agent-1', connected: true }]);
    expect(registry.liveCount).toBe(1);
  });

  it('redacts credential values before they reach the pipeline', () => {
    const call = new FakeCall(PROD);
    session(call);
    call.send(hello());
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'app', uid: 'u-c', resourceVersion: '1' }, data: { DB_PASSWORD: 'hunter2-is-not-good' } };
    call.send({
      seq: 1,
      body: { $case: 'delta', value: { type: DeltaType.DELTA_TYPE_ADDED, apiVersion: 'v1', kind: 'ConfigMap', namespace: 'app', name: 'c', uid: 'u-c', resourceVersion: '1', object: Buffer.from(JSON.stringify(cm)) } },
    });
    const op = pipeline.queue[0]!.op as { resource: { json: string } };
    expect(op.resource.json).not.toContain('hunter2');
    expect(op.resource.json).toContain('<redacted by stance: 19 chars');
  });

  it('refuses a Hello while storage is failing, so the agent keeps its buffer and retries', () => {
    storage.report(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }), 'test');
    const call = new FakeCall(PROD);
    session(call);
    call.send(hello());
    expect(call.error?.code).toBe(status.UNAVAILABLE);
    expect(agents.agents()).toEqual([]);
  });

  it('enqueues sequenced messages and acknowledges what the pipeline committed', () => {
    const call = new FakeCall(PROD);
    session(call);
    call.send(hello());
    call.send(pod(1));
    call.send(pod(2));
    expect(pipeline.queue.map((i) => [i.seq, i.op.type])).toEqual([
      [1, 'upsert'],
      [2, 'upsert'],
    ]);
    pipeline.commit();
    expect(call.bodies('ack')).toEqual([{ seq: 2 }]);
  });

  it('skips replays of what it already received, re-acknowledging what is committed', () => {
    const call = new FakeCall(PROD);
    session(call);
    call.send(hello());
    call.send(pod(1));
    call.send(pod(2));
    pipeline.commit();
    call.send(pod(2)); // a replay after a hiccup
    call.send(pod(1));
    expect(pipeline.depth).toBe(0);
    expect(call.bodies('ack')).toEqual([{ seq: 2 }, { seq: 2 }, { seq: 2 }]);
  });

  it('sends a rejected message through the pipeline so acks stay in order', () => {
    const call = new FakeCall(PROD);
    session(call);
    call.send(hello());
    const bad = pod(1);
    (bad.body as { value: { object: Buffer } }).value.object = Buffer.from('{broken');
    call.send(bad);
    expect(pipeline.queue[0]?.op).toMatchObject({ type: 'rejected', error: { code: 'INVALID_OBJECT', seq: 1 } });
  });

  it('asks for a resync when the agent no longer holds what follows the committed seq', () => {
    const call = new FakeCall(PROD);
    session(call);
    call.send(hello({ firstBufferedSeq: 50 }));
    expect(call.bodies('welcome')).toEqual([expect.objectContaining({ committedSeq: 0, resync: true })]);
  });

  it('stores heartbeats without sequencing them', () => {
    const call = new FakeCall(PROD);
    session(call);
    call.send(hello());
    call.send({ seq: 0, body: { $case: 'heartbeat', value: { sentAtUnixMs: 1, objectCounts: { 'v1/Pod': 3 }, lagMs: 7, buffered: 0, lastAckedSeq: 0 } } });
    expect(pipeline.depth).toBe(0);
    expect(agents.agents()[0]?.heartbeat).toMatchObject({ objectCounts: { 'v1/Pod': 3 }, lagMs: 7 });
  });

  it('pauses reading while the pipeline is deep and resumes once it drains', () => {
    const call = new FakeCall(PROD);
    session(call);
    call.send(hello());
    for (let seq = 1; seq <= 5; seq++) call.send(pod(seq));
    expect(call.paused).toBe(true);
    pipeline.commit();
    expect(call.paused).toBe(false);
  });

  it('resumes a paused stream even when other agents filled the pipeline', async () => {
    const flood = new FakeCall(PROD);
    session(flood);
    flood.send(hello({ agentId: 'flood', sessionId: 'f' }));
    for (let seq = 1; seq <= 4; seq++) flood.send(pod(seq, `f${seq}`));
    const quiet = new FakeCall(PROD);
    session(quiet);
    quiet.send(hello({ agentId: 'quiet', sessionId: 'q' }));
    quiet.send(pod(1, 'q1')); // depth 5 > 4: the quiet agent's stream pauses
    expect(quiet.paused).toBe(true);
    // The quiet agent's message commits while the flood is still queued ...
    const q = pipeline.queue.findIndex((i) => i.seq === 1 && (i.op as { resource?: { name: string } }).resource?.name === 'q1');
    const [item] = pipeline.queue.splice(q, 1);
    item!.session.ack(item!.seq);
    // ... then the flood drains. The quiet stream must not stay paused for good.
    pipeline.commit();
    await new Promise((r) => setImmediate(r));
    expect(quiet.paused).toBe(false);
  });

  it('marks the agent disconnected when the stream ends', () => {
    const call = new FakeCall(PROD);
    session(call);
    call.send(hello());
    call.emit('end');
    expect(agents.agents()[0]?.connected).toBe(false);
  });
});
