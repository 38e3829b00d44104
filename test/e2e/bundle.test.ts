// The bundle `pnpm build` makes (cli/dist), run as an image runs it: plain node, the
// agents with their V8 flags. Checks that bundling lost nothing the sources have: the
// whole data path (API → cluster agent and node agent → collector → findings), the
// dashboard's assets, and `stance scan` printing exactly what the sources print.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_NODE_FLAGS } from '@stance/agent/runtime-flags';
import { TestApiServer } from '@stance/dev-cluster';
import { HOST_SCENARIOS } from '@stance/dev-cluster/hostroot/scenarios';
import { DEMO_CLUSTER_DIR } from '@stance/dev-cluster';
import { allResources, getJson, REPO_ROOT, runCli, runStance, startCollector, waitFor, type CollectorProcess, type StanceProcess } from '../src/harness/index.js';

const built = { built: true } as const;
/** Variables of the developer's shell that would change the launcher's choice. */
const FLAG_VARIABLES = ['STANCE_AGENT_MODE', 'STANCE_AGENT_NODE_FLAGS'] as const;
for (const name of FLAG_VARIABLES) delete process.env[name];
const dir = mkdtempSync(join(tmpdir(), 'stance-bundle-'));
const api = new TestApiServer();
let hostRoot: string;
let collector: CollectorProcess;
let clusterAgent: StanceProcess;
let nodeAgent: StanceProcess;

/** The argv a process runs with, from /proc. */
const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);

beforeAll(async () => {
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--quiet'], { cwd: REPO_ROOT, stdio: 'inherit' });
  await api.loadDir(DEMO_CLUSTER_DIR);
  await api.start();
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  api.writeKubeconfig(kubeconfig);
  hostRoot = (await HOST_SCENARIOS['cp-bad']()).root;
  collector = await startCollector(['--data', join(dir, 'data')], {}, built);
  clusterAgent = runStance('cluster-agent', ['agent', '--collector', collector.grpcAddress, '--kubeconfig', kubeconfig, '--cluster-name', 'bundle'], {}, built);
  await clusterAgent.waitForLog('watching cluster', 60_000);
  nodeAgent = runStance(
    'node-agent',
    ['agent', '--mode=node', '--collector', collector.grpcAddress, '--host-root', hostRoot, '--node-name', 'cp-1', '--cluster-id', clusterAgent.logs.find((l) => l.msg === 'watching cluster')!.clusterId as string],
    {},
    built,
  );
  await nodeAgent.waitForLog('node agent running', 60_000);
}, 120_000);

afterAll(async () => {
  await nodeAgent?.kill();
  await clusterAgent?.kill();
  await collector?.kill();
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
  if (hostRoot) rmSync(hostRoot, { recursive: true, force: true });
});

