// A full Stance stack for benchmarks: the test API server with generated objects in
// this process, `stance collector` and `stance agent --mode cluster` as real child
// processes (through the e2e harness). start() measures the initial sync on the way.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestApiServer } from '@stance/dev-cluster';
import { runStance, startCollector, type CollectorProcess, type RunOptions, type StanceProcess } from '../../src/harness/index.js';
import { backlogDrained, findingsCaughtUp } from './backlog.js';
import { cpuMs, mainThreadCpuMs } from './cpu.js';
import { MemorySampler, type MemoryReading } from './memory.js';
import { metricValue, readMetrics } from './metrics.js';

export interface StackOptions {
  objects: number;
  seed?: number;
  /** Extra NODE_OPTIONS for the children. */
  agentNodeOptions?: string;
  /** More environment for the agent (BENCH_AGENT_NODE puts another node first in PATH). */
  agentEnv?: Record<string, string>;
  collectorNodeOptions?: string;
  /** CPU-profile both children into profileDir/{agent,collector}/<pid>.cpuprofile. */
  profileDir?: string;
  agentArgs?: string[];
  /** How often the collector's object count is polled while syncing. */
  pollMs?: number;
  syncTimeoutMs?: number;
  run?: RunOptions;
}

export interface SyncTimings {
  objects: number;
  generateMs: number;
  collectorStartMs: number;
  /** Agent spawn → its "cluster agent starting" log (process and module start-up). */
  agentStartupMs: number;
  /** Agent spawn → the collector holds every object: the headline figure. */
  syncMs: number;
  /** "cluster agent starting" → every object held: the sync without process start-up. */
  syncAfterStartupMs: number;
  /** Agent spawn → the collector holds its first object. */
  firstObjectMs: number;
  objectsPerSecond: number;
  /** The slowest answer of GET /api/v1/clusters during the sync: how long the collector's event loop stalls. */
  slowestPollMs: number;
  /** Failed polls (timeouts), with when and why. */
  pollErrors: string[];
  /** From the collector's /metrics, when it exports them: how many messages went into how many transactions. */
  ingestBatches?: number;
  ingestMessages?: number;
  agent: MemoryReading & { pid: number };
  collector: MemoryReading & { pid: number };
  /** Agent spawn → every object stored and the findings backlog at 0: every finding evaluated. */
  findingsDoneMs?: number;
  /** The findings backlog when every object was stored. */
  backlogAtStored?: number;
  /** The collector once every finding is evaluated (VmHWM: its peak so far). */
  collectorAfterFindings?: MemoryReading;
  /** CPU time each process used from its start until every finding was evaluated. */
  /**
   * collectorMainMs: the collector's JavaScript thread alone; apiServerMs: this process, which
   * serves the test API server (and the benchmark's polls), for what else ran on the machine.
   */
  cpu?: { collectorMs?: number; collectorMainMs?: number; agentMs?: number; apiServerMs?: number };
  /** Agent spawn → the collector has caught up with everything (findings and risk backlogs at 0). */
  settledMs?: number;
}

/** Children of every stack, for killing them if the benchmark itself is interrupted. */
const children = new Set<{ kill(signal: NodeJS.Signals): unknown }>();

export function killChildren(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const c of children) c.kill(signal);
}

/** The ingest counters of GET /metrics (absent when the collector does not export them). */
async function ingestCounters(collector: CollectorProcess): Promise<{ ingestBatches?: number; ingestMessages?: number }> {
  const text = await readMetrics(collector.httpUrl);
  const batches = metricValue(text, 'stance_ingest_batches_total');
  const messages = metricValue(text, 'stance_ingest_messages_total');
  return { ...(batches !== undefined ? { ingestBatches: batches } : {}), ...(messages !== undefined ? { ingestMessages: messages } : {}) };
}

const CPU_PROFILER = fileURLToPath(new URL('./cpu-profile.mjs', import.meta.url));

function childEnv(nodeOptions: string | undefined, profileDir: string | undefined, name: string): Record<string, string> {
  const opts = [nodeOptions, profileDir ? `--import ${CPU_PROFILER}` : undefined].filter(Boolean).join(' ');
  return { ...(opts ? { NODE_OPTIONS: opts } : {}), ...(profileDir ? { STANCE_CPU_PROFILE_DIR: join(profileDir, name) } : {}) };
}

export class StackError extends Error {
  constructor(message: string, readonly logTail: string[]) {
    super(`${message}\n${logTail.join('\n')}`);
    this.name = 'StackError';
  }
}

export class BenchStack {
  private constructor(
    readonly api: TestApiServer,
    readonly collector: CollectorProcess,
    readonly agent: StanceProcess,
    readonly dir: string,
    readonly agentMemory: MemorySampler,
    readonly collectorMemory: MemorySampler,
    readonly sync: SyncTimings,
  ) {}

  /** Objects the collector holds, over every cluster and kind. */
  static async storedTotal(collector: CollectorProcess): Promise<number> {
    const res = await fetch(`${collector.httpUrl}/api/v1/clusters`);
    const body = (await res.json()) as { items: { resources: Record<string, number> }[] };
    return body.items.reduce((n, c) => n + Object.values(c.resources).reduce((a, b) => a + b, 0), 0);
  }

  /** Starts everything and waits for the sync; on failure stops whatever it started. */
  static async start(opts: StackOptions): Promise<BenchStack> {
    const started: (() => Promise<unknown>)[] = [];
    try {
      return await BenchStack.startTracked(opts, started);
    } catch (err) {
      for (const stop of started.reverse()) await stop().catch(() => undefined);
      throw err;
    }
  }

