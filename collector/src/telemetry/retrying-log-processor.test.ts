import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord, SdkLogRecord } from '@opentelemetry/sdk-logs';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExportStats } from './export-stats.js';
import { RetryingLogProcessor } from './retrying-log-processor.js';

/** An exporter that answers each export from a script of results (then succeeds). */
class ScriptedExporter implements LogRecordExporter {
  readonly batches: number[][] = [];
  constructor(private readonly script: ExportResult[] = []) {}
  export(logs: ReadableLogRecord[], done: (r: ExportResult) => void): void {
    this.batches.push(logs.map((l) => l.body as number));
    const r = this.script.shift() ?? { code: ExportResultCode.SUCCESS };
    setTimeout(() => done(r), 0);
  }
  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
}

const record = (i: number) => ({ body: i }) as unknown as SdkLogRecord;
const failed = (code?: number): ExportResult => ({ code: ExportResultCode.FAILED, error: Object.assign(new Error('nope'), code ? { code } : {}) });

describe('RetryingLogProcessor', () => {
  let stats: ExportStats;
  beforeEach(() => {
    vi.useFakeTimers();
    stats = new ExportStats(pino({ level: 'silent' }));
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('sends a lone record at once, batches a stream, and a full batch without waiting', async () => {
    const exporter = new ScriptedExporter();
    const p = new RetryingLogProcessor(exporter, stats, { maxQueueSize: 100, maxBatchSize: 3, scheduleDelayMs: 200 });
    p.onEmit(record(1));
    await vi.advanceTimersByTimeAsync(1);
    expect(exporter.batches).toEqual([[1]]);
    p.onEmit(record(2));
    await vi.advanceTimersByTimeAsync(100);
    expect(exporter.batches).toEqual([[1]]); // within the delay since the last batch
    for (const i of [3, 4, 5]) p.onEmit(record(i));
    await vi.advanceTimersByTimeAsync(1);
    expect(exporter.batches).toEqual([[1], [2, 3, 4]]); // full: at once
    await vi.advanceTimersByTimeAsync(150);
    expect(exporter.batches).toEqual([[1], [2, 3, 4]]);
    await vi.advanceTimersByTimeAsync(100);
    expect(exporter.batches).toEqual([[1], [2, 3, 4], [5]]);
    expect(stats.bySignal.logs).toEqual({ exported: 5, failures: 0, dropped: 0 });
  });

  it('retries a failed batch first, with a growing backoff, and keeps the order', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5); // no jitter
    const exporter = new ScriptedExporter([failed(), failed(503)]);
    const p = new RetryingLogProcessor(exporter, stats, { maxQueueSize: 100, maxBatchSize: 10, scheduleDelayMs: 0, minBackoffMs: 1000 });
    p.onEmit(record(1));
    await vi.advanceTimersByTimeAsync(5);
    p.onEmit(record(2));
    expect(exporter.batches).toEqual([[1]]);
    await vi.advanceTimersByTimeAsync(700); // within the first backoff (1 s)
    expect(exporter.batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(600);
    expect(exporter.batches).toEqual([[1], [1, 2]]);
    await vi.advanceTimersByTimeAsync(1500); // the second backoff is 2 s
    expect(exporter.batches).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(exporter.batches).toEqual([[1], [1, 2], [1, 2]]);
    expect(stats.bySignal.logs).toEqual({ exported: 2, failures: 2, dropped: 0 });
  });

  it('drops what does not fit, and a batch the endpoint rejects, and counts both', async () => {
    const exporter = new ScriptedExporter([failed(400)]);
    const p = new RetryingLogProcessor(exporter, stats, { maxQueueSize: 3, maxBatchSize: 2, scheduleDelayMs: 50 });
    for (const i of [1, 2, 3, 4, 5]) p.onEmit(record(i));
    expect(stats.bySignal.logs.dropped).toBe(2);
    expect(stats.queued.logs?.()).toBe(3);
    await vi.advanceTimersByTimeAsync(10);
    expect(exporter.batches[0]).toEqual([1, 2]);
    expect(stats.bySignal.logs).toMatchObject({ failures: 1, dropped: 4 }); // 400: not retried
    await vi.advanceTimersByTimeAsync(100);
    expect(exporter.batches).toEqual([[1, 2], [3]]);
  });

  it('on shutdown tries once more, then drops (and counts) what is left', async () => {
    const exporter = new ScriptedExporter([failed(), failed()]);
    const p = new RetryingLogProcessor(exporter, stats, { maxQueueSize: 10, maxBatchSize: 10, scheduleDelayMs: 0 });
    p.onEmit(record(1));
    await vi.advanceTimersByTimeAsync(5);
    const done = p.shutdown();
    await vi.advanceTimersByTimeAsync(5);
    await done;
    expect(exporter.batches).toEqual([[1], [1]]);
    expect(stats.bySignal.logs).toEqual({ exported: 0, failures: 2, dropped: 1 });
    p.onEmit(record(2));
    expect(stats.queued.logs?.()).toBe(0);
  });
});
