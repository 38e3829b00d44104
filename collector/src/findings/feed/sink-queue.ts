// One sink's bounded queue: transitions wait here until the sink takes them, in batches,
// one delivery at a time. When the sink falls behind and the queue is full, new
// transitions are dropped and counted; a failing delivery is counted and its batch lost.
// Nothing here ever waits on the sink from the caller's side.
import type { Logger } from '@stance/shared/log/index';
import type { FindingTransition, TransitionSink } from './transition.js';

export interface SinkQueueOptions {
  /** Transitions held at most (default 10,000). */
  capacity?: number;
  /** Largest batch handed to the sink at once (default 500). */
  maxBatch?: number;
  /** Failures and drops are logged at most once per this interval (default 60 s). */
  reportIntervalMs?: number;
}

export interface SinkStats {
  delivered: number;
  dropped: number;
  failed: number;
  queued: number;
}

export class SinkQueue {
  private queue: FindingTransition[] = [];
  private head = 0;
  private busy = false;
  private scheduled = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private readonly capacity: number;
  private readonly maxBatch: number;
  private readonly reportIntervalMs: number;
  private lastReport = 0;
  private unreported = { dropped: 0, failed: 0, lastError: undefined as unknown };
  readonly stats = { delivered: 0, dropped: 0, failed: 0 };

  constructor(
    readonly sink: TransitionSink,
    private readonly log: Logger,
    opts: SinkQueueOptions = {},
  ) {
    this.capacity = opts.capacity ?? 10_000;
    this.maxBatch = opts.maxBatch ?? 500;
    this.reportIntervalMs = opts.reportIntervalMs ?? 60_000;
  }

  get size(): number {
    return this.queue.length - this.head;
  }

  snapshot(): SinkStats {
    return { ...this.stats, queued: this.size };
  }

  /** Takes what fits; the rest is dropped and counted. Returns at once. */
  offer(batch: readonly FindingTransition[]): void {
    if (this.closed) return;
    const room = Math.max(0, this.capacity - this.size);
    const taken = batch.length <= room ? batch : batch.slice(0, room);
    for (const t of taken) this.queue.push(t);
    if (taken.length < batch.length) this.problem('dropped', batch.length - taken.length);
    if (taken.length > 0) this.schedule();
  }

  /** Resolves when everything queued so far has been handed to the sink. */
  idle(): Promise<void> {
    if (this.size === 0 && !this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops delivering; what is still queued is dropped (the sink is shutting down). */
  close(): void {
    this.closed = true;
    this.queue = [];
    this.head = 0;
    this.notifyIdle();
  }

  private schedule(): void {
    if (this.scheduled || this.busy) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.busy || this.closed) return;
    this.busy = true;
    try {
      while (this.size > 0 && !this.closed) {
        const end = Math.min(this.queue.length, this.head + this.maxBatch);
        const batch = this.queue.slice(this.head, end);
        this.head = end;
        if (this.head > 4096 && this.head * 2 > this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
        try {
          await this.sink.deliver(batch);
          this.stats.delivered += batch.length;
        } catch (err) {
          this.unreported.lastError = err;
          this.problem('failed', batch.length);
        }
        // Yield between batches so a large backlog never holds the event loop.
        if (this.size > 0) await new Promise((r) => setImmediate(r));
      }
    } finally {
      this.busy = false;
      this.notifyIdle();
    }
  }

  private problem(kind: 'dropped' | 'failed', n: number): void {
    this.stats[kind] += n;
    this.unreported[kind] += n;
    const now = Date.now();
    if (now - this.lastReport < this.reportIntervalMs) return;
    this.lastReport = now;
    const { dropped, failed, lastError } = this.unreported;
    this.log.warn(
      { sink: this.sink.name, dropped, failed, queued: this.size, capacity: this.capacity, ...(lastError ? { err: lastError } : {}) },
      'finding feed sink falling behind or failing: transitions lost (logged at most once per interval)',
    );
    this.unreported = { dropped: 0, failed: 0, lastError: undefined };
  }

  private notifyIdle(): void {
    if (this.size === 0 && !this.busy) for (const w of this.idleWaiters.splice(0)) w();
  }
}
