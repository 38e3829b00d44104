// The real helm v4 installs, upgrades and uninstalls the chart against the dev cluster
// (@stance/dev-cluster: discovery, protobuf release Secrets, server-side apply, and the
// optional CRD kinds served as if installed). Generated tokens and certificates survive
// an upgrade; uninstall leaves nothing of the release behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPTIONAL_KINDS, TestApiServer } from '@stance/dev-cluster';
import type { KubeObject } from '@stance/shared/model/index';
import { ALL_OPTIONS_VALUES, CHART_DIR, helm, runTool } from '../src/harness/kube-tools.js';

const dir = mkdtempSync(join(tmpdir(), 'stance-helm-'));
const kubeconfig = join(dir, 'kubeconfig.yaml');
const api = new TestApiServer({ extraKinds: OPTIONAL_KINDS });
const env = { KUBECONFIG: kubeconfig, HELM_CACHE_HOME: join(dir, 'cache'), HELM_CONFIG_HOME: join(dir, 'config'), HELM_DATA_HOME: join(dir, 'data') };
const h = (args: string[]) => helm(args, env);

/** Objects of the release (by its instance label) in the dev cluster, as "Kind name". */
function releaseObjects(release: string): string[] {
  const out: string[] = [];
  for (const kind of ['Secret', 'ServiceAccount', 'Service', 'StatefulSet', 'Deployment', 'DaemonSet', 'ClusterRole', 'ClusterRoleBinding', 'Ingress', 'NetworkPolicy', 'PodDisruptionBudget', 'ServiceMonitor', 'PrometheusRule', 'Certificate', 'Issuer']) {
    for (const o of api.list(kind)) if (o.metadata.labels?.['app.kubernetes.io/instance'] === release) out.push(`${kind} ${o.metadata.name}`);
  }
  return out.sort();
}

const secretData = (namespace: string, name: string) => (api.get('Secret', namespace, name) as KubeObject & { data: Record<string, string> }).data;

beforeAll(async () => {
  await api.start();
  api.writeKubeconfig(kubeconfig);
});

