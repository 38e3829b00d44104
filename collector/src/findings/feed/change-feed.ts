// The findings change feed. Transitions recorded while a unit of work runs are written to
// the journal (the history) in the same transaction, and handed to every registered sink
// only once that transaction has committed; a rolled-back unit publishes nothing. Each sink
// has its own bounded queue, so a slow or failing sink never holds back evaluation.
import type { Logger } from '@stance/shared/log/index';
import type { Db } from '../../store/database.js';
import { SinkQueue, type SinkQueueOptions, type SinkStats } from './sink-queue.js';
import type { FindingTransition, TransitionSink } from './transition.js';

/** Written inside the transaction that records the transition: durable, never dropped. */
export interface TransitionJournal {
  write(t: FindingTransition): void;
}

export class ChangeFeed {
  private pending: FindingTransition[] = [];
  private depth = 0;
  private readonly queues: SinkQueue[] = [];

  constructor(
    private readonly log: Logger,
    private readonly journal?: TransitionJournal,
  ) {}

  /** Registers a sink (at start-up): it receives every transition committed from now on. */
  register(sink: TransitionSink, opts?: SinkQueueOptions): SinkQueue {
    const q = new SinkQueue(sink, this.log, opts);
    this.queues.push(q);
    return q;
  }

  /** Called by the state machine inside a unit of work. */
  record(t: FindingTransition): void {
    this.journal?.write(t);
    if (this.queues.length > 0) this.pending.push(t);
  }

  /** Runs `fn` as one transaction; its transitions are published once it commits. */
  unitOfWork<T>(db: Db, fn: () => T): T {
    this.depth += 1;
    let result: T;
    try {
      result = db.transaction(fn)();
    } catch (err) {
      if (this.depth === 1) this.pending = [];
      throw err;
    } finally {
      this.depth -= 1;
    }
    if (this.depth === 0) this.publish();
    return result;
  }

  /** Resolves when every sink has been handed everything published so far. */
  async idle(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.idle()));
  }

  stats(): Record<string, SinkStats> {
    return Object.fromEntries(this.queues.map((q) => [q.sink.name, q.snapshot()]));
  }

  close(): void {
    for (const q of this.queues) q.close();
  }

  private publish(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    for (const q of this.queues) q.offer(batch);
  }
}
