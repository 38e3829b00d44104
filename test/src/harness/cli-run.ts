// Runs a short-lived `stance` command to completion and captures what it printed.
import { spawn } from 'node:child_process';
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

export function runCli(args: string[], opts: CliRunOptions = {}): Promise<CliRun> {
  const [cmd, argv] = opts.pnpm
    ? ['pnpm', ['--silent', 'stance', ...args]]
    : opts.built
      ? [BUILT_CLI, args]
      : [process.execPath, ['--import', 'tsx', 'cli/src/main.ts', ...args]];
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of ['STANCE_LOG_LEVEL', ...(opts.unset ?? [])]) delete env[name];
    Object.assign(env, opts.env);
    const child = spawn(cmd, argv, { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}
