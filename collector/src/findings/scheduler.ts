// When evaluation runs: committed changes are queued (coalesced per object) and evaluated
// in short batches off the ingest path, so a slow evaluation never holds back
// acknowledgements. Subjects reached only through their reads wait a little (coalesced)
// behind queued changes. While an agent lists a kind (a snapshot), the relation checks
// that read it wait for the listing to end; everything else is evaluated as it arrives.
// The knobs of change → finding latency live here and nowhere else.
import type { Logger } from '@stance/shared/log/index';
import type { StateChange } from '../ingest/pipeline.js';
import type { Db } from '../store/database.js';
import { ChangeQueue, type QueuedChange } from './change-queue.js';
import { DeferredDependents, type DeferredEntry } from './deferred-dependents.js';
import type { FailureListener } from './failure.js';
import type { Evaluator } from './evaluator.js';

/** How long one drain evaluates before yielding to the event loop. */
const SLICE_MS = 50;
/**
 * A backlog this large (a sync) is worked off in slices of BULK_SLICE_MS. A slice is one
 * transaction: a sync's findings land on random pages of large indexes, and a commit writes
 * every page it changed, so a few large commits write far less than many small ones.
 */
const BULK_BACKLOG = 5000;
const BULK_SLICE_MS = 250;
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

/** A chunk of work: queued changes of a cluster, or subjects waiting to be re-evaluated. */
type Work = { clusterId: string; changes: QueuedChange[]; held?: (kind: string) => boolean } | { clusterId: string; deferred: DeferredEntry[] };

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
    private readonly onFailure?: FailureListener,
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

  /**
   * Evaluates queued changes for up to SLICE_MS (BULK_SLICE_MS during a bulk) in one unit
   * of work, then yields to the event loop. A slice that fails is redone chunk by chunk,
   * each its own unit, so one bad chunk costs only itself.
   */
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
    if (this.lag) this.lag.peak = Math.max(this.lag.peak, this.backlog);
    const until = start + (this.backlog >= BULK_BACKLOG ? BULK_SLICE_MS : SLICE_MS);
    const taken: Work[] = [];
    let blocked = false;
    try {
      blocked = this.evaluator.unit(() => this.slice(until, listed, (w) => (taken.push(w), this.apply(w))));
    } catch (err) {
      if (taken.length === 1) this.failed(taken[0]!, err);
      else {
        this.log.warn({ err, chunks: taken.length }, 'an evaluation failed; redoing its slice chunk by chunk');
        for (const w of taken) this.attempt(w);
      }
    }
    if (blocked) {
      // Only subjects waiting for a listing to end are left: look again shortly.
      if (!this.holdTimer) this.holdTimer = setTimeout(() => ((this.holdTimer = undefined), this.schedule()), HOLD_RETRY_MS);
    } else if (this.backlog > 0) this.schedule();
    else this.caughtUp();
    this.notifyIdle();
  }

  /** Takes chunks and runs them until `until` or nothing is left; true when only held subjects are left. */
  private slice(until: number, listed: (clusterId: string) => ReadonlySet<string>, run: (w: Work) => void): boolean {
    const held = (clusterId: string) => listed(clusterId).size > 0;
    while (!this.stopped && performance.now() < until) {
      // Deferred re-evaluations first when they have waited long enough, else when idle.
      const due = this.deferred.take(CHUNK, Date.now() - DEFER_MS, Date.now(), held);
      if (due) {
        run({ clusterId: due.clusterId, deferred: due.entries });
        continue;
      }
      const next = this.queue.take(CHUNK);
      if (next) {
        const kinds = listed(next.clusterId);
        run({ clusterId: next.clusterId, changes: next.items, ...(kinds.size > 0 ? { held: (kind: string) => kinds.has(kind) } : {}) });
        continue;
      }
      const idle = this.deferred.take(CHUNK, Infinity, Date.now(), held);
      if (!idle) return this.backlog > 0;
      run({ clusterId: idle.clusterId, deferred: idle.entries });
    }
    return false;
  }

  /** One chunk in a unit of its own. */
  private attempt(w: Work): void {
    try {
      this.evaluator.unit(() => this.apply(w));
    } catch (err) {
      this.failed(w, err);
    }
  }

  /** What the chunk held is redone by the next start's reconciliation. */
  private failed(w: Work, err: unknown): void {
    const what = 'changes' in w ? { changes: w.changes.length } : { subjects: w.deferred.length };
    this.log.error({ err, clusterId: w.clusterId, ...what }, 'evaluation failed');
    this.onFailure?.(err, 'findings evaluation');
  }

  /** Evaluates a chunk and keeps what waits: dependents reached, checks held by a listing. */
  private apply(w: Work): void {
    if ('deferred' in w) {
      this.evaluator.dependents(w.clusterId, w.deferred);
      return;
    }
    const done = this.evaluator.changes(w.clusterId, w.changes, w.held);
    for (const key of done.evaluated) this.deferred.forget(w.clusterId, key); // evaluated (but for held checks) now
    const now = Date.now();
    this.deferred.add(w.clusterId, done.dependents, done.touched, now);
    this.deferred.addHeld(w.clusterId, done.held, done.touched, now);
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
