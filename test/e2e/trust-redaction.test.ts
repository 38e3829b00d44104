// No credential values at rest or in answers. A unique credential is planted in a ConfigMap
// and in a container env var (with kubectl's last-applied copy of both), changed, then
// removed, through the real Kubernetes client path; the SQLite file, its WAL and every API
// answer are searched for each value, and the findings still open, change and resolve, with
// the change visible in history as redaction markers. The data folder is private (0700/0600).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApiServer } from '@stance/dev-cluster';
import type { KubeObject } from '@stance/shared/model/index';
import { allResources, getJson, runStance, startCollector, waitFor, type CollectorProcess, type StanceProcess } from '../src/harness/index.js';

const CREDS = [`Pw-${randomUUID()}`, `Pw-${randomUUID()}`];
const forms = (v: string) => [v, Buffer.from(v).toString('base64'), JSON.stringify(v).slice(1, -1)];

let dir: string;
let api: TestApiServer;
let collector: CollectorProcess;
let agent: StanceProcess;

interface Finding {
  id: string;
  controlId: string;
  status: string;
  resource: { kind: string; name: string };
}

function withLastApplied(o: KubeObject): KubeObject {
  return { ...o, metadata: { ...o.metadata, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(o) } } };
}

const configMap = (cred: string) => withLastApplied({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'billing', namespace: 'default' }, data: { DB_PASSWORD: cred, LOG_LEVEL: 'info' } });

function deployment(cred: string | undefined): KubeObject {
  const env = [{ name: 'MODE', value: 'production' }, ...(cred ? [{ name: 'API_TOKEN', value: cred }] : [])];
  return withLastApplied({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'billing', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'billing' } },
      template: { metadata: { labels: { app: 'billing' } }, spec: { containers: [{ name: 'app', image: 'registry.example.com/billing:1.0', args: ['--serve'], env }] } },
    },
  });
}

