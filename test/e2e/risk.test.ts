// Risk end to end: the demo cluster in the in-memory Kubernetes API, `stance agent` and
// `stance collector` as real processes. The collector lists the demo's full attack path
// (internet-facing LoadBalancer → analytics/report-api → its ServiceAccount →
// ClusterRoleBinding → ClusterRole reading every Secret), ranks the findings on attack
// paths first, and when a link changes through the Kubernetes API (the Service made
// ClusterIP, the binding deleted) the path disappears and the findings' risk drops within
// a second; restoring the links brings both back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type DemoStack } from '../src/harness/demo-stack.js';
import { getJson, waitFor } from '../src/harness/index.js';

interface Risk {
  score: number;
  factors: { id: string; description: string; weight: number }[];
}
interface Finding {
  id: string;
  controlId: string;
  severity: string;
  resource: { kind: string; namespace: string | null; name: string };
  risk: Risk | null;
}
interface AttackPath {
  id: string;
  impact: string;
  score: number;
  steps: { kind: string; namespace: string | null; name: string; relation: string }[];
  findings: { id: string; controlId: string; riskScore: number | null; resource: { kind: string; name: string } }[];
}

const SERVICE = '/api/v1/namespaces/analytics/services/report-api';
const BINDING = '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/report-api-secrets';
const ON_PATH = ['Service/report-api', 'Deployment/report-api', 'ServiceAccount/report-api', 'ClusterRoleBinding/report-api-secrets', 'ClusterRole/report-secrets-reader'];

let stack: DemoStack;
const rest = (method: string, path: string, body?: unknown) => stack.kube(method, path, body);

async function attackPaths(): Promise<AttackPath[]> {
  const { status, body } = await getJson<{ items: AttackPath[] }>(`${stack.collector.httpUrl}/api/v1/attack-paths?cluster=risk`);
  if (status !== 200) throw new Error(`attack-paths: ${status}`);
  return body.items;
}

const reportPath = async () => (await attackPaths()).find((p) => p.steps.some((s) => s.kind === 'Deployment' && s.name === 'report-api'));

async function findings(query: Record<string, string>): Promise<Finding[]> {
  const { status, body } = await getJson<{ items: Finding[] }>(`${stack.collector.httpUrl}/api/v1/findings?${new URLSearchParams({ cluster: 'risk', limit: '1000', ...query })}`);
  if (status !== 200) throw new Error(`findings: ${status}`);
  return body.items;
}

/** The open finding of a control on a resource (undefined when none). */
const finding = async (controlId: string, kind: string, name: string) =>
  (await findings({ control: controlId, kind })).find((f) => f.resource.name === name);

const factorIds = (f: Finding | undefined) => f?.risk?.factors.map((x) => x.id) ?? [];

/** Milliseconds from `act` until `done` holds, polled every 10 ms. */
async function timeUntil(what: string, act: () => Promise<unknown>, done: () => Promise<boolean>): Promise<number> {
  const t0 = performance.now();
  await act();
  await waitFor(what, async () => (await done()) || undefined, 10_000, 10);
  return performance.now() - t0;
}

