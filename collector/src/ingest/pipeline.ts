// The single writer: messages from every agent stream are applied in batched SQLite
// transactions, and each stream is acknowledged only after its messages are committed.
import type { Logger } from '@stance/shared/log/index';
import type { KubeObject } from '@stance/shared/model/index';
import type { Db } from '../store/database.js';
import type { AgentStore } from '../store/agents.js';
import { ResourceConflictError, type ResourceInput, type ResourceStore } from '../store/resources.js';
import type { StorageHealth } from '../store/storage-health.js';
import { IngestError } from './errors.js';

export type IngestOp =
  | { type: 'snapshot-begin'; snapshotId: string; kinds: string[] }
  | { type: 'snapshot-end'; snapshotId: string }
  | { type: 'upsert'; resource: ResourceInput }
  | { type: 'delete'; uid: string; kind: string }
  /** A message that failed validation: committed as consumed, reported, nothing stored. */
  | { type: 'rejected'; error: IngestError };

export type StateChange =
  | { type: 'upsert'; object: KubeObject; previous?: KubeObject }
  | { type: 'delete'; object: KubeObject };

/**
 * Called inside the ingest transaction for every real change, so that derived state
 * (findings) commits atomically with the objects it was derived from.
 */
export type ChangeListener = (clusterId: string, change: StateChange, now: number) => void;

export interface IngestSession {
  readonly clusterId: string;
  readonly agentId: string;
  ack(seq: number): void;
  reject(error: IngestError): void;
  /** Ends the stream: the agent reconnects and replays what was not acknowledged. */
  abort(reason: string): void;
  /** Its cluster id was retired by an admin: what it queued and is not committed yet is dropped. */
  readonly retired?: boolean;
}

interface Item {
  session: IngestSession;
  seq: number;
  op: IngestOp;
}

export interface PipelineOptions {
  maxBatch: number;
  /** Told of a failed commit; a storage failure turns the collector not-ready until writes succeed. */
  storage?: StorageHealth;
  /**
   * While a stream is flowing (the last batch held at least STREAMING_BATCH messages), wait
   * up to this long for more before committing (default 25 ms); a lone change commits at once.
   */
  lingerMs?: number;
  /** The same while a sync is flowing (the last batch held at least BULK_BATCH messages; default 200 ms). */
  bulkLingerMs?: number;
  log: Logger;
}

/**
 * A batch this large means messages arrive faster than they commit. gRPC delivers one
 * HTTP/2 window (64 KiB, ~30 objects) per event-loop turn, so committing every turn made
 * a 20,000-object sync 600 transactions, each paying the commit and the findings
 * re-evaluation of every subject its changes fan out to.
 */
const STREAMING_BATCH = 16;
const DEFAULT_LINGER_MS = 25;
/**
 * A batch this large (2,560 messages/s and more: a sync, not the churn of a busy cluster) lingers
 * longer. A commit writes every page its batch changed, and a sync's objects land on random
 * pages of the (cluster, uid) key index: 25 ms batches made a 100k-object sync 574 commits
 * and ~10 s of the collector's CPU, 200 ms batches 93 commits (BENCHMARKS.md, issue 12).
 */
const BULK_BATCH = 64;
const DEFAULT_BULK_LINGER_MS = 200;
/**
 * A linger ends early once the stream goes quiet: nothing arrived for this long, over at
 * least two turns of the event loop (so a loop busy elsewhere does not pass for a quiet
 * stream). The first change after a sync then waits ~10 ms, not the sync's linger.
 */
const QUIET_MS = 10;

export class IngestPipeline {
  private queue: Item[] = [];
  private scheduled = false;
  private firstQueuedAt = 0;
  private lastBatchSize = 0;
  private lastQueuedAt = 0;
  /** Linger turns since the last message arrived. */
  private quietTurns = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly listeners: ChangeListener[] = [];
  private readonly batchListeners: ((now: number) => void)[] = [];
  private readonly applyBatch: (items: Item[], now: number) => IngestError[];
  /** Totals since start, for metrics and benchmarks. */
  readonly stats = { batches: 0, messages: 0, rejected: 0 };

  constructor(
    private readonly db: Db,
    private readonly resources: ResourceStore,
    private readonly agents: AgentStore,
    private readonly opts: PipelineOptions,
  ) {
    // Each item runs in a savepoint: an unexpected failure of one rolls back only it.
    const applyOne = db.transaction((clusterId: string, op: IngestOp, now: number) => this.applyOp(clusterId, op, now));
    this.applyBatch = db.transaction((items: Item[], now: number) => {
      const rejected: IngestError[] = [];
      const maxSeq = new Map<IngestSession, number>();
      for (const item of items) {
        try {
          applyOne(item.session.clusterId, item.op, now);
        } catch (err) {
          const e =
            err instanceof IngestError
              ? err
              : new IngestError(err instanceof ResourceConflictError ? 'INVALID_OBJECT' : 'INVALID_MESSAGE', (err as Error).message, item.seq);
          if (!(err instanceof IngestError) && !(err instanceof ResourceConflictError)) {
            this.opts.log.error({ err, seq: item.seq, agent: item.session.agentId }, 'message failed to apply');
          }
          rejected.push(Object.assign(e, { session: item.session }));
        }
        if (item.seq > (maxSeq.get(item.session) ?? 0)) maxSeq.set(item.session, item.seq);
      }
      for (const l of this.batchListeners) {
        try {
          l(now);
        } catch (err) {
          this.opts.log.error({ err }, 'batch listener failed');
        }
      }
      for (const [s, seq] of maxSeq) this.agents.commitSeq(s.clusterId, s.agentId, seq);
      return rejected;
    });
  }

