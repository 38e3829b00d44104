// `pnpm bench [section...]`: prints the machine, then runs every section (or the named
// ones) in registry order. A benchmark, not a test: it reports figures and marks missed
// targets, and exits 1 only when a section fails to run.
//   BENCH_OBJECTS=n                 objects in the shared stack (default 100000)
//   BENCH_RUNTIME=dist|src          run the bundle `pnpm build` makes (default: what an image
//                                   runs; built first) or the sources through tsx
//   BENCH_AGENT_NODE=/path/to/node  run the agents on this node binary (e.g. Node 22, the image's),
//                                   the rest on the current one; needs the bundle
//   BENCH_PROFILE_DIR=dir           CPU-profile the agent and the collector into dir/{agent,collector}
//                                   (summarise with `tsx test/bench/lib/profile-summary.ts FILE`)
//   BENCH_AGENT_NODE_OPTIONS=...    extra NODE_OPTIONS for the agent (e.g. --max-old-space-size=96)
//   BENCH_COLLECTOR_NODE_OPTIONS=.. the same for the collector
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { AGENT_NODE_FLAGS } from '@stance/agent/runtime-flags';
import { REPO_ROOT, type RunOptions } from '../src/harness/index.js';
import { SharedStack, type BenchContext } from './lib/context.js';
import { loadNow, machineInfo } from './lib/machine.js';
import { printJson, printTable } from './lib/report.js';
import { killChildren } from './lib/stack.js';
import { SECTIONS } from './sections.js';

async function main(): Promise<number> {
  const wanted = process.argv.slice(2).filter((a) => a !== '--');
  const unknown = wanted.filter((w) => !SECTIONS.some((s) => s.name === w));
  if (unknown.length > 0) {
    console.error(`unknown section(s): ${unknown.join(', ')}; known: ${SECTIONS.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const selected = wanted.length > 0 ? SECTIONS.filter((s) => wanted.includes(s.name)) : SECTIONS;
  const machine = machineInfo();
  console.log(`# Stance benchmarks — ${machine.date}`);
  console.log(`cpu: ${machine.cpu} · cores: ${machine.cores} · memory: ${machine.memoryGiB} GiB · node ${machine.node} · load: ${machine.load.join(' ')}`);

  const run = runtime();
  console.log(run.built
    ? `runtime: the bundle in cli/dist (pnpm build); agent V8 flags: cluster ${AGENT_NODE_FLAGS.cluster.join(' ')} · node ${AGENT_NODE_FLAGS.node.join(' ')}`
    : 'runtime: the sources through tsx (BENCH_RUNTIME=src)');

  const agentEnv = agentNode(run);

  const objects = Number(process.env.BENCH_OBJECTS ?? 100_000);
  const shared = new SharedStack({
    objects,
    run,
    agentEnv,
    ...(process.env.BENCH_PROFILE_DIR ? { profileDir: process.env.BENCH_PROFILE_DIR } : {}),
    ...(process.env.BENCH_AGENT_NODE_OPTIONS ? { agentNodeOptions: process.env.BENCH_AGENT_NODE_OPTIONS } : {}),
    ...(process.env.BENCH_COLLECTOR_NODE_OPTIONS ? { collectorNodeOptions: process.env.BENCH_COLLECTOR_NODE_OPTIONS } : {}),
  });
  const ctx: BenchContext = { machine, objects, run, agentEnv, stack: () => shared.get() };
  let failed = 0;
  try {
    for (const section of selected) {
      const t = performance.now();
      try {
        const report = await section.run(ctx);
        printTable(`${section.title} (${((performance.now() - t) / 1000).toFixed(0)} s, load ${loadNow()})`, report.rows);
        printJson(section.name, machineInfo(), report.data);
      } catch (err) {
        failed += 1;
        console.error(`section ${section.name} failed: ${(err as Error).stack ?? String(err)}`);
      }
    }
  } finally {
    await shared.stop();
  }
  return failed > 0 ? 1 : 0;
}

/** BENCH_RUNTIME: the bundle (built now, so it matches the sources) or the sources. */
function runtime(): RunOptions {
  const value = process.env.BENCH_RUNTIME ?? 'dist';
  if (value === 'src') return {};
  if (value !== 'dist') throw new Error(`BENCH_RUNTIME must be dist or src, not "${value}"`);
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--quiet'], { cwd: REPO_ROOT, stdio: 'inherit' });
  return { built: true };
}

/** BENCH_AGENT_NODE: the launcher runs `node` from PATH, so the agents' PATH starts with its folder. */
function agentNode(run: RunOptions): Record<string, string> {
  const node = process.env.BENCH_AGENT_NODE;
  if (!node) return {};
  if (!run.built) throw new Error('BENCH_AGENT_NODE needs the bundle (BENCH_RUNTIME=dist)');
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  console.log(`agents on node ${version} (${node})`);
  return { PATH: `${dirname(node)}:${process.env.PATH ?? ''}` };
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killChildren();
    process.exit(130);
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
