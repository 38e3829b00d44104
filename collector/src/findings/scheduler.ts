// When evaluation runs: committed changes are queued (coalesced per object) and evaluated
// in short batches off the ingest path, so a slow evaluation never holds back
// acknowledgements. Subjects reached only through their reads wait a little (coalesced)
// behind queued changes. While an agent lists a kind (a snapshot), the relation checks
// that read it wait for the listing to end; everything else is evaluated as it arrives.
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
/** A backlog this large (a sync, a resync) is logged once worked off: how long findings lagged. */
const CAUGHT_UP_LOG_MIN = 1000;

const NONE: ReadonlySet<string> = new Set();

export class EvaluationScheduler {
  private readonly queue = new ChangeQueue();
  /** Subjects reached through their reads: re-evaluated when the queue is empty or after DEFER_MS. */
  private readonly deferred = new DeferredDependents();
  private scheduled = false;
  private stopped = false;
  private busyElsewhere = 0;
  private idleWaiters: (() => void)[] = [];
  private holdTimer: NodeJS.Timeout | undefined;
  /** Since when findings lag the state, and by how much at most. */
  private lag: { since: number; peak: number } | undefined;
  private readonly listing;

  constructor(
    db: Db,
    private readonly evaluator: Evaluator,
    private readonly log: Logger,
  ) {
    this.listing = db.prepare<[string, number], { kind_key: string }>('SELECT kind_key FROM snapshots WHERE cluster_id = ? AND started_at > ?');
  }

  /** One committed state change (called inside the ingest transaction). */
  add(clusterId: string, change: StateChange): void {
    this.queue.add(clusterId, change);
    this.lag ??= { since: Date.now(), peak: 0 };
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

  /** Evaluates queued changes for up to SLICE_MS, then yields to the event loop; a unit of work per chunk. */
  private drain(): void {
    this.scheduled = false;
    const start = performance.now();
    // Snapshots begin and end in ingest transactions, never during a drain.
    const listings = new Map<string, ReadonlySet<string>>();
    const listed = (clusterId: string) => {
      let kinds = listings.get(clusterId);
      if (!kinds) listings.set(clusterId, (kinds = this.listedKinds(clusterId, Date.now())));
      return kinds;
    };
    const blocked = this.slice(start, listed);
    if (blocked) {
      // Only subjects waiting for a listing to end are left: look again shortly.
      if (!this.holdTimer) this.holdTimer = setTimeout(() => ((this.holdTimer = undefined), this.schedule()), HOLD_RETRY_MS);
    } else if (this.backlog > 0) this.schedule();
    else this.caughtUp();
    this.notifyIdle();
  }

  /** Chunks until SLICE_MS is spent or nothing is left; true when only held subjects are left. */
  private slice(start: number, listed: (clusterId: string) => ReadonlySet<string>): boolean {
    const held = (clusterId: string) => listed(clusterId).size > 0;
    if (this.lag) this.lag.peak = Math.max(this.lag.peak, this.backlog);
    while (!this.stopped && performance.now() - start < SLICE_MS) {
      // Deferred re-evaluations first when they have waited long enough, else when idle.
      if (this.reevaluateDeferred(held, Date.now() - DEFER_MS)) continue;
      const next = this.queue.take(CHUNK);
      if (!next) {
        if (this.reevaluateDeferred(held, Infinity)) continue;
        return this.backlog > 0;
      }
      try {
        const kinds = listed(next.clusterId);
        const done = this.evaluator.changes(next.clusterId, next.items, kinds.size > 0 ? (kind) => kinds.has(kind) : undefined);
        for (const key of done.evaluated) this.deferred.forget(next.clusterId, key); // evaluated (but for held checks) now
        const now = Date.now();
        this.deferred.add(next.clusterId, done.dependents, done.touched, now);
        this.deferred.addHeld(next.clusterId, done.held, done.touched, now);
      } catch (err) {
        this.log.error({ err, clusterId: next.clusterId, changes: next.items.length }, 'evaluation failed');
      }
    }
    return false;
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
   * Kinds an agent is listing: their state is partial, and relation checks reading them
   * would open findings that the rest of the listing resolves a moment later (an unbound
   * role before its bindings arrive). Those checks, and deferred re-evaluations, wait.
   */
  private listedKinds(clusterId: string, now: number): ReadonlySet<string> {
    const rows = this.listing.all(clusterId, now - STALE_SNAPSHOT_MS);
    return rows.length === 0 ? NONE : new Set(rows.map((r) => r.kind_key.slice(r.kind_key.lastIndexOf('/') + 1)));
  }

  /** The backlog is worked off: say so when it was large. */
  private caughtUp(): void {
    if (this.lag && this.lag.peak >= CAUGHT_UP_LOG_MIN) this.log.info({ peakBacklog: this.lag.peak, ms: Date.now() - this.lag.since }, 'findings caught up');
    this.lag = undefined;
  }

  private notifyIdle(): void {
    if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
  }
}
