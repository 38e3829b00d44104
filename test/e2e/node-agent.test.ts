// The node agent end to end: `stance agent --mode node` reads a host root (real files,
// modes and owners; a fake /proc), streams NodeFacts to the collector, and the CIS checks
// open a finding when a file mode regresses and resolve it when it is restored.
import { chmod, readdir, readFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_SCENARIOS } from '@stance/dev-cluster/hostroot/scenarios';
import { CANARY } from '@stance/dev-cluster/hostroot/secrets';
import { allResources, getJson, runStance, startCollector, waitFor, type CollectorProcess, type StanceProcess } from '../src/harness/index.js';

const CLUSTER_ID = 'node-e2e-cluster';
const SERVICE_FILE = '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf';
let dataDir: string;
let hostRoot: string;
let collector: CollectorProcess;
let agent: StanceProcess;

interface Finding {
  id: string;
  controlId: string;
  status: string;
  resource: { kind: string; name: string };
  message: string;
}

const findings = async (query: Record<string, string>) =>
  (await getJson<{ items: Finding[] }>(`${collector.httpUrl}/api/v1/findings?${new URLSearchParams({ cluster: CLUSTER_ID, ...query })}`)).body.items;

beforeAll(async () => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'stance-node-')), 'data');
  hostRoot = (await HOST_SCENARIOS['cp-good']()).root;
  collector = await startCollector(['--data', dataDir]);
  agent = runStance('node-agent', [
    'agent', '--mode', 'node', '--collector', collector.grpcAddress, '--host-root', hostRoot,
    '--node-name', 'cp-1', '--cluster-id', CLUSTER_ID, '--cluster-name', 'node-e2e', '--facts-interval', '1s',
  ]);
  await waitFor('node facts in the collector', async () => (await allResources(collector.httpUrl, { kind: 'NodeFacts' })).length === 1, 60_000, 100);
}, 120_000);

afterAll(async () => {
  await agent?.kill();
  await collector?.kill();
});

describe('node agent → collector', () => {
  it('stores the facts as a NodeFacts subject and evaluates the CIS node checks on it', async () => {
    const [facts] = await allResources(collector.httpUrl, { kind: 'NodeFacts' });
    expect(facts).toMatchObject({ kind: 'NodeFacts', name: 'cp-1' });
    const clusters = await getJson<{ items: { id: string; agents: { mode: string; nodeName: string; status: string }[] }[] }>(`${collector.httpUrl}/api/v1/clusters`);
    expect(clusters.body.items[0]!.agents[0]).toMatchObject({ mode: 'node', nodeName: 'cp-1', status: 'connected' });
    // A compliant control-plane node: the service-file check passes.
    expect((await findings({ control: 'cis.4.1.1' }))).toHaveLength(0);
    const { body } = await getJson<{ frameworks: Record<string, { passed: number }> }>(`${collector.httpUrl}/api/v1/clusters/${CLUSTER_ID}/posture`);
    expect(body.frameworks['cis-kubernetes']!.passed).toBeGreaterThan(50);
  });

  it('opens a finding when a file mode regresses and resolves it when restored', async () => {
    await chmod(join(hostRoot, SERVICE_FILE), 0o666);
    const open = await waitFor('cis.4.1.1 to open', async () => (await findings({ control: 'cis.4.1.1' })).find((f) => f.status === 'open'), 15_000, 100);
    expect(open.resource).toMatchObject({ kind: 'NodeFacts', name: 'cp-1' });
    expect(open.message).toMatch(/666/);
    await chmod(join(hostRoot, SERVICE_FILE), 0o600);
    await waitFor('cis.4.1.1 to resolve', async () => (await findings({ control: 'cis.4.1.1' })).length === 0, 15_000, 100);
    const resolved = await findings({ control: 'cis.4.1.1', status: 'resolved' });
    expect(resolved).toHaveLength(1);
    const history = await getJson<{ history: { event: string }[] }>(`${collector.httpUrl}/api/v1/findings/${resolved[0]!.id}`);
    expect(history.body.history.map((h) => h.event)).toEqual(['opened', 'resolved']);
  });

  it('sends facts only when they change', async () => {
    const sent = agent.countLogs('node facts changed; sending');
    await new Promise((r) => setTimeout(r, 3000)); // three intervals, nothing changed
    expect(agent.countLogs('node facts changed; sending')).toBe(sent);
  });

  it('never stores a secret planted on the host', async () => {
    const files = await readdir(dataDir);
    const bytes = await Promise.all(files.map((f) => readFile(join(dataDir, f))));
    for (const secret of Object.values(CANARY)) for (const b of bytes) expect(b.includes(secret)).toBe(false);
  });
});
