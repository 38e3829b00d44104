// Runs a short-lived `stance` command to completion and captures what it printed.
import { spawn, type ChildProcessByStdio, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Readable } from 'node:stream';
import { BUILT_CLI, REPO_ROOT } from './processes.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** Through `pnpm --silent stance`, as external checks call it (slower). */
  pnpm?: boolean;
  /** The bundle `pnpm build` makes (cli/dist/stance). */
  built?: boolean;
  stdin?: string;
  env?: Record<string, string>;
  /** Variables of the test environment that must not reach the command (`env` may set them again). */
  unset?: readonly string[];
}

export interface CliStartOptions extends Omit<CliRunOptions, 'stdin'> {
  /** Run as this user and group (a test run as root checking what an unprivileged user sees). */
  uid?: number;
  gid?: number;
}

export interface CliChild {
  /** The command's process (its stdin is a pipe the caller writes and ends). */
  child: ChildProcessWithoutNullStreams;
  /** Resolves when it has exited and its output is read. */
  result: Promise<CliRun>;
}

/** Starts a `stance` command; the caller feeds its stdin, signals it, or waits for `result`. */
export function startCli(args: string[], opts: CliStartOptions = {}): CliChild {
  const [cmd, argv] = opts.pnpm
    ? ['pnpm', ['--silent', 'stance', ...args]]
    : opts.built
      ? [BUILT_CLI, args]
      : [process.execPath, ['--import', 'tsx', 'cli/src/main.ts', ...args]];
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['STANCE_LOG_LEVEL', ...(opts.unset ?? [])]) delete env[name];
  Object.assign(env, opts.env);
  const child = spawn(cmd, argv, { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'], uid: opts.uid, gid: opts.gid });
  // A child that exits before reading all of its stdin is not the caller's error.
  child.stdin.on('error', () => undefined);
  return { child, result: outputOf(child) };
}

/** What a child process printed, once it has exited. */
export function outputOf(child: ChildProcessWithoutNullStreams | ChildProcessByStdio<null, Readable, Readable>): Promise<CliRun> {
  return new Promise<CliRun>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function runCli(args: string[], opts: CliRunOptions = {}): Promise<CliRun> {
  const { child, result } = startCli(args, opts);
  child.stdin.end(opts.stdin ?? '');
  return result;
}