beforeAll(async () => {
  stack = await startDemoStack('risk');
  await waitFor('the demo attack path', reportPath, 60_000, 100);
  // Scores follow the findings they belong to: wait until the path's findings are scored.
  await waitFor('the path findings scored', async () => (await finding('rbac.secrets-read', 'ClusterRoleBinding', 'report-api-secrets'))?.risk?.factors.some((f) => f.id === 'attack-path'), 10_000, 50);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('risk from a live cluster', () => {
  it('lists the demo\'s full attack path with its steps, impact, score and findings', async () => {
    const path = (await reportPath())!;
    expect(path.steps.map((s) => `${s.relation}:${s.kind}/${s.name}`)).toEqual([
      'load-balancer:Service/report-api',
      'selects:Deployment/report-api',
      'runs-as:ServiceAccount/report-api',
      'bound-by:ClusterRoleBinding/report-api-secrets',
      'grants:ClusterRole/report-secrets-reader',
    ]);
    expect(path).toMatchObject({ impact: 'secrets', score: 80 });
    expect(path.findings.map((f) => `${f.controlId} ${f.resource.kind}/${f.resource.name}`)).toContain('rbac.secrets-read ClusterRoleBinding/report-api-secrets');
    for (const f of path.findings) expect(ON_PATH).toContain(`${f.resource.kind}/${f.resource.name}`);
    // Highest scored first.
    const scores = (await attackPaths()).map((p) => p.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('?sort=risk puts the findings on attack paths first, the report-api path\'s above their severity elsewhere', async () => {
    const ranked = await findings({ sort: 'risk' });
    expect(ranked.every((f) => f.risk !== null)).toBe(true);
    const scores = ranked.map((f) => f.risk!.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // The findings on the highest scored path lead (the demo's legacy/billing, reached through an Ingress).
    const paths = await attackPaths();
    const onTopPaths = paths.filter((p) => p.score === paths[0]!.score).flatMap((p) => p.steps.map((s) => `${s.kind}/${s.name}`));
    expect(onTopPaths).toContain(`${ranked[0]!.resource.kind}/${ranked[0]!.resource.name}`);
    // Ties keep no particular order (the newest first): every finding of the top score is on a path.
    const top = ranked.filter((f) => f.risk!.score === ranked[0]!.risk!.score);
    expect(top.length).toBeGreaterThanOrEqual(2);
    for (const f of top) expect(factorIds(f)).toContain('attack-path');
    const position = (controlId: string, name: string) => ranked.findIndex((f) => f.controlId === controlId && f.resource.name === name);
    // The same control: the binding on the path before the CI deployer's (reads Secrets, reached by nobody).
    expect(position('rbac.secrets-read', 'report-api-secrets')).toBeGreaterThanOrEqual(0);
    expect(position('rbac.secrets-read', 'report-api-secrets')).toBeLessThan(position('rbac.secrets-read', 'ci-deployer'));
    const onPath = ranked.filter((f) => ON_PATH.includes(`${f.resource.kind}/${f.resource.name}`));
    const elsewhere = ranked.filter((f) => !ON_PATH.includes(`${f.resource.kind}/${f.resource.name}`) && !factorIds(f).includes('attack-path'));
    // Every finding on the path outranks every finding of its severity on no path at all.
    for (const f of onPath) {
      const sameSeverity = elsewhere.filter((e) => e.severity === f.severity);
      if (sameSeverity.length) expect(f.risk!.score).toBeGreaterThan(Math.max(...sameSeverity.map((e) => e.risk!.score)));
    }
  });

  it('a link changed through the Kubernetes API moves the path and the risk within a second, and back', async () => {
    const bindingFinding = () => finding('rbac.secrets-read', 'ClusterRoleBinding', 'report-api-secrets');
    const workloadFinding = () => finding('net.pod-not-isolated', 'Deployment', 'report-api');
    const before = { binding: (await bindingFinding())!.risk!, workload: (await workloadFinding())!.risk!, path: (await reportPath())! };
    expect(factorIds(await workloadFinding())).toEqual(expect.arrayContaining(['exposed', 'attack-path', 'reaches-secrets']));
    const service = await rest('GET', SERVICE);
    const spec = service.spec as Record<string, unknown>;

    // The Service becomes ClusterIP: no way in, no path; the findings lose exposure and path.
    const closeMs = await timeUntil(
      'the path to go and the risk to drop',
      () => rest('PUT', SERVICE, { ...service, spec: { ...spec, type: 'ClusterIP' } }),
      async () => !(await reportPath()) && ((await bindingFinding())?.risk?.score ?? 100) < before.binding.score && !factorIds(await workloadFinding()).includes('exposed'),
    );
    expect(factorIds(await workloadFinding())).toContain('reaches-secrets');

    // The binding is deleted: its finding resolves, the token no longer reads Secrets.
    const binding = await rest('GET', BINDING);
    const unbindMs = await timeUntil(
      'the Secrets to be out of reach',
      () => rest('DELETE', BINDING),
      async () => !factorIds(await workloadFinding()).includes('reaches-secrets') && (await bindingFinding()) === undefined,
    );
    expect((await workloadFinding())!.risk!.score).toBeLessThan(before.workload.score);

    // And back: the binding, then the LoadBalancer; the same path and risk as before.
    const { resourceVersion: _rv, uid: _uid, ...meta } = binding.metadata as Record<string, unknown>;
    const rebindMs = await timeUntil(
      'the Secrets to be in reach again',
      () => rest('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', { ...binding, metadata: meta }),
      async () => factorIds(await workloadFinding()).includes('reaches-secrets'),
    );
    const current = await rest('GET', SERVICE);
    const reopenMs = await timeUntil(
      'the path to come back',
      () => rest('PUT', SERVICE, { ...current, spec: { ...(current.spec as object), type: 'LoadBalancer' } }),
      async () => (await reportPath())?.id === before.path.id && (await workloadFinding())?.risk?.score === before.workload.score,
    );
    expect((await reportPath())!.score).toBe(before.path.score);
    await waitFor('the binding finding scored again', async () => (await bindingFinding())?.risk?.score === before.binding.score, 5_000, 10);
    expect((await bindingFinding())!.risk).toEqual(before.binding);

    console.log(`link change → risk: ClusterIP ${closeMs.toFixed(0)} ms, unbind ${unbindMs.toFixed(0)} ms, rebind ${rebindMs.toFixed(0)} ms, LoadBalancer ${reopenMs.toFixed(0)} ms`);
    for (const ms of [closeMs, unbindMs, rebindMs, reopenMs]) expect(ms).toBeLessThan(1000);
  });
});
