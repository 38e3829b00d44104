import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { AgentStore } from '../store/agents.js';
import { openDatabase, type Db } from '../store/database.js';
import { ResourceStore, type ResourceInput } from '../store/resources.js';
import { IngestError } from './errors.js';
import { IngestPipeline, type IngestSession, type StateChange } from './pipeline.js';

const dir = mkdtempSync(join(tmpdir(), 'stance-pipeline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const log = pino({ level: 'silent' });

/** A session that records what the pipeline answers, and what was committed when it did. */
class FakeSession implements IngestSession {
  readonly acks: number[] = [];
  readonly rejected: IngestError[] = [];
  /** Committed seq in the database at the moment of each ack. */
  readonly committedAtAck: number[] = [];
  constructor(
    readonly clusterId: string,
    readonly agentId: string,
    private readonly db: Db,
  ) {}
  ack(seq: number): void {
    this.acks.push(seq);
    const row = this.db.prepare<[string, string], { committed_seq: number }>('SELECT committed_seq FROM agents WHERE cluster_id = ? AND agent_id = ?').get(this.clusterId, this.agentId);
    this.committedAtAck.push(row?.committed_seq ?? -1);
  }
  reject(error: IngestError): void {
    this.rejected.push(error);
  }
  readonly aborted: string[] = [];
  abort(reason: string): void {
    this.aborted.push(reason);
  }
}

function pod(name: string, uid: string, rv = '1'): ResourceInput {
  const obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'app', uid, resourceVersion: rv } };
  return { apiVersion: 'v1', kind: 'Pod', namespace: 'app', name, uid, resourceVersion: rv, json: JSON.stringify(obj) };
}