describe('the bundled CLI (cli/dist)', () => {
  it('runs each agent mode on plain node with its V8 flags', () => {
    const cluster = cmdline(clusterAgent.child.pid!);
    const node = cmdline(nodeAgent.child.pid!);
    expect(cluster[0]).toMatch(/node$/);
    expect(cluster).toEqual(expect.arrayContaining([...AGENT_NODE_FLAGS.cluster, join(REPO_ROOT, 'cli/dist/stance.mjs'), 'agent']));
    expect(node).toEqual(expect.arrayContaining([...AGENT_NODE_FLAGS.node, 'agent', '--mode=node']));
    expect(cluster.join(' ')).not.toContain('tsx');
    // …and say so in their start-up lines.
    expect(clusterAgent.logs.find((l) => l.msg === 'cluster agent starting')!.runtime).toMatchObject({ agentFlags: true, heapLimitMiB: expect.any(Number) });
    expect(nodeAgent.logs.find((l) => l.msg === 'node agent running')!.runtime).toMatchObject({ agentFlags: true });
  });

  it('launcher: flags by --mode X, --mode=X or STANCE_AGENT_MODE; STANCE_AGENT_NODE_FLAGS replaces them', async () => {
    // A preload (NODE_OPTIONS is not part of execArgv) prints the flags node was started with.
    const probe = join(dir, 'print-exec-argv.cjs');
    writeFileSync(probe, 'process.stdout.write(JSON.stringify(process.execArgv)); process.exit(0);');
    const flagsOf = async (args: string[], env: Record<string, string> = {}) =>
      JSON.parse((await runCli(args, { built: true, unset: FLAG_VARIABLES, env: { NODE_OPTIONS: `--require ${probe}`, ...env } })).stdout) as string[];
    expect(await flagsOf(['agent'])).toEqual(AGENT_NODE_FLAGS.cluster);
    expect(await flagsOf(['agent', '--token', 't', '--mode', 'node'])).toEqual(AGENT_NODE_FLAGS.node);
    expect(await flagsOf(['agent'], { STANCE_AGENT_MODE: 'node' })).toEqual(AGENT_NODE_FLAGS.node);
    expect(await flagsOf(['agent', '--mode=cluster'], { STANCE_AGENT_MODE: 'node' })).toEqual(AGENT_NODE_FLAGS.cluster);
    expect(await flagsOf(['agent', '--mode', 'node'], { STANCE_AGENT_NODE_FLAGS: '--max-old-space-size=300' })).toEqual(['--max-old-space-size=300']);
    expect(await flagsOf(['scan', '--help'])).toEqual([]);
  });

  it('node mode refuses an OIDC kubeconfig with a clear message: its lite mode has no WebAssembly for fetch', async () => {
    const kubeconfig = join(dir, 'oidc-kubeconfig.yaml');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: api.url } }],
        users: [{ name: 'u', user: { 'auth-provider': { name: 'oidc', config: { 'client-id': 'stance', 'id-token': 'x', 'idp-issuer-url': 'https://issuer.invalid' } } } }],
        contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'ctx',
      }),
    );
    const run = await runCli(['agent', '--mode', 'node', '--kubeconfig', kubeconfig, '--collector', collector.grpcAddress, '--host-root', hostRoot], { built: true, unset: FLAG_VARIABLES });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/OIDC, which needs WebAssembly.*--cluster-id/);
  });

  it('streams the cluster and the node into the collector, which evaluates both', async () => {
    const expected = api.count();
    await waitFor('every object in the collector', async () => (await allResources(collector.httpUrl)).filter((r) => r.kind !== 'NodeFacts').length === expected, 30_000, 100);
    await waitFor('node facts in the collector', async () => (await allResources(collector.httpUrl, { kind: 'NodeFacts' })).length === 1, 30_000, 100);
    const findings = async (control: string) =>
      (await getJson<{ items: { controlId: string }[] }>(`${collector.httpUrl}/api/v1/findings?control=${control}`)).body.items;
    // One workload check and one node check: both halves of the catalog came along.
    await waitFor('a privileged-container finding', async () => (await findings('pod.privileged')).length > 0, 30_000, 200);
    await waitFor('a CIS node finding', async () => (await findings('cis.1.2.6')).length > 0, 30_000, 200);
  });

  it('serves the dashboard with its assets', async () => {
    const page = await fetch(`${collector.httpUrl}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = /src="(\/assets\/[^"]+\/app\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await fetch(`${collector.httpUrl}${script}`);
    expect(js.status).toBe(200);
    expect(await js.text()).toBe(readFileSync(join(REPO_ROOT, 'collector/src/http/dashboard/assets/app.js'), 'utf8'));
  });

  it('`stance scan` prints what the sources print', async () => {
    const args = ['scan', 'test/fixtures/scan/manifests', '--format', 'json', '--fail-on', 'none'];
    const [fromBundle, fromSources] = await Promise.all([runCli(args, built), runCli(args)]);
    expect(fromBundle.code).toBe(0);
    expect(JSON.parse(fromBundle.stdout).findings.length).toBeGreaterThan(0);
    expect(fromBundle.stdout).toBe(fromSources.stdout);
  });
});
