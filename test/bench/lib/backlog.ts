// The collector's backlogs on /metrics: stance_findings_backlog (changes and dependent
// subjects not yet evaluated: how far findings lag the stored state) and, where the
// collector scores risk, stance_risk_backlog (how far risk lags).
import type { CollectorProcess } from '../../src/harness/index.js';
import { metricValue, readMetrics } from './metrics.js';

const BACKLOGS = ['stance_findings_backlog', 'stance_risk_backlog'];

export class BacklogTimeoutError extends Error {
  constructor(readonly backlog: number, readonly waitedMs: number) {
    super(`backlog still ${backlog} after ${waitedMs} ms`);
    this.name = 'BacklogTimeoutError';
  }
}

/** The findings backlog now; undefined when the collector does not export it. */
export async function findingsBacklog(httpUrl: string): Promise<number | undefined> {
  return metricValue(await readMetrics(httpUrl), 'stance_findings_backlog');
}

/** Findings and risk backlogs together (those the collector exports); undefined when none. */
async function backlog(httpUrl: string): Promise<number | undefined> {
  const text = await readMetrics(httpUrl);
  const values = BACKLOGS.map((name) => metricValue(text, name)).filter((v) => v !== undefined);
  return values.length ? values.reduce((a, b) => a + b, 0) : undefined;
}

/**
 * Waits until the collector has caught up: its findings and risk backlogs at 0. Returns
 * when that was seen (performance.now()) and the backlog at the start; polls every
 * `pollMs` (the figure's resolution; each scrape costs the collector a count of every
 * open finding, so not much faster than a second while timing it).
 */
export async function backlogDrained(httpUrl: string, timeoutMs: number, pollMs = 250): Promise<{ at: number; backlogAtStart?: number }> {
  const t0 = performance.now();
  const first = await backlog(httpUrl);
  if (first === undefined) return { at: performance.now() };
  for (let left = first; left > 0; ) {
    if (performance.now() - t0 > timeoutMs) throw new BacklogTimeoutError(left, timeoutMs);
    await new Promise((r) => setTimeout(r, pollMs));
    left = (await backlog(httpUrl)) ?? 0;
  }
  return { at: performance.now(), backlogAtStart: first };
}

/**
 * How often /metrics is read while waiting for the collector's log line: a scrape costs it
 * a count of every open finding (~200 ms at 100k objects), which would load what is timed.
 */
const FALLBACK_POLL_MS = 10_000;

/**
 * When (epoch ms) the collector had worked off its findings backlog, with nothing left to
 * ingest since `since`: the time of its "findings caught up" log line (logged when a large
 * backlog is worked off), else the moment /metrics shows none, read now and every 10 s.
 */
export async function findingsCaughtUp(collector: CollectorProcess, since: number, timeoutMs: number): Promise<{ at: number; backlogAtStart?: number }> {
  const first = await findingsBacklog(collector.httpUrl);
  if (!first) return { at: Date.now(), ...(first !== undefined ? { backlogAtStart: first } : {}) };
  const deadline = Date.now() + timeoutMs;
  for (let polled = Date.now(); ; ) {
    const line = collector.logs.find((l) => l.msg === 'findings caught up' && Date.parse(String(l.time)) >= since);
    if (line) return { at: Date.parse(String(line.time)), backlogAtStart: first };
    if (Date.now() - polled >= FALLBACK_POLL_MS) {
      polled = Date.now();
      const backlog = await findingsBacklog(collector.httpUrl);
      if (!backlog) return { at: Date.now(), backlogAtStart: first };
    }
    if (Date.now() > deadline) throw new BacklogTimeoutError(first, timeoutMs);
    await new Promise((r) => setTimeout(r, 20));
  }
}
