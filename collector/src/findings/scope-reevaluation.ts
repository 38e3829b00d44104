// Re-evaluation of the objects an exception's scope takes in, after it is added, withdrawn or
// expires. A `*` exception takes in every stored object: done inside the HTTP request it held
// the collector's one thread (ingest, the API) for seconds at 100k objects. It runs in the
// background instead: a page of objects per unit of work, yielding between pages, one
// exception after another, its transitions published through the feed like any other.
// A failed page is left to the next start's (or storage recovery's) reconciliation.
import type { Logger } from '@stance/shared/log/index';
import type { Db } from '../store/database.js';
import type { ResourceStore } from '../store/resources.js';
import type { Evaluator } from './evaluator.js';
import { globMatch, type ExceptionRow } from './exceptions.js';
import type { FailureListener } from './failure.js';
import type { EvaluationScheduler } from './scheduler.js';

/** Objects per unit of work: about one drain chunk. */
const PAGE = 500;

export class ScopeReevaluation {
  private chain: Promise<void> = Promise.resolve();
  private readonly clusterIds;

  constructor(
    db: Db,
    private readonly resources: ResourceStore,
    private readonly evaluator: Evaluator,
    private readonly scheduler: EvaluationScheduler,
    private readonly log: Logger,
    private readonly onFailure?: FailureListener,
  ) {
    this.clusterIds = db.prepare<[], { id: string }>('SELECT id FROM clusters');
  }

  /** Queues the exception's objects; `FindingsService.idle()` waits for them. */
  enqueue(exception: ExceptionRow, now: number): void {
    // run() catches its own failures; should one still escape, it must neither be an
    // unhandled rejection nor leave the chain rejected (every later exception skipped).
    const job = this.chain
      .then(() => this.run(exception, now))
      .catch((err: unknown) => this.log.error({ err, exception: exception.id }, 're-evaluation for an exception failed'));
    this.chain = job;
    // Counted at once (not when the job starts): idle() must not resolve before it ran.
    void this.scheduler.around(() => job);
  }

  private async run(exception: ExceptionRow, now: number): Promise<void> {
    const started = Date.now();
    let objects = 0;
    try {
      // Inside the try, after the stop check: a failing or closed database here was an
      // unhandled rejection (the process's end) and left the chain rejected.
      if (this.scheduler.isStopped) return;
      const clusters = exception.cluster ? [exception.cluster] : this.clusterIds.all().map((r) => r.id);
      for (const clusterId of clusters) {
        let cursor: string | undefined;
        do {
          if (this.scheduler.isStopped) return;
          const page = this.resources.query({
            cluster: clusterId,
            ...(exception.kind ? { kind: exception.kind } : {}),
            ...(exception.namespace !== undefined ? { namespace: exception.namespace } : {}),
            limit: PAGE,
            ...(cursor ? { cursor } : {}),
          });
          const covered = page.items.filter((r) => exception.name === undefined || globMatch(exception.name, r.name)).map((r) => r.object);
          if (covered.length > 0) this.evaluator.objects(clusterId, covered, now);
          objects += covered.length;
          cursor = page.nextCursor;
          await new Promise((resolve) => setImmediate(resolve));
        } while (cursor);
      }
      this.log.info({ exception: exception.id, controlId: exception.controlId, objects, ms: Date.now() - started }, 'exception applied to its findings');
    } catch (err) {
      this.log.error({ err, exception: exception.id, objects }, 're-evaluation for an exception failed; the next reconciliation redoes it');
      this.onFailure?.(err, 'exception re-evaluation');
    }
  }
}
