// V8 flags the agent runs with (the bundled CLI's launcher adds them; see
// scripts/build.ts). Node's defaults size the heap for throughput: a 16 MiB young
// generation and an old generation that grows long before it collects. An agent is a
// DaemonSet/Deployment with a small memory limit, and holds no objects: it streams.
//
// Measured on the 100k-object sync and an idle node (BENCHMARKS.md):
// - cluster: a 1 MiB semi-space and a 96 MiB old space take the sync's peak RSS from
//   ~180 to ~115 MiB at the same sync time. The old space still fits a full outbox
//   (its buffers live outside the V8 heap anyway) and a 500-object list page.
// - node: `--lite-mode` (no optimising compiler, lazy feedback) saves ~15 MiB of code and
//   feedback memory; a collection is mostly file reads, and costs the same CPU with it.
// `--lite-mode` is not allowed in NODE_OPTIONS, so the flags go on node's command line;
// STANCE_AGENT_NODE_FLAGS replaces them (e.g. a larger --max-old-space-size).
export const AGENT_NODE_FLAGS = {
  cluster: ['--max-semi-space-size=1', '--max-old-space-size=96'],
  node: ['--max-semi-space-size=1', '--lite-mode'],
} as const satisfies Record<'cluster' | 'node', readonly string[]>;
