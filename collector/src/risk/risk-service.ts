// Risk where users see it: one RiskTracker per cluster, fed the same committed changes as
// the findings engine (the ingest pipeline's onChange), and each unresolved finding's
// risk written next to it. Work runs off the ingest path in short slices:
//   1. queued changes of a cluster, applied to its tracker (not while an agent is in the
//      middle of a listing: the state is partial then, as for findings); the findings of
//      the objects whose risk moved are re-scored in the same turn;
//   2. the findings of subjects whose findings the feed reported opened, reopened, updated
//      or excepted, scored.
// At start-up each stored cluster's tracker is loaded from its stored workloads, then every
// unresolved finding is re-scored (upgrades, and a formula that changed between versions).
import type { Logger } from '@stance/shared/log/index';
import { POD_BEARING_KINDS } from '@stance/shared/model/index';
import type { AttackPath } from '@stance/shared/risk/index';
import type { TransitionSink } from '../findings/feed/transition.js';
import type { StateChange } from '../ingest/pipeline.js';
import type { Db } from '../store/database.js';
import type { ResourceStore } from '../store/resources.js';
import { FindingScorer } from './finding-scorer.js';
import { RiskCluster } from './risk-cluster.js';
import { RiskStore, type ScoredFinding } from './risk-store.js';

/** How long one drain works before yielding to the event loop. */
const SLICE_MS = 50;
// Steps are small (tens of milliseconds at most): the drain checks its slice between them,
// and ingest and the findings wait while one runs.
/** Changes applied to a tracker per step (a workload's findings are re-scored with it). */
const CHANGES_PER_STEP = 250;
/** Subjects whose new findings are scored per step. */
const SUBJECTS_PER_STEP = 250;
/** Stored workloads evaluated per step of the start-up load. */
const LOAD_CHUNK = 200;
/** A listing older than this no longer holds the tracker (an agent gone mid-listing). */
const STALE_SNAPSHOT_MS = 120_000;
/** How soon a held cluster is looked at again. */
const HOLD_RETRY_MS = 100;

export interface RiskServiceOptions {
  /** Told after stored risk changed in a cluster (the dashboard's stream). */
  onRiskChanged?: (clusterId: string) => void;
}

export interface ClusterAttackPath extends AttackPath {
  cluster: string;
}