afterAll(async () => {
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('helm install / upgrade / uninstall against the dev cluster', () => {
  it('installs the defaults into a new namespace', async () => {
    const out = await h(['install', 'stance', CHART_DIR, '--namespace', 'stance', '--create-namespace']);
    expect(out).toContain('STATUS: deployed');
    expect(out).toContain('kubectl -n stance get secret stance-api-tokens');
    expect(releaseObjects('stance')).toEqual([
      'ClusterRole stance-cluster-agent', 'ClusterRole stance-node-agent',
      'ClusterRoleBinding stance-cluster-agent', 'ClusterRoleBinding stance-node-agent',
      'DaemonSet stance-node-agent', 'Deployment stance-cluster-agent',
      'Secret stance-agent-tokens', 'Secret stance-api-tokens', 'Secret stance-ca', 'Secret stance-tls',
      'Service stance-grpc', 'Service stance-http',
      'ServiceAccount stance-cluster-agent', 'ServiceAccount stance-collector', 'ServiceAccount stance-node-agent',
      'StatefulSet stance-collector',
    ]);
    // helm's own release record, stored through the protobuf Secret path.
    expect(api.list('Secret', 'stance').map((s) => s.metadata.name)).toContain('sh.helm.release.v1.stance.v1');
    const ds = api.get('DaemonSet', 'stance', 'stance-node-agent')!;
    expect(ds.metadata.annotations?.['stance.dev/exempt']).toContain('pod.host-path');
    const listed = await h(['list', '--namespace', 'stance', '--output', 'json']);
    expect(JSON.parse(listed)).toEqual([expect.objectContaining({ name: 'stance', status: 'deployed', revision: '1' })]);
  });

  it('upgrades in place: new objects appear, generated tokens and certificates are kept', async () => {
    const before = { agent: secretData('stance', 'stance-agent-tokens'), api: secretData('stance', 'stance-api-tokens'), tls: secretData('stance', 'stance-tls'), ca: secretData('stance', 'stance-ca') };
    const uid = api.get('StatefulSet', 'stance', 'stance-collector')!.metadata.uid;
    await h(['upgrade', 'stance', CHART_DIR, '--namespace', 'stance', '--set', 'collector.remoteClusters={prod-us}', '--set', 'clusterAgent.podDisruptionBudget.enabled=true', '--set', 'networkPolicy.enabled=true']);
    const after = { agent: secretData('stance', 'stance-agent-tokens'), api: secretData('stance', 'stance-api-tokens'), tls: secretData('stance', 'stance-tls'), ca: secretData('stance', 'stance-ca') };
    expect(after.agent['cluster-agent-token']).toBe(before.agent['cluster-agent-token']);
    expect(after.agent['node-agent-token']).toBe(before.agent['node-agent-token']);
    expect(after.agent['prod-us.cluster-agent-token']).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
    expect(after.api).toEqual(before.api);
    expect(after.tls).toEqual(before.tls);
    expect(after.ca).toEqual(before.ca);
    expect(releaseObjects('stance')).toEqual(expect.arrayContaining(['PodDisruptionBudget stance-cluster-agent', 'NetworkPolicy stance-collector', 'NetworkPolicy stance-cluster-agent', 'NetworkPolicy stance-node-agent']));
    // Updated, not recreated.
    expect(api.get('StatefulSet', 'stance', 'stance-collector')!.metadata.uid).toBe(uid);
    const history = JSON.parse(await h(['history', 'stance', '--namespace', 'stance', '--output', 'json'])) as { revision: number; status: string }[];
    expect(history.map((r) => [r.revision, r.status])).toEqual([[1, 'superseded'], [2, 'deployed']]);

    // A new extra DNS name re-issues the server certificate from the same CA.
    await h(['upgrade', 'stance', CHART_DIR, '--namespace', 'stance', '--reuse-values', '--set', 'tls.extraDnsNames={stance.example.com}']);
    expect(secretData('stance', 'stance-ca')).toEqual(before.ca);
    expect(secretData('stance', 'stance-tls')['tls.crt']).not.toBe(before.tls['tls.crt']);
    expect(secretData('stance', 'stance-tls')['ca.crt']).toBe(before.tls['ca.crt']);
    // A certificate with less than a third of its validity left is renewed by the next upgrade, from the same CA.
    const renewed = secretData('stance', 'stance-tls')['tls.crt'];
    const soon = String(Math.floor(Date.now() / 1000) + 86_400);
    api.patch('Secret', 'stance', 'stance-tls', { metadata: { annotations: { 'stance.dev/not-after': soon } } });
    await h(['upgrade', 'stance', CHART_DIR, '--namespace', 'stance', '--reuse-values']);
    const tls = api.get('Secret', 'stance', 'stance-tls')!;
    expect((tls as KubeObject & { data: Record<string, string> }).data['tls.crt']).not.toBe(renewed);
    expect(Number(tls.metadata.annotations?.['stance.dev/not-after'])).toBeGreaterThan(Date.now() / 1000 + 800 * 86_400);
    expect(secretData('stance', 'stance-tls')['ca.crt']).toBe(before.tls['ca.crt']);
    // An upgrade that removes an option removes its objects.
    await h(['upgrade', 'stance', CHART_DIR, '--namespace', 'stance', '--reuse-values', '--set', 'networkPolicy.enabled=false']);
    expect(releaseObjects('stance').filter((o) => o.startsWith('NetworkPolicy'))).toEqual([]);
  });

  it('installs the agents only (multi-cluster): no collector and no generated Secret', async () => {
    await h([
      'install', 'remote', CHART_DIR, '--namespace', 'remote', '--create-namespace', '--set', 'clusterName=prod-us', '--set', 'collector.enabled=false',
      '--set', 'agents.collectorAddress=stance-grpc.example.com:7071', '--set', 'agents.tokenSecret=stance-agent-tokens', '--set', 'agents.caSecret=stance-collector-ca',
    ]);
    expect(releaseObjects('remote')).toEqual([
      'ClusterRole remote-stance-cluster-agent', 'ClusterRole remote-stance-node-agent',
      'ClusterRoleBinding remote-stance-cluster-agent', 'ClusterRoleBinding remote-stance-node-agent',
      'DaemonSet remote-stance-node-agent', 'Deployment remote-stance-cluster-agent',
      'ServiceAccount remote-stance-cluster-agent', 'ServiceAccount remote-stance-node-agent',
    ]);
    await h(['uninstall', 'remote', '--namespace', 'remote']);
    expect(releaseObjects('remote')).toEqual([]);
  });

  it('keeps the generated Secrets on uninstall when asked, and a reinstall adopts them with the same tokens and CA', async () => {
    const generated = ['kept-stance-agent-tokens', 'kept-stance-api-tokens', 'kept-stance-ca', 'kept-stance-tls'];
    await h(['install', 'kept', CHART_DIR, '--namespace', 'kept', '--create-namespace', '--set', 'keepGeneratedSecrets=true']);
    for (const name of generated) expect(api.get('Secret', 'kept', name)?.metadata.annotations?.['helm.sh/resource-policy'], name).toBe('keep');
    const before = Object.fromEntries(generated.map((name) => [name, secretData('kept', name)]));
    await h(['uninstall', 'kept', '--namespace', 'kept']);
    expect(releaseObjects('kept')).toEqual(generated.map((name) => `Secret ${name}`));
    await h(['install', 'kept', CHART_DIR, '--namespace', 'kept', '--set', 'keepGeneratedSecrets=true']);
    for (const name of generated) expect(secretData('kept', name), name).toEqual(before[name]);
    await h(['uninstall', 'kept', '--namespace', 'kept']);
    for (const name of generated) api.remove('Secret', 'kept', name);
    expect(releaseObjects('kept')).toEqual([]);
  });

  it('installs every option (CRD kinds included) beside it, then uninstalls both, leaving nothing', async () => {
    await h(['install', 'full', CHART_DIR, '--namespace', 'full', '--create-namespace', '-f', ALL_OPTIONS_VALUES]);
    const full = releaseObjects('full');
    for (const kind of ['ServiceMonitor', 'PrometheusRule', 'Certificate', 'Issuer', 'Ingress', 'NetworkPolicy', 'PodDisruptionBudget']) {
      expect(full.some((o) => o.startsWith(`${kind} `)), kind).toBe(true);
    }
    await h(['uninstall', 'full', '--namespace', 'full']);
    await h(['uninstall', 'stance', '--namespace', 'stance']);
    expect(releaseObjects('full')).toEqual([]);
    expect(releaseObjects('stance')).toEqual([]);
    expect(api.list('Secret', 'stance').filter((s) => s.metadata.name?.startsWith('sh.helm.release'))).toEqual([]);
    const listed = await runTool('helm', ['list', '--all-namespaces', '--output', 'json'], env);
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });
});
