// The node agent on its own: a collector and `stance agent --mode node` on a fake
// control-plane host root. Idle RSS after settling, and CPU per facts collection measured
// at a 1 s interval over a window, scaled to the default 30 s interval.
import { rm } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSection } from '../lib/context.js';
import { cpuMs } from '../lib/cpu.js';
import { readMemory, resolveNodePid } from '../lib/memory.js';
import { ms } from '../lib/report.js';
import { HOST_SCENARIOS } from '@stance/dev-cluster/hostroot/scenarios';
import { runStance, startCollector, waitFor } from '../../src/harness/index.js';

const WINDOW_MS = 20_000;
const TARGET_RSS_MIB = 64;
const TARGET_CPU_PERCENT = 1;
const DEFAULT_INTERVAL_MS = 30_000;


export const node: BenchSection = {
  name: 'node',
  title: 'Node agent: idle memory and CPU per collection',
  async run(ctx) {
    const dir = mkdtempSync(join(tmpdir(), 'stance-bench-node-'));
    const host = await HOST_SCENARIOS['cp-bad']();
    const collector = await startCollector(['--data', join(dir, 'data')], {}, ctx.run);
    const agent = runStance('node-agent', [
      'agent', '--mode', 'node', '--collector', collector.grpcAddress, '--host-root', host.root,
      '--node-name', 'bench-node', '--cluster-id', 'bench-node-cluster', '--facts-interval', '1s',
    ], ctx.agentEnv, ctx.run);
    try {
      await agent.waitForLog('node agent running', 60_000);
      await new Promise((r) => setTimeout(r, 3000));
      const pid = resolveNodePid(agent.child.pid!);
      const cpu0 = cpuMs(pid)!;
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, WINDOW_MS));
      const perCollectionMs = (cpuMs(pid)! - cpu0) / ((performance.now() - t0) / 1000);
      const mem = readMemory(pid);
      await waitFor('facts in the collector', async () => (await (await fetch(`${collector.httpUrl}/api/v1/resources?kind=NodeFacts`)).json() as { items: unknown[] }).items.length === 1, 10_000);
      const cpuPercent = (perCollectionMs / DEFAULT_INTERVAL_MS) * 100;
      return {
        rows: [
          { metric: 'CPU per collection (1 s interval, averaged)', value: ms(perCollectionMs) },
          { metric: `CPU at the default ${DEFAULT_INTERVAL_MS / 1000} s interval`, value: `${cpuPercent.toFixed(2)} % of a core`, target: `< ${TARGET_CPU_PERCENT} %`, ok: cpuPercent < TARGET_CPU_PERCENT },
          { metric: 'RSS while collecting every 1 s', value: `${mem.rssMiB.toFixed(0)} MiB`, target: `< ${TARGET_RSS_MIB} MiB`, ok: mem.rssMiB < TARGET_RSS_MIB },
          { metric: '  of which its own (RssAnon) / node binary and files (RssFile)', value: `${mem.anonMiB.toFixed(0)} / ${mem.fileMiB.toFixed(0)} MiB` },
          { metric: 'peak RSS (VmHWM)', value: `${mem.hwmMiB.toFixed(0)} MiB` },
        ],
        data: { perCollectionMs, cpuPercentAt30s: cpuPercent, ...mem, windowMs: WINDOW_MS },
      };
    } finally {
      await agent.kill();
      await collector.kill();
      await rm(host.root, { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
    }
  },
};