  private static async startTracked(opts: StackOptions, started: (() => Promise<unknown>)[]): Promise<BenchStack> {
    const dir = mkdtempSync(join(tmpdir(), 'stance-bench-'));
    started.push(async () => rmSync(dir, { recursive: true, force: true }));
    let t = performance.now();
    const api = new TestApiServer();
    api.generate(opts.objects, { seed: opts.seed ?? 42 });
    await api.start();
    started.push(() => api.stop());
    const generateMs = performance.now() - t;
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    api.writeKubeconfig(kubeconfig);
    const total = api.count();

    t = performance.now();
    const collector = await startCollector(['--data', join(dir, 'data')], childEnv(opts.collectorNodeOptions, opts.profileDir, 'collector'), opts.run);
    children.add(collector);
    started.push(() => collector.kill('SIGKILL'));
    const collectorStartMs = performance.now() - t;
    const collectorMemory = new MemorySampler(collector.child.pid!);

    const t0 = performance.now();
    const spawnedAt = Date.now();
    const benchCpu0 = process.cpuUsage();
    const agent = runStance(
      'agent',
      ['agent', '--mode', 'cluster', '--collector', collector.grpcAddress, '--kubeconfig', kubeconfig, '--cluster-name', 'bench', ...(opts.agentArgs ?? [])],
      { ...childEnv(opts.agentNodeOptions, opts.profileDir, 'agent'), ...opts.agentEnv },
      opts.run,
    );
    children.add(agent);
    started.push(() => agent.kill('SIGKILL'));
    const agentMemory = new MemorySampler(agent.child.pid!);
    let firstObjectAt: number | undefined;
    let slowestPollMs = 0;
    const pollErrors: string[] = [];
    const deadline = t0 + (opts.syncTimeoutMs ?? 300_000);
    for (;;) {
      const asked = performance.now();
      let stored = 0;
      try {
        stored = await BenchStack.storedTotal(collector);
      } catch (err) {
        pollErrors.push(`${((asked - t0) / 1000).toFixed(1)} s: ${(err as Error).message} (${String((err as { cause?: unknown }).cause)})`);
      }
      const now = performance.now();
      slowestPollMs = Math.max(slowestPollMs, now - asked);
      if (stored > 0) firstObjectAt ??= now;
      if (stored >= total) break;
      if (agent.child.exitCode !== null || collector.child.exitCode !== null) {
        throw new StackError('a process exited during the sync', [...pollErrors, ...agent.stderrText.slice(-5), ...collector.stderrText.slice(-5)]);
      }
      if (now > deadline) throw new StackError(`sync not done: ${stored} of ${total} objects`, [...pollErrors, ...agent.stderrText.slice(-5)]);
      // Counting costs the collector a scan: poll rarely while the end is far off (half the
      // estimated time left, at most 2 s), often near it.
      const rate = stored / Math.max(1, now - (firstObjectAt ?? now));
      const eta = rate > 0 ? (total - stored) / rate : Infinity;
      const pollMs = opts.pollMs ?? 200;
      await new Promise((r) => setTimeout(r, firstObjectAt === undefined ? pollMs : Math.max(pollMs, Math.min(2000, eta / 2))));
    }
    const syncMs = performance.now() - t0;
    const a = agentMemory.sample();
    const c = collectorMemory.sample();
    const drained = await findingsCaughtUp(collector, spawnedAt + syncMs, opts.syncTimeoutMs ?? 300_000);
    const collectorAfterFindings = collectorMemory.sample();
    const benchCpu = process.cpuUsage(benchCpu0);
    const cpu = {
      collectorMs: cpuMs(collectorMemory.pid),
      collectorMainMs: mainThreadCpuMs(collectorMemory.pid),
      agentMs: cpuMs(agentMemory.pid),
      apiServerMs: Math.round((benchCpu.user + benchCpu.system) / 1000),
    };
    // Sections time changes on a collector that has nothing else left to do.
    const settled = await backlogDrained(collector.httpUrl, opts.syncTimeoutMs ?? 300_000, 1000);
    // From the agent's own log time: the poll above may sleep through the moment.
    const starting = agent.logs.find((l) => l.msg === 'cluster agent starting');
    const agentStartupMs = starting ? Date.parse(String(starting.time)) - spawnedAt : 0;
    const ingest = await ingestCounters(collector);
    const sync: SyncTimings = {
      objects: total,
      generateMs,
      collectorStartMs,
      agentStartupMs,
      syncMs,
      syncAfterStartupMs: syncMs - agentStartupMs,
      firstObjectMs: (firstObjectAt ?? t0) - t0,
      objectsPerSecond: total / (syncMs / 1000),
      slowestPollMs,
      pollErrors,
      ...ingest,
      agent: { pid: agentMemory.pid, ...a },
      collector: { pid: collectorMemory.pid, ...c },
      findingsDoneMs: Math.max(syncMs, drained.at - spawnedAt),
      ...(drained.backlogAtStart !== undefined ? { backlogAtStored: drained.backlogAtStart } : {}),
      collectorAfterFindings,
      cpu,
      settledMs: settled.at - t0,
    };
    return new BenchStack(api, collector, agent, dir, agentMemory, collectorMemory, sync);
  }

  /** SIGTERM both processes (so --cpu-prof profiles are written), stop the API server, remove the data. */
  async stop(): Promise<void> {
    this.agentMemory.stop();
    this.collectorMemory.stop();
    await this.agent.kill('SIGTERM');
    await this.collector.kill('SIGTERM');
    await this.api.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