async function apply(o: KubeObject): Promise<void> {
  const base = o.kind === 'ConfigMap' ? '/api/v1/namespaces/default/configmaps' : '/apis/apps/v1/namespaces/default/deployments';
  const existing = await fetch(`${api.url}${base}/${o.metadata.name}`);
  const body = existing.ok ? { ...o, metadata: { ...o.metadata, resourceVersion: ((await existing.json()) as KubeObject).metadata.resourceVersion } } : o;
  const res = await fetch(existing.ok ? `${api.url}${base}/${o.metadata.name}` : `${api.url}${base}`, {
    method: existing.ok ? 'PUT' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${o.kind}: ${res.status} ${await res.text()}`);
}

const findings = async (status = 'open') => (await getJson<{ items: Finding[] }>(`${collector.httpUrl}/api/v1/findings?status=${status}&namespace=default&limit=500`)).body.items;
const openIds = async () => new Set((await findings()).filter((f) => f.resource.name === 'billing').map((f) => f.controlId));
/** The object the collector stores, once it reached the given resourceVersion. */
async function stored(kind: string, rv: string): Promise<KubeObject> {
  return waitFor(`${kind} at ${rv}`, async () => (await allResources(collector.httpUrl, { kind, namespace: 'default' })).find((r) => r.name === 'billing' && r.resourceVersion === rv)?.object as KubeObject | undefined, 10_000, 20);
}
const rvOf = (kind: string) => api.list(kind).find((o) => o.metadata.name === 'billing')!.metadata.resourceVersion!;

/** Every answer of the API a user (or an attacker with a read token) could ask for. */
async function everyAnswer(): Promise<string[]> {
  const urls = ['/api/v1/clusters', '/api/v1/controls', '/api/v1/exceptions', '/metrics', '/openapi.json', '/api/v1/resources?limit=1000'];
  const out: string[] = [];
  for (const u of urls) out.push(await (await fetch(`${collector.httpUrl}${u}`)).text());
  const clusters = JSON.parse(out[0]!) as { items: { id: string }[] };
  for (const c of clusters.items) {
    out.push(await (await fetch(`${collector.httpUrl}/api/v1/clusters/${c.id}/posture`)).text());
    out.push(await (await fetch(`${collector.httpUrl}/api/v1/frameworks/cis-kubernetes/report?cluster=${c.id}`)).text());
  }
  for (const status of ['open', 'resolved', 'excepted']) {
    const page = await (await fetch(`${collector.httpUrl}/api/v1/findings?status=${status}&limit=500`)).text();
    out.push(page);
    for (const f of (JSON.parse(page) as { items: { id: string }[] }).items) out.push(await (await fetch(`${collector.httpUrl}/api/v1/findings/${f.id}`)).text());
  }
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stance-redaction-'));
  api = new TestApiServer();
  api.generate(30, { namespaces: 2, seed: 3 });
  await api.start();
  api.writeKubeconfig(join(dir, 'kubeconfig.yaml'));
  collector = await startCollector(['--data', join(dir, 'data')]);
  agent = runStance('agent', ['agent', '--collector', collector.grpcAddress, '--kubeconfig', join(dir, 'kubeconfig.yaml'), '--cluster-name', 'redaction']);
  await waitFor('the cluster synced', async () => (await allResources(collector.httpUrl)).length >= 30, 60_000, 100);
}, 120_000);

afterAll(async () => {
  await agent?.kill();
  await collector?.kill();
  await api?.stop();
});

describe('credential values never at rest or in answers', () => {
  const markers: string[] = [];

  it('stores redaction markers instead of the values, and the controls still fail on them', async () => {
    await apply(configMap(CREDS[0]!));
    await apply(deployment(CREDS[0]!));
    const cm = await stored('ConfigMap', rvOf('ConfigMap'));
    const d = await stored('Deployment', rvOf('Deployment'));
    const data = cm.data as Record<string, string>;
    expect(data.DB_PASSWORD).toMatch(new RegExp(`^<redacted by stance: ${CREDS[0]!.length} chars, hash [0-9a-f]{8}, its name suggests a credential>$`));
    expect(data.LOG_LEVEL).toBe('info');
    const env = (d.spec as { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } }).template.spec.containers[0]!.env;
    expect(env.find((e) => e.name === 'MODE')?.value).toBe('production');
    markers.push(env.find((e) => e.name === 'API_TOKEN')!.value);
    expect(markers[0]).toMatch(/^<redacted by stance: /);
    await waitFor('both credential findings open', async () => {
      const ids = await openIds();
      return ids.has('config.sensitive-configmap') && ids.has('pod.secret-in-env');
    });
  });

  it('shows a change of the value as a change of its marker, and resolves when it is gone', async () => {
    await apply(configMap(CREDS[1]!));
    await apply(deployment(CREDS[1]!));
    const d = await stored('Deployment', rvOf('Deployment'));
    markers.push((d.spec as { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } }).template.spec.containers[0]!.env.find((e) => e.name === 'API_TOKEN')!.value);
    expect(markers[1]).not.toBe(markers[0]); // same length, another hash
    await apply(deployment(undefined));
    await waitFor('the env finding resolved', async () => !(await openIds()).has('pod.secret-in-env'));
    const resolved = (await findings('resolved')).find((f) => f.controlId === 'pod.secret-in-env' && f.resource.name === 'billing')!;
    const detail = await (await fetch(`${collector.httpUrl}/api/v1/findings/${resolved.id}`)).text();
    expect(detail).toContain(JSON.stringify(markers[1]).slice(1, -1)); // "from" of the resolving change
  });

  it('finds no value in the SQLite file, its WAL or any API answer', async () => {
    const dataDir = join(dir, 'data');
    const files = readdirSync(dataDir);
    expect(files).toEqual(expect.arrayContaining(['stance.sqlite', 'stance.sqlite-wal']));
    const answers = await everyAnswer();
    expect(answers.join('').length).toBeGreaterThan(10_000);
    for (const cred of CREDS) {
      for (const form of forms(cred)) {
        for (const f of files) expect(readFileSync(join(dataDir, f)).includes(form), `${f} holds ${form}`).toBe(false);
        for (const a of answers) expect(a.includes(form)).toBe(false);
        expect(collector.stderrText.join('\n').includes(form)).toBe(false);
      }
    }
  });

  it('keeps the data folder private: 0700, database files 0600', () => {
    const dataDir = join(dir, 'data');
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(dataDir)) expect((statSync(join(dataDir, f)).mode & 0o777).toString(8), f).toBe('600');
  });
});
