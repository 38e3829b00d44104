// V8 flags the collector sets on itself at start (they are not allowed in NODE_OPTIONS).
// By default V8 lets the old generation grow to 2-4× what survived the last full
// collection before collecting again: with ~150 MiB live at 100k objects (reverse index,
// outcome codes, risk contexts) that headroom was most of the collector's RSS (474-506
// MiB settled). A fixed growing factor of 1.5 scales with the live size (no ceiling to
// hit in a larger cluster) and kept the 100k sync at a 337 MiB peak and 351 MiB settled,
// for ~9 % more collector CPU (BENCHMARKS.md, 2026-12-02). STANCE_COLLECTOR_V8_FLAGS
// replaces them (empty: V8's defaults).
import { setFlagsFromString } from 'node:v8';

export const COLLECTOR_V8_FLAGS: readonly string[] = ['--heap-growing-percent=50'];

/** Applies the collector's V8 flags (or STANCE_COLLECTOR_V8_FLAGS); returns those applied. */
export function applyCollectorV8Flags(env: NodeJS.ProcessEnv = process.env): string[] {
  const flags = env.STANCE_COLLECTOR_V8_FLAGS !== undefined ? env.STANCE_COLLECTOR_V8_FLAGS.split(/\s+/).filter(Boolean) : [...COLLECTOR_V8_FLAGS];
  for (const f of flags) setFlagsFromString(f);
  return flags;
}
