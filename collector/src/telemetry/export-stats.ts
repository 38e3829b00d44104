// What happened to each OTLP signal's exports: items exported, failed attempts, items
// dropped (queue full, or given up on), and what waits. Problems are logged at most once
// per interval and signal, so an endpoint that is down does not flood the collector's own
// log, and a metrics failure is not hidden behind a logs failure reported the same minute.
import type { Logger } from '@stance/shared/log/index';
import type { Signal } from './otel-config.js';

export interface SignalStats {
  exported: number;
  failures: number;
  dropped: number;
}

export class ExportStats {
  readonly bySignal: Record<Signal, SignalStats> = { logs: { exported: 0, failures: 0, dropped: 0 }, metrics: { exported: 0, failures: 0, dropped: 0 } };
  /** Items waiting to be exported, per signal (set by whoever queues them). */
  readonly queued: Partial<Record<Signal, () => number>> = {};
  private readonly lastReport: Record<Signal, number> = { logs: -Infinity, metrics: -Infinity };
  private readonly unreported: Record<Signal, Unreported> = { logs: nothingUnreported(), metrics: nothingUnreported() };

  constructor(
    private readonly log: Logger,
    private readonly reportIntervalMs = 60_000,
  ) {}

  exported(signal: Signal, n: number): void {
    this.bySignal[signal].exported += n;
  }

  failed(signal: Signal, err: unknown): void {
    this.bySignal[signal].failures += 1;
    this.unreported[signal].failures += 1;
    this.unreported[signal].lastError = err;
    this.report(signal);
  }

  dropped(signal: Signal, n: number, why: string): void {
    if (n <= 0) return;
    this.bySignal[signal].dropped += n;
    this.unreported[signal].dropped += n;
    this.report(signal, why);
  }

  private report(signal: Signal, why?: string): void {
    const now = performance.now();
    if (now - this.lastReport[signal] < this.reportIntervalMs) return;
    this.lastReport[signal] = now;
    const { failures, dropped, lastError } = this.unreported[signal];
    this.log.warn(
      { signal, failures, dropped, ...(why ? { why } : {}), ...(lastError ? { err: lastError } : {}), totals: this.bySignal },
      'OTLP export failing: retrying with backoff, dropping what does not fit (logged at most once per interval)',
    );
    this.unreported[signal] = nothingUnreported();
  }
}

interface Unreported {
  failures: number;
  dropped: number;
  lastError: unknown;
}

const nothingUnreported = (): Unreported => ({ failures: 0, dropped: 0, lastError: undefined });
