// Writes posture scores to the history at an interval, for the clusters whose tallies
// moved since the last write (and once at shutdown).
import type { FindingsService } from './findings-service.js';

export class PostureRecorder {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly findings: FindingsService,
    private readonly intervalMs: number,
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
      for (const scope of tallies.scopes(clusterId)) {
        const v = tallies.view(clusterId, scope);
        store.savePosture(clusterId, now, scope, v.score, v.passed, v.failed);
      }
      tallies.dirty.delete(clusterId);
    }
  }
}
