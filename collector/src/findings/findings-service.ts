// Keeps findings in step with the cluster state, composed from one part per job:
//   scheduler        when evaluation runs (queue, coalescing, snapshot holds, idle)
//   evaluator        the per-cluster engines applied to changes, dependents or objects
//   reconciler       the start-up full re-evaluation
//   scope re-evaluation  the objects an exception takes in, in the background
//   outcome recorder outcomes → posture tallies and the finding state machine
//   finding state    opened / reopened / updated / excepted / unexcepted / resolved
//   change feed      the history (in the same transaction) and, after each commit, the
//                    registered sinks (metrics, OTLP, dashboard stream), each on its own
//                    bounded queue
// A crash loses only queued work, which the next start's reconciliation redoes.
import type { Control, EngineConfig } from '@stance/shared/engine/index';
import type { Logger } from '@stance/shared/log/index';
import type { StateChange } from '../ingest/pipeline.js';
import type { Db } from '../store/database.js';
import type { ResourceStore } from '../store/resources.js';
import { EngineRegistry } from './engines.js';
import { Evaluator } from './evaluator.js';
import type { ExceptionRow, ExceptionStore } from './exceptions.js';
import { ChangeFeed } from './feed/change-feed.js';
import { HistoryWriter } from './feed/history-writer.js';
import type { FindingRisk } from './finding-risk.js';
import { FindingStateMachine, type ClusterNamer, type FindingStats } from './finding-state.js';
import type { FindingsStore, FindingStatus } from './findings-store.js';
import { ListCache } from './list-cache.js';
import { OutcomeRecorder } from './outcome-recorder.js';
import { PostureTallies } from './posture.js';
import type { FailureListener } from './failure.js';
import { Reconciler } from './reconciler.js';
import { EvaluationScheduler } from './scheduler.js';
import { ScopeReevaluation } from './scope-reevaluation.js';
import { SubjectCodes } from './subject-codes.js';

export interface FindingsOptions {
  /** The cluster name transitions carry (default: the id). */
  clusterName?: ClusterNamer;
  /** Told of an evaluation or reconciliation that failed (a full disk turns the collector not-ready). */
  onFailure?: FailureListener;
  /** Risk: its context check runs in each cluster's engine, and findings are scored as written (collector/src/risk). */
  risk?: FindingRisk;
}

export class FindingsService {
  readonly tallies: PostureTallies;
  readonly stats: FindingStats = { evaluatedSubjects: 0, opened: 0, resolved: 0 };
  /** Transitions after each commit; sinks register here at start-up. */
  readonly feed: ChangeFeed;
  private readonly lists: ListCache;
  private readonly engines: EngineRegistry;
  private readonly evaluator: Evaluator;
  private readonly scheduler: EvaluationScheduler;
  private readonly reconciler: Reconciler;
  private readonly scope: ScopeReevaluation;

  constructor(
    db: Db,
    resources: ResourceStore,
    readonly store: FindingsStore,
    readonly controls: readonly Control[],
    config: EngineConfig,
    readonly exceptions: ExceptionStore,
    log: Logger,
    opts: FindingsOptions = {},
  ) {
    this.lists = new ListCache(resources);
    this.tallies = new PostureTallies(controls);
    const codes = new SubjectCodes(store);
    for (const s of store.allSubjectOutcomes()) {
      this.tallies.apply(s.clusterId, s.namespace, s.codes, 1);
      codes.load(s.clusterId, s.subjectKey, s.namespace, s.codes);
    }
    this.tallies.settle();
    this.feed = new ChangeFeed(log, new HistoryWriter(store));
    const states = new FindingStateMachine(store, this.feed, controls, opts.clusterName ?? ((id) => id), this.stats);
    this.engines = new EngineRegistry(resources, this.lists, controls, config, exceptions, opts.risk);
    const recorder = new OutcomeRecorder(store, this.tallies, states, codes, opts.risk);
    this.evaluator = new Evaluator(db, resources, this.engines, recorder, this.feed, [codes, this.tallies], this.lists, opts.risk);
    this.scheduler = new EvaluationScheduler(db, this.evaluator, log, opts.onFailure);
    this.reconciler = new Reconciler(db, this.evaluator, controls, log, opts.onFailure);
    this.scope = new ScopeReevaluation(db, resources, this.evaluator, this.scheduler, log, opts.onFailure);
  }

  /** Pipeline hook: one committed state change. */
  onChange(clusterId: string, change: StateChange): void {
    this.lists.note(clusterId, change.type, change.object);
    this.scheduler.add(clusterId, change);
  }

  /** Changes (and subjects they reach) waiting for evaluation: the findings' lag behind the state. */
  get backlog(): number {
    return this.scheduler.backlog;
  }

  /** Resolves when every queued change is evaluated and the reconciliation is done. */
  idle(): Promise<void> {
    return this.scheduler.idle();
  }

  /** Stops evaluating; what is still queued is redone by the next start's reconciliation. */
  stop(): void {
    this.scheduler.stop();
  }

  /** Re-evaluates everything stored (start-up), chunked and yielding. */
  reconcile(): Promise<void> {
    return this.scheduler.around(() => this.reconciler.run(() => this.scheduler.isStopped));
  }

  /**
   * Re-evaluates, in the background, every object an exception's scope takes in (after it
   * was added, withdrawn or expired); `idle()` waits for it.
   */
  reevaluateFor(exception: ExceptionRow, now = Date.now()): void {
    this.scope.enqueue(exception, now);
  }

  /** A cluster's findings by status: open and excepted from the tallies, resolved from the store. */
  countByStatus(clusterId: string): Record<FindingStatus, number> {
    return { ...this.tallies.unresolvedFindings(clusterId), resolved: this.store.countResolved(clusterId) };
  }

  engineStats(clusterId: string): { subjects: number; readKeys: number; lookupKeys: number } | undefined {
    const stats = this.engines.stats(clusterId);
    return stats ? { ...stats, lookupKeys: this.lists.lookupKeys(clusterId) } : undefined;
  }
}
