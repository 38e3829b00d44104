import { describe, expect, it, vi } from 'vitest';
import { ExportStats } from './export-stats.js';

describe('ExportStats', () => {
  it('logs each signal\'s failures at most once per interval, the metrics\' even right after the logs\'', () => {
    const warn = vi.fn();
    const stats = new ExportStats({ warn } as never, 60_000);
    stats.failed('logs', new Error('connection refused'));
    stats.failed('logs', new Error('connection refused'));
    stats.failed('metrics', new Error('connection refused'));
    stats.dropped('metrics', 3, 'queue full');
    expect(warn.mock.calls.map(([fields]) => [fields.signal, fields.failures])).toEqual([
      ['logs', 1],
      ['metrics', 1],
    ]);
    expect(stats.bySignal).toEqual({ logs: { exported: 0, failures: 2, dropped: 0 }, metrics: { exported: 0, failures: 1, dropped: 3 } });
  });
});
