// Writes posture scores to the history at an interval, for the clusters whose tallies
// moved since the last write (and once at shutdown).
import type { FindingsService } from './findings-service.js';

/** Runs a write; a storage failure (disk full) is reported and yields undefined instead of throwing. */
export type WriteGuard = <T>(during: string, write: () => T) => T | undefined;

export class PostureRecorder {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly findings: FindingsService,
    private readonly intervalMs: number,
    private readonly guard: WriteGuard = (_during, write) => write(),
  ) {}

  start(): void {
    this.record();
    this.timer = setInterval(() => this.record(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.record();
  }

  record(now = Date.now()): void {
    const { tallies, store } = this.findings;
    for (const clusterId of [...tallies.dirty]) {
      const saved = this.guard('posture history', () => {
        for (const scope of tallies.scopes(clusterId)) {
          const v = tallies.view(clusterId, scope);
          store.savePosture(clusterId, now, scope, v.score, v.passed, v.failed);
        }
        return true;
      });
      // Not written (storage failing): the cluster stays dirty and is written next time.
      if (saved) tallies.dirty.delete(clusterId);
    }
  }
}
