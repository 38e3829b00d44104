// A log record processor for an endpoint that may be down: records wait in a bounded
// queue and leave in batches, one export at a time. A failed batch goes back to the front
// and is retried after an exponential backoff (with jitter), so an outage neither blocks
// the collector nor loses what fits in the queue; what does not fit is dropped and
// counted. A batch the endpoint rejects outright (4xx other than 429) is dropped, not
// retried forever. (The SDK's BatchLogRecordProcessor drops a failed batch and counts
// nothing the collector can report.)
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, LogRecordProcessor, ReadableLogRecord, SdkLogRecord } from '@opentelemetry/sdk-logs';
import type { ExportStats } from './export-stats.js';

export interface RetryOptions {
  maxQueueSize: number;
  maxBatchSize: number;
  /**
   * The least time between two batches (unless one is full): a lone record after a quiet
   * spell leaves at once, a stream of them leaves in batches.
   */
  scheduleDelayMs: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

function permanent(result: ExportResult): boolean {
  const code = (result.error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' && code >= 400 && code < 500 && code !== 429;
}

export class RetryingLogProcessor implements LogRecordProcessor {
  private queue: ReadableLogRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;
  private lastExportAt = -Infinity;
  private inFlight: Promise<void> | undefined;
  private backoffMs = 0;
  private retryAt = 0;
  private closed = false;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly exporter: LogRecordExporter,
    private readonly stats: ExportStats,
    private readonly opts: RetryOptions,
  ) {
    this.minBackoffMs = opts.minBackoffMs ?? 1_000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 60_000;
    stats.queued.logs = () => this.queue.length;
  }

  onEmit(record: SdkLogRecord): void {
    if (this.closed) return;
    if (this.queue.length >= this.opts.maxQueueSize) {
      this.stats.dropped('logs', 1, 'queue full');
      return;
    }
    this.queue.push(record);
    this.schedule();
  }

  /** Exports what is queued now, ignoring a pending backoff (one attempt per batch). */
  async forceFlush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
    let attempts = Math.ceil(this.queue.length / this.opts.maxBatchSize);
    while (this.queue.length > 0 && attempts-- > 0) await this.exportBatch();
    this.schedule();
  }

  /** One last attempt to send what is queued, then the exporter closes. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    await this.forceFlush().catch(() => undefined);
    this.closed = true;
    clearTimeout(this.timer);
    if (this.queue.length > 0) this.stats.dropped('logs', this.queue.length, 'shutting down with the endpoint failing');
    this.queue = [];
    await this.exporter.shutdown();
  }

  /** Sets the timer for the next batch: after a backoff, at once when a batch is full, else after the delay. */
  private schedule(): void {
    if (this.closed || this.inFlight || this.queue.length === 0) return;
    const now = Date.now();
    const due = this.retryAt > now ? this.retryAt : this.queue.length >= this.opts.maxBatchSize ? now : Math.max(now, this.lastExportAt + this.opts.scheduleDelayMs);
    if (this.timer) {
      if (due >= this.timerDue) return;
      clearTimeout(this.timer);
    }
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.exportBatch().then(() => this.schedule());
    }, due - now);
    this.timer.unref();
  }

  private exportBatch(): Promise<void> {
    if (this.inFlight || this.queue.length === 0) return this.inFlight ?? Promise.resolve();
    const batch = this.queue.splice(0, this.opts.maxBatchSize);
    this.lastExportAt = Date.now();
    const done = new Promise<ExportResult>((resolve) => {
      try {
        this.exporter.export(batch, resolve);
      } catch (error) {
        resolve({ code: ExportResultCode.FAILED, error: error as Error });
      }
    }).then((result) => this.settle(batch, result));
    this.inFlight = done.finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private settle(batch: ReadableLogRecord[], result: ExportResult): void {
    if (result.code === ExportResultCode.SUCCESS) {
      this.stats.exported('logs', batch.length);
      this.backoffMs = 0;
      this.retryAt = 0;
      return;
    }
    this.stats.failed('logs', result.error);
    if (permanent(result)) {
      this.stats.dropped('logs', batch.length, 'rejected by the endpoint');
      return;
    }
    // Back to the front, as much as fits beside what arrived meanwhile.
    const room = Math.max(0, this.opts.maxQueueSize - this.queue.length);
    this.queue.unshift(...batch.slice(0, room));
    this.stats.dropped('logs', batch.length - Math.min(room, batch.length), 'queue full while retrying');
    this.backoffMs = Math.min(this.maxBackoffMs, this.backoffMs ? this.backoffMs * 2 : this.minBackoffMs);
    this.retryAt = Date.now() + this.backoffMs * (0.8 + Math.random() * 0.4);
  }
}
