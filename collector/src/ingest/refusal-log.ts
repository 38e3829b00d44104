// Streams refused before Hello (no or a wrong credential, too many waiting) are logged, but
// a peer opening thousands of them must not flood the log: the first few of each minute are
// logged in full, the rest counted and summed up once a minute. The totals feed /metrics.
import type { Logger } from '@stance/shared/log/index';

const FULL_LINES_PER_MINUTE = 20;

export class RefusalLog {
  /** Refusals since start, by reason class (`unauthenticated`, `too-many-pending`). */
  readonly totals = new Map<string, number>();
  private logged = 0;
  private suppressed = 0;
  private windowStart = Date.now();

  constructor(private readonly log: Logger) {}

  refused(kind: string, reason: string, peer: string, now = Date.now()): void {
    this.totals.set(kind, (this.totals.get(kind) ?? 0) + 1);
    if (now - this.windowStart >= 60_000) {
      if (this.suppressed > 0) this.log.warn({ refused: this.suppressed, sinceMs: now - this.windowStart }, 'more agent streams refused before Hello (not logged one by one)');
      this.windowStart = now;
      this.logged = 0;
      this.suppressed = 0;
    }
    if (this.logged < FULL_LINES_PER_MINUTE) {
      this.logged += 1;
      this.log.warn({ peer, kind, reason }, 'agent stream refused before Hello');
    } else {
      this.suppressed += 1;
    }
  }
}