  /**
   * Called once per batch, inside its transaction, after every change of the batch was
   * applied: derived state that depends on many objects is computed once per batch.
   */
  onBatchEnd(listener: (now: number) => void): void {
    this.batchListeners.push(listener);
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  get depth(): number {
    return this.queue.length;
  }

  enqueue(session: IngestSession, seq: number, op: IngestOp): void {
    this.lastQueuedAt = performance.now();
    this.quietTurns = 0;
    if (this.queue.push({ session, seq, op }) === 1) this.firstQueuedAt = this.lastQueuedAt;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Resolves when everything enqueued so far is committed (graceful shutdown). */
  idle(): Promise<void> {
    if (this.queue.length === 0 && !this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private flush(): void {
    this.scheduled = false;
    const linger =
      this.lastBatchSize >= BULK_BATCH ? (this.opts.bulkLingerMs ?? DEFAULT_BULK_LINGER_MS) : (this.opts.lingerMs ?? DEFAULT_LINGER_MS);
    const now = performance.now();
    const quiet = this.quietTurns >= 2 && now - this.lastQueuedAt >= QUIET_MS;
    if (
      this.queue.length > 0 &&
      this.queue.length < this.opts.maxBatch &&
      this.lastBatchSize >= STREAMING_BATCH &&
      !quiet &&
      now - this.firstQueuedAt < linger
    ) {
      // A timer, not setImmediate: the loop must block in I/O polling to read more.
      this.quietTurns += 1;
      this.scheduled = true;
      setTimeout(() => this.flush(), 1);
      return;
    }
    const items = this.queue.splice(0, this.opts.maxBatch);
    if (items.length > 0) this.commit(items);
    this.lastBatchSize = items.length;
    if (this.queue.length > 0) {
      this.firstQueuedAt = performance.now();
      this.scheduled = true;
      setImmediate(() => this.flush());
    } else {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private commit(queued: Item[]): void {
    // Ending a retired id's streams stops their reading, but messages read before (up to a
    // batch, lingering 25 ms) would still be written to the id nobody may write any more.
    const items = queued.filter((item) => item.session.retired !== true);
    if (items.length === 0) return;
    let rejected: IngestError[];
    try {
      rejected = this.applyBatch(items, Date.now());
    } catch (err) {
      // The database itself failed (disk full, I/O error): nothing is acknowledged and the
      // streams end, so the agents keep their buffers and replay after reconnecting. The
      // collector keeps serving; the failure is loud in the log and the rejected metric.
      // A storage failure is logged once by StorageHealth, which also refuses new Hellos
      // until a probe write succeeds; anything else is logged here.
      if (!this.opts.storage?.report(err, 'ingest commit')) {
        this.opts.log.error({ err, messages: items.length }, 'ingest transaction failed; ending the streams so agents replay');
      }
      for (const s of new Set(items.map((i) => i.session))) s.abort('storage failure: nothing acknowledged, replay later');
      return;
    }
    this.stats.batches += 1;
    this.stats.messages += items.length;
    this.stats.rejected += rejected.length;
    const acks = new Map<IngestSession, number>();
    for (const item of items) if (item.seq > (acks.get(item.session) ?? 0)) acks.set(item.session, item.seq);
    for (const e of rejected) (e as IngestError & { session: IngestSession }).session.reject(e);
    for (const [s, seq] of acks) s.ack(seq);
  }

  private applyOp(clusterId: string, op: IngestOp, now: number): void {
    switch (op.type) {
      case 'rejected':
        throw op.error;
      case 'snapshot-begin':
        this.resources.beginSnapshot(clusterId, op.snapshotId, op.kinds, now);
        return;
      case 'snapshot-end':
        for (const object of this.resources.endSnapshot(clusterId, op.snapshotId)) this.emit(clusterId, { type: 'delete', object }, now);
        return;
      case 'upsert': {
        const r = this.resources.upsert(clusterId, op.resource, now);
        if (r.change === 'created') this.emit(clusterId, { type: 'upsert', object: r.object }, now);
        else if (r.change === 'updated') this.emit(clusterId, { type: 'upsert', object: r.object, previous: r.previous }, now);
        return;
      }
      case 'delete': {
        const object = this.resources.delete(clusterId, op.uid, op.kind);
        if (object) this.emit(clusterId, { type: 'delete', object }, now);
        return;
      }
    }
  }

  private emit(clusterId: string, change: StateChange, now: number): void {
    for (const l of this.listeners) {
      try {
        l(clusterId, change, now);
      } catch (err) {
        // Derived state must never cost the object itself: keep the change, log the fault.
        const o = change.object.metadata;
        this.opts.log.error({ err, clusterId, kind: change.object.kind, namespace: o.namespace, name: o.name }, 'change listener failed');
      }
    }
  }
}
