// When evaluation runs: committed changes are queued (coalesced per object) and evaluated
// in short batches off the ingest path, so a slow evaluation never holds back
// acknowledgements. Subjects reached only through their reads wait a little (coalesced)
// behind queued changes; a cluster in the middle of a snapshot waits for it to end.
// The knobs of change → finding latency live here and nowhere else.
import type { Logger } from '@stance/shared/log/index';
import type { StateChange } from '../ingest/pipeline.js';
import type { Db } from '../store/database.js';
import { ChangeQueue } from './change-queue.js';
import { DeferredDependents } from './deferred-dependents.js';
import type { Evaluator } from './evaluator.js';

/** How long one drain evaluates before yielding to the event loop. */
const SLICE_MS = 50;
/** Changes (or deferred subjects) per unit of work. */
const CHUNK = 500;
/** How long re-evaluations of dependents wait behind queued changes (at most, per chunk). */
const DEFER_MS = 2000;
/** A snapshot older than this no longer holds evaluation (an agent gone mid-listing). */
const STALE_SNAPSHOT_MS = 120_000;
/** How soon a cluster held by a snapshot is looked at again. */
const HOLD_RETRY_MS = 100;

export class EvaluationScheduler {
  private readonly queue = new ChangeQueue();
  /** Subjects reached through their reads: re-evaluated when the queue is empty or after DEFER_MS. */
  private readonly deferred = new DeferredDependents();
  private scheduled = false;
  private stopped = false;
  private busyElsewhere = 0;
  private idleWaiters: (() => void)[] = [];
  private holdTimer: NodeJS.Timeout | undefined;
  private readonly activeSnapshot;

  constructor(
    db: Db,
    private readonly evaluator: Evaluator,
    private readonly log: Logger,
  ) {
    this.activeSnapshot = db.prepare<[string, number], { n: number }>('SELECT 1 AS n FROM snapshots WHERE cluster_id = ? AND started_at > ? LIMIT 1');
  }

  /** One committed state change (called inside the ingest transaction). */
  add(clusterId: string, change: StateChange): void {
    this.queue.add(clusterId, change);
    this.schedule();
  }

  /** Changes (and subjects they reach) waiting for evaluation: the findings' lag behind the state. */
  get backlog(): number {
    return this.queue.size + this.deferred.size;
  }

  /** Other work (the start-up reconciliation) that `idle()` must also wait for. */
  async around<T>(work: () => Promise<T>): Promise<T> {
    this.busyElsewhere += 1;
    try {
      return await work();
    } finally {
      this.busyElsewhere -= 1;
      this.notifyIdle();
    }
  }

  /** Resolves when every queued change is evaluated and no other work is running. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Stops evaluating; what is still queued is redone by the next start's reconciliation. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.holdTimer);
  }

  private isIdle(): boolean {
    return this.backlog === 0 && !this.scheduled && this.busyElsewhere === 0;
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  /** Evaluates queued changes for up to SLICE_MS, then yields to the event loop. */
  private drain(): void {
    this.scheduled = false;
    const start = performance.now();
    const held = (clusterId: string) => this.snapshotting(clusterId, Date.now());
    let blocked = false;
    while (!this.stopped && performance.now() - start < SLICE_MS) {
      // Deferred re-evaluations first when they have waited long enough, else when idle.
      if (this.reevaluateDeferred(held, Date.now() - DEFER_MS)) continue;
      const next = this.queue.take(CHUNK, held);
      if (!next) {
        if (this.reevaluateDeferred(held, Infinity)) continue;
        blocked = this.backlog > 0;
        break;
      }
      try {
        const done = this.evaluator.changes(next.clusterId, next.items);
        for (const key of done.evaluated) this.deferred.forget(next.clusterId, key); // evaluated in full now
        this.deferred.add(next.clusterId, done.dependents, done.touched, Date.now());
      } catch (err) {
        this.log.error({ err, clusterId: next.clusterId, changes: next.items.length }, 'evaluation failed');
      }
    }
    if (blocked) {
      // Only clusters in the middle of a snapshot are left: look again shortly.
      if (!this.holdTimer) this.holdTimer = setTimeout(() => ((this.holdTimer = undefined), this.schedule()), HOLD_RETRY_MS);
    } else if (this.backlog > 0) this.schedule();
    else this.notifyIdle();
  }

  /** Re-evaluates up to CHUNK deferred subjects of a cluster not held and deferred before `due`. */
  private reevaluateDeferred(held: (clusterId: string) => boolean, due: number): boolean {
    const next = this.deferred.take(CHUNK, due, Date.now(), held);
    if (!next) return false;
    try {
      this.evaluator.dependents(next.clusterId, next.entries);
    } catch (err) {
      this.log.error({ err, clusterId: next.clusterId, subjects: next.entries.length }, 're-evaluation failed');
    }
    return true;
  }

  /**
   * While an agent lists a kind, the state is partial: relation checks would open findings
   * that the rest of the listing resolves a moment later (an unbound role before its
   * bindings arrive). Evaluation waits for the snapshot to end.
   */
  private snapshotting(clusterId: string, now: number): boolean {
    return this.activeSnapshot.get(clusterId, now - STALE_SNAPSHOT_MS) !== undefined;
  }

  private notifyIdle(): void {
    if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
  }
}
