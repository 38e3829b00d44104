import { getHeapStatistics } from 'node:v8';

// V8 flags the agent runs with (the bundled CLI's launcher adds them; see
// scripts/build.ts). Node's defaults size the heap for throughput: a 16 MiB young
// generation and an old generation that grows long before it collects. An agent is a
// DaemonSet/Deployment with a small memory limit, and holds no objects: it streams.
//
// Measured on the 100k-object sync and an idle node (BENCHMARKS.md, 2026-11-22):
// - cluster: with a 1 MiB semi-space and an old-space ceiling, the sync peaks at ~110 MiB
//   RSS on Node 20, ~123 on Node 22 (172 MiB with the semi-space alone, ~200 with
//   neither). The ceiling makes V8 collect before it grows rather than bounding the need:
//   96 and 160 give the same peak, and 128 leaves room for list pages of large objects
//   (two 500-object pages in flight).
// - node: `--lite-mode` (no optimising compiler, lazy feedback) saves ~15 MiB of code and
//   feedback memory; a collection is mostly file reads, and costs the same CPU with it.
//   55 MiB RSS on Node 20, 63 on Node 22, of which 15-17 MiB is the agent's own memory and
//   the rest node's binary mapped from disk.
//   Lite mode turns WebAssembly off (the agent has none); saying so keeps Node 22 from
//   warning about it on stderr, between the JSON log lines.
// `--lite-mode` is not allowed in NODE_OPTIONS, so the flags go on node's command line;
// STANCE_AGENT_NODE_FLAGS replaces them (e.g. a larger --max-old-space-size).
export const AGENT_NODE_FLAGS = {
  cluster: ['--max-semi-space-size=1', '--max-old-space-size=128'],
  node: ['--max-semi-space-size=1', '--lite-mode', '--no-expose-wasm'],
} as const satisfies Record<'cluster' | 'node', readonly string[]>;

/** For the start-up log line: what the agent runs on, and whether its flags are in effect. */
export function runtimeSummary(mode: keyof typeof AGENT_NODE_FLAGS): { node: string; heapLimitMiB: number; agentFlags: boolean } {
  return {
    node: process.version,
    heapLimitMiB: Math.round(getHeapStatistics().heap_size_limit / 1048576),
    agentFlags: AGENT_NODE_FLAGS[mode].every((f) => process.execArgv.includes(f)),
  };
}
