// The one duration parser of Stance: flags and STANCE_* settings (`500ms`, `30s`, `5m`,
// `1h30m`) and the Go durations read from kubelet and control-plane configuration
// (`4h0m0s`, `1.5s`, `300ms`). A settings value may also be a bare number of seconds.

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;

export interface DurationOptions {
  /** A bare number counts in this unit (settings: seconds); without it only `0` is bare (Go). */
  bareUnit?: 'ms' | 's';
}

/** Milliseconds, or undefined when `text` is not a duration. */
export function durationMs(text: string, opts: DurationOptions = {}): number | undefined {
  const t = text.trim();
  if (/^[+-]?0+$/.test(t)) return 0;
  if (/^\d+(?:\.\d+)?$/.test(t)) return opts.bareUnit ? Number(t) * UNIT_MS[opts.bareUnit]! : undefined;
  if (!GO_DURATION.test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(PART)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return total;
}
