// What a section gets from the runner: the machine it runs on and a shared stack that
// is synced on first use (loading 100,000 objects takes a while, so sections reuse one).
import type { RunOptions } from '../../src/harness/index.js';
import type { MachineInfo } from './machine.js';
import type { SectionReport } from './report.js';
import { BenchStack, type StackOptions } from './stack.js';

export interface BenchContext {
  machine: MachineInfo;
  /** Objects in the shared stack (BENCH_OBJECTS, default 100,000). */
  objects: number;
  /** How Stance's processes run: the bundle (`pnpm build`, what an image runs) by default. */
  run: RunOptions;
  /** Environment for agents: BENCH_AGENT_NODE runs them on another node binary. */
  agentEnv: Record<string, string>;
  /** The shared stack, its initial sync measured in `stack.sync`; started on first use. */
  stack(): Promise<BenchStack>;
}

/** One benchmark section: a file in test/bench/sections, listed in test/bench/sections.ts. */
export interface BenchSection {
  /** What `pnpm bench NAME` selects. */
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<SectionReport>;
}

export class SharedStack {
  private started: Promise<BenchStack> | undefined;

  constructor(readonly options: StackOptions) {}

  get(): Promise<BenchStack> {
    this.started ??= BenchStack.start(this.options);
    return this.started;
  }

  async stop(): Promise<void> {
    const s = this.started;
    this.started = undefined;
    if (s) await (await s.catch(() => undefined))?.stop();
  }
}