describe('IngestPipeline', () => {
  let db: Db;
  let resources: ResourceStore;
  let agents: AgentStore;
  let pipeline: IngestPipeline;

  function connect(clusterId: string, agentId: string): FakeSession {
    agents.connect({ clusterId, clusterName: clusterId, agentId, mode: 'cluster', nodeName: '', version: 'test', sessionId: `${agentId}-s1` }, 1);
    return new FakeSession(clusterId, agentId, db);
  }

  beforeEach(() => {
    db = openDatabase(join(dir, `db-${++n}.sqlite`));
    resources = new ResourceStore(db);
    agents = new AgentStore(db);
    pipeline = new IngestPipeline(db, resources, agents, { maxBatch: 3, log });
    return () => db.close();
  });

  it('acknowledges only after the batch is committed, with the highest seq', async () => {
    const s = connect('c1', 'a1');
    pipeline.enqueue(s, 1, { type: 'upsert', resource: pod('a', 'u1') });
    pipeline.enqueue(s, 2, { type: 'upsert', resource: pod('b', 'u2') });
    // Nothing is written or answered synchronously.
    expect(s.acks).toEqual([]);
    expect(resources.list('c1', 'Pod')).toHaveLength(0);
    await pipeline.idle();
    expect(s.acks).toEqual([2]);
    // The committed seq was already durable when the ack went out.
    expect(s.committedAtAck).toEqual([2]);
    expect(resources.list('c1', 'Pod')).toHaveLength(2);
    expect(pipeline.stats).toMatchObject({ batches: 1, messages: 2, rejected: 0 });
  });

  it('on a storage failure acknowledges nothing, ends the streams and keeps running', async () => {
    const s = connect('c1', 'a1');
    db.exec('DROP TABLE agents'); // the batch's seq bookkeeping now fails: the whole transaction does
    pipeline.enqueue(s, 1, { type: 'upsert', resource: pod('a', 'u1') });
    await pipeline.idle();
    expect(s.acks).toEqual([]);
    expect(s.aborted).toEqual([expect.stringMatching(/^storage failure/)]);
    expect(resources.list('c1', 'Pod')).toHaveLength(0);
  });

  it('splits work into batches of maxBatch, each acknowledged in order', async () => {
    const s = connect('c1', 'a1');
    for (let i = 1; i <= 7; i++) pipeline.enqueue(s, i, { type: 'upsert', resource: pod(`p${i}`, `u${i}`) });
    await pipeline.idle();
    expect(s.acks).toEqual([3, 6, 7]);
    expect(s.committedAtAck).toEqual([3, 6, 7]);
    expect(pipeline.stats.batches).toBe(3);
    expect(pipeline.depth).toBe(0);
  });

  it('lingers while a stream flows, longest in a sync, and commits a change that comes alone at once', async () => {
    pipeline = new IngestPipeline(db, resources, agents, { maxBatch: 10_000, lingerMs: 20, bulkLingerMs: 400, log });
    const s = connect('c1', 'a1');
    let seq = 0;
    const enqueue = (count: number) => {
      for (let i = 0; i < count; i++) pipeline.enqueue(s, ++seq, { type: 'upsert', resource: pod(`p${seq}`, `u${seq}`) });
    };
    const acked = async (last: number) => {
      while (!s.acks.includes(last)) await new Promise((r) => setTimeout(r, 1));
    };
    /** Messages every 2 ms for `ms`; resolves with the batches committed meanwhile. */
    const stream = async (ms: number) => {
      const batches = pipeline.stats.batches;
      for (const end = performance.now() + ms; performance.now() < end; ) {
        enqueue(1);
        await new Promise((r) => setTimeout(r, 2));
      }
      await acked(seq);
      return pipeline.stats.batches - batches;
    };
    /** One message after a pause; resolves with the ms until it is acknowledged. */
    const alone = async () => {
      await new Promise((r) => setTimeout(r, 50));
      const t0 = performance.now();
      enqueue(1);
      await acked(seq);
      return performance.now() - t0;
    };

    enqueue(100); // the first batch commits at once, whatever its size
    await acked(seq);
    // A sync-sized batch (≥ 64) before: a flowing stream lingers up to 400 ms a batch (one
    // or two here; 20 ms lingers would make ~15). A loaded machine may pause the producer
    // for over 10 ms, which ends a linger early: hence some slack.
    expect(await stream(300)).toBeLessThanOrEqual(5);
    // A pause ends the linger: the change that comes alone is not held back by the sync's.
    expect(await alone()).toBeLessThan(200);
    enqueue(20);
    await acked(seq);
    // A stream-sized batch (≥ 16) before: 20 ms batches, so a 300 ms stream takes several.
    expect(await stream(300)).toBeGreaterThanOrEqual(4);
    expect(await alone()).toBeLessThan(200);
    expect(s.acks.at(-1)).toBe(seq);
  });

  it('acknowledges each session with its own highest seq', async () => {
    const a = connect('c1', 'a1');
    const b = connect('c2', 'b1');
    pipeline.enqueue(a, 5, { type: 'upsert', resource: pod('a', 'u1') });
    pipeline.enqueue(b, 9, { type: 'upsert', resource: pod('b', 'u2') });
    pipeline.enqueue(a, 6, { type: 'delete', uid: 'nope', kind: 'Pod' });
    await pipeline.idle();
    expect(a.acks).toEqual([6]);
    expect(b.acks).toEqual([9]);
    expect(resources.list('c1', 'Pod').map((o) => o.metadata.name)).toEqual(['a']);
    expect(resources.list('c2', 'Pod').map((o) => o.metadata.name)).toEqual(['b']);
  });

  it('acknowledges and reports rejected messages, keeping the rest of the batch', async () => {
    const s = connect('c1', 'a1');
    const bad = new IngestError('INVALID_OBJECT', 'not a Kubernetes object', 2);
    pipeline.enqueue(s, 1, { type: 'upsert', resource: pod('a', 'u1') });
    pipeline.enqueue(s, 2, { type: 'rejected', error: bad });
    pipeline.enqueue(s, 3, { type: 'upsert', resource: pod('c', 'u3') });
    await pipeline.idle();
    expect(s.rejected).toEqual([bad]);
    expect(s.acks).toEqual([3]);
    expect(resources.list('c1', 'Pod').map((o) => o.metadata.name).sort()).toEqual(['a', 'c']);
    expect(pipeline.stats.rejected).toBe(1);
  });

  it('rolls back only the message whose apply failed unexpectedly', async () => {
    const s = connect('c1', 'a1');
    pipeline.enqueue(s, 1, { type: 'upsert', resource: pod('a', 'u1') });
    pipeline.enqueue(s, 2, { type: 'upsert', resource: { ...pod('b', 'u2'), json: '{not json' } });
    await pipeline.idle();
    expect(s.rejected).toHaveLength(1);
    expect(s.rejected[0]).toMatchObject({ code: 'INVALID_MESSAGE', seq: 2 });
    expect(s.acks).toEqual([2]);
    expect(resources.list('c1', 'Pod').map((o) => o.metadata.name)).toEqual(['a']);
  });

  it('tells change listeners about creates, updates, deletes and snapshot sweeps', async () => {
    const s = connect('c1', 'a1');
    const seen: string[] = [];
    pipeline.onChange((cluster, change) => seen.push(`${cluster}:${describe_(change)}`));
    let batchEnds = 0;
    pipeline.onBatchEnd(() => (batchEnds += 1));
    pipeline.enqueue(s, 1, { type: 'upsert', resource: pod('a', 'u1') });
    pipeline.enqueue(s, 2, { type: 'upsert', resource: pod('a', 'u1') }); // repeat: no change
    pipeline.enqueue(s, 3, { type: 'upsert', resource: pod('a', 'u1', '2') });
    pipeline.enqueue(s, 4, { type: 'upsert', resource: pod('b', 'u2') });
    pipeline.enqueue(s, 5, { type: 'snapshot-begin', snapshotId: 'snap', kinds: ['v1/Pod'] });
    pipeline.enqueue(s, 6, { type: 'upsert', resource: pod('a', 'u1', '2') });
    pipeline.enqueue(s, 7, { type: 'snapshot-end', snapshotId: 'snap' });
    pipeline.enqueue(s, 8, { type: 'delete', uid: 'u1', kind: 'Pod' });
    await pipeline.idle();
    expect(seen).toEqual(['c1:upsert a', 'c1:update a 1→2', 'c1:upsert b', 'c1:delete b', 'c1:delete a']);
    expect(batchEnds).toBe(3);
    expect(s.acks).toEqual([3, 6, 8]);
  });

  it('a throwing change listener does not lose the object nor stop other listeners', async () => {
    const s = connect('c1', 'a1');
    const after: string[] = [];
    pipeline.onChange(() => {
      throw new Error('derived state failed');
    });
    pipeline.onChange((_c, change) => after.push(change.object.metadata.name!));
    pipeline.enqueue(s, 1, { type: 'upsert', resource: pod('a', 'u1') });
    await pipeline.idle();
    expect(resources.getByUid('c1', 'u1')?.name).toBe('a');
    expect(after).toEqual(['a']);
    expect(s.acks).toEqual([1]);
    expect(s.rejected).toEqual([]);
  });

  it('a throwing batch listener does not cost the batch', async () => {
    const s = connect('c1', 'a1');
    pipeline.onBatchEnd(() => {
      throw new Error('posture failed');
    });
    pipeline.enqueue(s, 1, { type: 'upsert', resource: pod('a', 'u1') });
    await pipeline.idle();
    expect(resources.getByUid('c1', 'u1')).toBeDefined();
    expect(s.acks).toEqual([1]);
  });

  it('idle() resolves at once when nothing is queued, else after everything is committed', async () => {
    await pipeline.idle();
    const s = connect('c1', 'a1');
    for (let i = 1; i <= 10; i++) pipeline.enqueue(s, i, { type: 'upsert', resource: pod(`p${i}`, `u${i}`) });
    const waiting = pipeline.idle();
    pipeline.enqueue(s, 11, { type: 'upsert', resource: pod('late', 'u11') });
    await waiting;
    expect(resources.list('c1', 'Pod')).toHaveLength(11);
    expect(s.acks.at(-1)).toBe(11);
    expect(pipeline.depth).toBe(0);
  });

  it('drops what a session queued before its cluster id was retired, and only that', async () => {
    const retiredSession = connect('c1', 'a1');
    const other = connect('c2', 'a2');
    pipeline.enqueue(retiredSession, 1, { type: 'upsert', resource: pod('queued', 'u1') });
    pipeline.enqueue(other, 1, { type: 'upsert', resource: pod('kept', 'u2') });
    Object.assign(retiredSession, { retired: true }); // the admin's DELETE ran before the commit
    await pipeline.idle();
    expect(resources.getByUid('c1', 'u1')).toBeUndefined();
    expect(retiredSession.acks).toEqual([]);
    expect(resources.getByUid('c2', 'u2')?.name).toBe('kept');
    expect(other.acks).toEqual([1]);
  });

  it('commits the seq with the data, so a reconnecting session resumes after it', async () => {
    const s = connect('c1', 'a1');
    pipeline.enqueue(s, 1, { type: 'upsert', resource: pod('a', 'u1') });
    pipeline.enqueue(s, 2, { type: 'upsert', resource: pod('b', 'u2') });
    await pipeline.idle();
    const resumed = agents.connect({ clusterId: 'c1', clusterName: 'c1', agentId: 'a1', mode: 'cluster', nodeName: '', version: 'test', sessionId: 'a1-s1' }, 2);
    expect(resumed).toBe(2);
    // A new agent process (new session) starts from zero.
    expect(agents.connect({ clusterId: 'c1', clusterName: 'c1', agentId: 'a1', mode: 'cluster', nodeName: '', version: 'test', sessionId: 'a1-s2' }, 3)).toBe(0);
  });
});

function describe_(c: StateChange): string {
  const name = c.object.metadata.name;
  if (c.type === 'delete') return `delete ${name}`;
  return c.previous ? `update ${name} ${c.previous.metadata.resourceVersion}→${c.object.metadata.resourceVersion}` : `upsert ${name}`;
}