export class RiskService {
  readonly store: RiskStore;
  /** Totals since start (tests, figures). */
  readonly stats = { batches: 0, findingsRescored: 0, subjectsScored: 0 };
  private readonly clusters = new Map<string, RiskCluster>();
  private readonly scorer: FindingScorer;
  private readonly stored: Set<string>;
  private readonly activeSnapshot;
  private loading = 0;
  private scheduled = false;
  private stopped = false;
  private holdTimer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];

  /** Sink of the findings feed: register it with `findings.feed.register(risk.sink, …)`. */
  readonly sink: TransitionSink = {
    name: 'risk',
    deliver: (batch) => {
      this.scorer.note(batch);
      this.schedule();
    },
  };

  constructor(
    db: Db,
    private readonly resources: ResourceStore,
    private readonly log: Logger,
    private readonly opts: RiskServiceOptions = {},
  ) {
    this.store = new RiskStore(db);
    this.scorer = new FindingScorer(this.store, (id) => this.cluster(id).tracker);
    this.stored = new Set(this.store.clusters());
    this.activeSnapshot = db.prepare<[string, number], { n: number }>('SELECT 1 AS n FROM snapshots WHERE cluster_id = ? AND started_at > ? LIMIT 1');
  }

  /** Pipeline hook: one committed change (inside the ingest transaction). */
  onChange(clusterId: string, change: StateChange): void {
    if (this.cluster(clusterId).note(change)) this.schedule();
  }

  /** Changes and findings waiting: risk's lag behind the state. */
  get backlog(): number {
    let n = this.scorer.backlog;
    for (const c of this.clusters.values()) n += c.queue.size;
    return n;
  }

  /** Loads every stored cluster's tracker, then re-scores its unresolved findings; chunked and yielding. */
  start(): Promise<void> {
    return this.busy(async () => {
      for (const id of this.stored) await this.load(this.cluster(id));
    });
  }

  /** Re-scores every unresolved finding (after storage recovered: writes may have been lost). */
  rescoreAll(): Promise<void> {
    return this.busy(async () => {
      for (const c of this.clusters.values()) if (c.loaded) this.stats.findingsRescored += await this.scorer.rescoreAll(c.id, () => this.stopped);
    });
  }

  /** Resolves when nothing is queued, loading or being scored. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.holdTimer);
  }

  /** Attack paths of one cluster or of all, highest scored first. */
  attackPaths(clusterId?: string): ClusterAttackPath[] {
    const out: ClusterAttackPath[] = [];
    for (const c of this.clusters.values()) {
      if (clusterId !== undefined && c.id !== clusterId) continue;
      for (const p of c.tracker.attackPaths()) out.push({ ...p, cluster: c.id });
    }
    return out.sort((a, b) => b.score - a.score || cmp(a.cluster, b.cluster) || cmp(a.id, b.id));
  }

  /** The riskiest open findings on the objects of a path, at most `limit`. */
  findingsOnPath(path: ClusterAttackPath, limit: number): ScoredFinding[] {
    const out: ScoredFinding[] = [];
    for (const step of path.steps) {
      for (const uid of this.store.uidsOf(path.cluster, step.kind, step.namespace, step.name)) {
        for (const f of this.store.ofSubject(path.cluster, uid)) if (f.status === 'open') out.push(f);
      }
    }
    return out.sort((a, b) => b.riskScore - a.riskScore || cmp(a.controlId, b.controlId)).slice(0, limit);
  }

  /** Tracker figures per cluster (workloads with a context, subjects, read keys, lookup keys). */
  figures(): Record<string, { workloads: number; subjects: number; readKeys: number; lookupKeys: number }> {
    return Object.fromEntries([...this.clusters.values()].map((c) => [c.id, { ...c.tracker.stats, lookupKeys: c.source.size.keys }]));
  }

  private cluster(id: string): RiskCluster {
    let c = this.clusters.get(id);
    if (!c) this.clusters.set(id, (c = new RiskCluster(id, this.resources, !this.stored.has(id))));
    return c;
  }

  /** Work outside the drain that `idle()` waits for; a failure is logged, never thrown. */
  private async busy(work: () => Promise<void>): Promise<void> {
    this.loading += 1;
    try {
      await work();
    } catch (err) {
      if (!this.stopped) this.log.error({ err }, 'risk scoring failed; risk may lag until the next change or start');
    } finally {
      this.loading -= 1;
      this.schedule();
      this.notifyIdle();
    }
  }

  private async load(c: RiskCluster): Promise<void> {
    const t0 = performance.now();
    try {
      for (const kind of POD_BEARING_KINDS) {
        const uids = this.store.workloadUids(c.id, kind);
        for (let i = 0; i < uids.length && !this.stopped; i += LOAD_CHUNK) {
          c.evaluateStored(uids.slice(i, i + LOAD_CHUNK));
          await new Promise((r) => setImmediate(r));
        }
      }
      c.loaded = true;
      this.schedule();
      const rescored = await this.scorer.rescoreAll(c.id, () => this.stopped);
      this.stats.findingsRescored += rescored;
      if (rescored > 0) this.opts.onRiskChanged?.(c.id);
      this.log.info({ clusterId: c.id, workloads: c.tracker.stats.workloads, rescored, ms: Math.round(performance.now() - t0) }, 'risk contexts loaded from stored state');
    } catch (err) {
      c.loaded = true; // what was loaded serves; changes keep it current from now on
      if (!this.stopped) this.log.error({ err, clusterId: c.id }, 'loading risk contexts failed; risk may be incomplete until the next start');
    }
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  /** Steps for up to SLICE_MS as one transaction (each step a savepoint), then yields. */
  private drain(): void {
    this.scheduled = false;
    try {
      this.store.transaction(() => this.slice());
    } catch (err) {
      this.log.error({ err }, 'risk evaluation failed to commit; risk may lag until the next change or start');
    }
    if (this.stopped) return;
    if (this.scorer.backlog > 0 || this.ready(Date.now())) this.schedule();
    else if ([...this.clusters.values()].some((c) => c.queue.size > 0)) {
      // Only clusters still loading or in the middle of a listing are left: look again shortly.
      if (!this.holdTimer) this.holdTimer = setTimeout(() => ((this.holdTimer = undefined), this.schedule()), HOLD_RETRY_MS);
    } else this.notifyIdle();
  }

  private slice(): void {
    const start = performance.now();
    while (!this.stopped && performance.now() - start < SLICE_MS) {
      const c = this.ready(Date.now());
      if (c) {
        this.step(c.id, () => {
          const refs = c.applyQueued(CHANGES_PER_STEP, (err, o) =>
            this.log.error({ err, clusterId: c.id, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }, 'risk context of an object failed; left as it was'));
          const moved = this.scorer.rescore(c.id, refs);
          this.stats.batches += 1;
          this.stats.findingsRescored += moved;
          if (moved > 0) this.opts.onRiskChanged?.(c.id);
        });
      } else if (this.scorer.backlog > 0) {
        this.step('*', () => {
          const before = this.scorer.backlog;
          const moved = this.scorer.scorePending(SUBJECTS_PER_STEP);
          this.stats.subjectsScored += before - this.scorer.backlog;
          if (moved) this.opts.onRiskChanged?.(moved);
        });
      } else break;
    }
  }

  /** A loaded cluster with queued changes and no listing in progress. */
  private ready(now: number): RiskCluster | undefined {
    for (const c of this.clusters.values()) if (c.queue.size > 0 && c.loaded && !this.snapshotting(c.id, now)) return c;
    return undefined;
  }

  private step(clusterId: string, work: () => void): void {
    try {
      work();
    } catch (err) {
      // Never the collector's fault to crash on: the next change or start redoes it.
      this.log.error({ err, clusterId }, 'risk evaluation failed');
    }
  }

  private snapshotting(clusterId: string, now: number): boolean {
    return this.activeSnapshot.get(clusterId, now - STALE_SNAPSHOT_MS) !== undefined;
  }

  private isIdle(): boolean {
    return this.backlog === 0 && this.loading === 0 && !this.scheduled;
  }

  private notifyIdle(): void {
    if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
