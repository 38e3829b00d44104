// Client certificates as agent credentials, with real processes: the collector requires
// certificates signed by --tls-client-ca; a certificate's CN names the one cluster it serves
// ("alpha" for the cluster agent, "node:alpha" for node agents). A peer without a certificate
// never completes the handshake; a certificate for alpha cannot register as beta.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApiServer } from '@stance/dev-cluster';
import { allResources, getJson, makePki, rawStream, runStance, startCollector, waitFor, type CollectorProcess, type StanceProcess, type TestPki } from '../src/harness/index.js';

const UID = randomUUID();
let dir: string;
let pki: TestPki;
let api: TestApiServer;
let kubeconfig: string;
let collector: CollectorProcess;
const procs: StanceProcess[] = [];

function agent(name: string, cert: { cert: string; key: string }, clusterName: string): StanceProcess {
  const args = ['agent', '--collector', collector.grpcAddress, '--tls-ca', pki.ca, '--tls-cert', cert.cert, '--tls-key', cert.key];
  const p = runStance(name, [...args, '--agent-id', name, '--kubeconfig', kubeconfig, '--cluster-name', clusterName]);
  procs.push(p);
  return p;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stance-trust-mtls-'));
  pki = makePki(dir);
  api = new TestApiServer({ clusterUid: UID });
  api.generate(30, { namespaces: 2, seed: 30 });
  await api.start();
  kubeconfig = join(dir, 'kubeconfig.yaml');
  api.writeKubeconfig(kubeconfig);
  collector = await startCollector(['--data', join(dir, 'data'), '--tls-cert', pki.serverCert, '--tls-key', pki.serverKey, '--tls-client-ca', pki.ca]);
}, 60_000);

afterAll(async () => {
  for (const p of procs) await p.kill();
  await collector?.kill();
  await api?.stop();
});

describe('client certificates (mTLS)', () => {
  it('says so at start', () => {
    expect(collector.logs.find((l) => l.msg === 'collector listening')).toMatchObject({ tls: true, mtls: true });
  });

  it('lets an agent whose certificate names its cluster sync it, bound to that cluster', async () => {
    agent('alpha-agent', pki.client('alpha'), 'alpha');
    await waitFor('alpha synced', async () => (await allResources(collector.httpUrl, { cluster: UID })).length >= 30, 60_000, 200);
    const { body } = await getJson<{ items: { id: string; name: string; grant: { name: string; wildcard: boolean } }[] }>(`${collector.httpUrl}/api/v1/clusters`);
    expect(body.items.find((c) => c.id === UID)).toMatchObject({ name: 'alpha', grant: { name: 'alpha', wildcard: false } }); // bindings belong to the cluster a grant names
  });

  it("refuses alpha's certificate for another cluster name, and a node certificate in cluster mode", async () => {
    agent('posing-as-beta', pki.client('alpha'), 'beta');
    const asBeta = await collector.waitForLog('agent refused', 30_000, (l) => l.agentId === 'posing-as-beta');
    expect(String(asBeta.reason)).toMatch(/grant "cert:alpha" is for cluster "alpha", not "beta"/);
    agent('node-cert', pki.client('node:alpha'), 'alpha');
    const nodeCert = await collector.waitForLog('agent refused', 30_000, (l) => l.agentId === 'node-cert');
    expect(String(nodeCert.reason)).toMatch(/cluster/);
  });

  it('never completes a stream for a peer without a client certificate', async () => {
    const s = rawStream({ address: collector.grpcAddress, ca: pki.ca });
    s.hello({ clusterId: UID, clusterName: 'alpha', agentId: 'no-certificate' });
    const end = await s.ended;
    expect(end.code).toBe(14); // UNAVAILABLE: the TLS handshake fails
    expect(collector.logs.some((l) => l.agentId === 'no-certificate')).toBe(false);
  });
});
