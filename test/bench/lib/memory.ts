// Resident memory of a child process from /proc/<pid>/status. `node --import tsx` runs
// as a single process (tsx's loader lives in a worker thread of it), but a `tsx` CLI
// wrapper would fork the real node process: resolve to the process that runs the code.
import { readFileSync, readdirSync } from 'node:fs';

export interface MemoryReading {
  /** Current resident set, MiB. */
  rssMiB: number;
  /** Peak resident set since the process started (VmHWM), MiB. */
  hwmMiB: number;
  /** Of the current RSS: the process's own memory (RssAnon), MiB. */
  anonMiB: number;
  /** Of the current RSS: mapped files, mostly the node binary's code pages, shared by every node process on the host (RssFile), MiB. */
  fileMiB: number;
}

export class ProcessGoneError extends Error {
  constructor(readonly pid: number) {
    super(`process ${pid} is gone`);
    this.name = 'ProcessGoneError';
  }
}

function status(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    throw new ProcessGoneError(pid);
  }
}

function field(text: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) / 1024 : 0;
}

export function readMemory(pid: number): MemoryReading {
  const s = status(pid);
  return { rssMiB: field(s, 'VmRSS'), hwmMiB: field(s, 'VmHWM'), anonMiB: field(s, 'RssAnon'), fileMiB: field(s, 'RssFile') };
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // no children file (process gone or kernel without it)
  }
  return out;
}

/** The node process that runs the program: `pid` itself unless it is a launcher that forked one. */
export function resolveNodePid(pid: number): number {
  const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const launcher = cmd.some((a) => /[\\/]tsx[\\/]dist[\\/]cli\.m?js$|[\\/]\.bin[\\/]tsx$/.test(a));
  if (!launcher) return pid;
  const kids = childrenOf(pid);
  if (kids.length !== 1) throw new Error(`launcher ${pid} has ${kids.length} children; cannot tell which runs the program`);
  return resolveNodePid(kids[0]!);
}

/** Samples a process's RSS in the background; VmHWM gives the true peak between samples. */
export class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  private last: MemoryReading = { rssMiB: 0, hwmMiB: 0, anonMiB: 0, fileMiB: 0 };
  maxRssMiB = 0;
  readonly pid: number;

  constructor(pid: number, everyMs = 200) {
    this.pid = resolveNodePid(pid);
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
    this.sample();
  }

  /** The latest reading (taken now while the process lives). */
  sample(): MemoryReading {
    try {
      this.last = readMemory(this.pid);
      this.maxRssMiB = Math.max(this.maxRssMiB, this.last.rssMiB);
    } catch (err) {
      if (!(err instanceof ProcessGoneError)) throw err;
    }
    return this.last;
  }

  stop(): MemoryReading {
    clearInterval(this.timer);
    return this.sample();
  }
}
