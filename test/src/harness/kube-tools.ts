// helm v4 and kubectl 1.35 for the chart's tests: installed by scripts/install-kube-tools.sh
// (bootstrap.sh test runs it) into .tools/kube-tools/bin, or found in STANCE_KUBE_TOOLS.
// A missing tool fails the test with the command that installs it, never a skip.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '@stance/shared/model/index';
import { REPO_ROOT } from './processes.js';

export const CHART_DIR = join(REPO_ROOT, 'helm/stance');
export const KUBE_TOOLS_DIR = process.env.STANCE_KUBE_TOOLS ?? join(REPO_ROOT, '.tools/kube-tools/bin');

export function kubeTool(name: 'helm' | 'kubectl'): string {
  const path = join(KUBE_TOOLS_DIR, name);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${path} is missing: run \`bash scripts/install-kube-tools.sh\` (bootstrap.sh test does), or set STANCE_KUBE_TOOLS to a folder with helm v4 and kubectl`);
  }
  return path;
}

export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runTool(name: 'helm' | 'kubectl', args: readonly string[], env: Record<string, string> = {}): Promise<ToolRun> {
  const bin = kubeTool(name);
  return new Promise((resolve) => {
    execFile(bin, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? ((err as unknown as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs helm and fails with its stderr when it does not succeed. */
export async function helm(args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const run = await runTool('helm', args, env);
  if (run.code !== 0) throw new Error(`helm ${args.join(' ')} exited ${run.code}: ${run.stderr.trim()}`);
  return run.stdout;
}

/** `helm template` of the chart: the YAML text and its objects. */
export async function renderChart(args: readonly string[] = []): Promise<{ yaml: string; objects: KubeObject[] }> {
  const yaml = await helm(['template', 'stance', CHART_DIR, '--namespace', 'stance', ...args]);
  const objects = parseAllDocuments(yaml)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
  return { yaml, objects };
}

export const ALL_OPTIONS_VALUES = join(CHART_DIR, 'ci/all-options-values.yaml');
