// Runs Stance commands as real child processes (the CLI through tsx, or the bundle that
// `pnpm build` makes), reads their JSON log lines, and finds where they listen.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { waitFor } from './wait.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../../cli/src/main.ts', import.meta.url));
/** The bundled CLI's launcher (`pnpm build`): plain node, with the agent's V8 flags. */
export const BUILT_CLI = fileURLToPath(new URL('../../../cli/dist/stance', import.meta.url));

export interface RunOptions {
  /** Run the bundle in cli/dist (what an image runs) instead of the sources through tsx. */
  built?: boolean;
}

export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

export class StanceProcess {
  readonly logs: LogLine[] = [];
  readonly stderrText: string[] = [];
  stdout = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly name: string, readonly child: ChildProcess) {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      this.stderrText.push(line);
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        // not a log line
      }
      if (process.env.STANCE_TEST_ECHO) process.stderr.write(`[${name}] ${line}\n`);
    });
    child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Resolves with the first log line matching `msg` (and `pred`). */
  waitForLog(msg: string | RegExp, timeoutMs = 30_000, pred: (l: LogLine) => boolean = () => true): Promise<LogLine> {
    return waitFor(`${this.name} to log "${msg}"`, () => this.logs.find((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg)) && pred(l)), timeoutMs);
  }

  countLogs(msg: string | RegExp): number {
    return this.logs.filter((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg))).length;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

export function runStance(name: string, args: string[], env: Record<string, string> = {}, opts: RunOptions = {}): StanceProcess {
  // The launcher execs node: the child's pid is the process that runs the code.
  const [command, argv] = opts.built ? [BUILT_CLI, args] : [process.execPath, ['--import', 'tsx', CLI, ...args]];
  const child = spawn(command, argv, {
    cwd: REPO_ROOT,
    env: { ...process.env, STANCE_LOG_LEVEL: process.env.STANCE_TEST_LOG_LEVEL ?? 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new StanceProcess(name, child);
}

export interface CollectorProcess extends StanceProcess {
  httpUrl: string;
  grpcAddress: string;
}

/** Starts `stance collector` on ephemeral ports and waits until it listens. */
export async function startCollector(args: string[], env: Record<string, string> = {}, opts: RunOptions = {}): Promise<CollectorProcess> {
  const p = runStance('collector', ['collector', '--http-port', '0', '--grpc-port', '0', ...args], env, opts);
  const line = await Promise.race([
    p.waitForLog('collector listening', 60_000),
    p.exited.then((e) => {
      throw new Error(`collector exited (${e.code ?? e.signal}): ${p.stderrText.slice(-5).join('\n')}`);
    }),
  ]);
  return Object.assign(p, { httpUrl: line.http as string, grpcAddress: line.grpc as string });
}
