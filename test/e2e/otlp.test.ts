// Findings into the user's observability stack over OTLP, end to end: a real OTLP/HTTP
// receiver (protobuf decoded with the upstream opentelemetry-proto definitions; once more
// with http/json, and once over gRPC), the real collector and cluster agent, and a privileged Deployment
// applied through @kubernetes/client-node against the test API server. Each transition is
// one log record with the semantic-convention attributes; metrics arrive too.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApiServer } from '@stance/dev-cluster';
import { getJson, REPO_ROOT, runStance, shellDeployment, startCollector, waitFor, type CollectorProcess, type StanceProcess } from '../src/harness/index.js';
import { OtlpReceiver, type ReceivedLog } from '../src/harness/otlp-receiver.js';

const NS = 'shop';
const NAME = 'root-shell';
const CLUSTER_NAME = 'otlp-e2e';

interface ApiFinding {
  id: string;
  message: string;
  resource: { uid: string };
}

const CONTENT_TYPE = { 'http/protobuf': 'application/x-protobuf', 'http/json': 'application/json', grpc: 'application/grpc' } as const;

describe.each(['http/protobuf', 'http/json', 'grpc'] as const)('OTLP export over %s', (protocol) => {
  let api: TestApiServer;
  let receiver: OtlpReceiver;
  let collector: CollectorProcess;
  let agent: StanceProcess;
  let apps: AppsV1Api;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stance-otlp-'));
    receiver = await new OtlpReceiver().start();
    if (protocol === 'grpc') await receiver.startGrpc();
    api = new TestApiServer();
    api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    await api.start();
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    api.writeKubeconfig(kubeconfig);
    collector = await startCollector(['--data', join(dir, 'data')], {
      OTEL_EXPORTER_OTLP_ENDPOINT: protocol === 'grpc' ? receiver.grpcUrl : receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=e2e%20tenant',
      OTEL_METRIC_EXPORT_INTERVAL: '500',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=e2e,team=platform%20security',
    });
    agent = runStance('agent', ['agent', '--collector', collector.grpcAddress, '--kubeconfig', kubeconfig, '--cluster-name', CLUSTER_NAME]);
    await waitFor('the agent to be connected', async () => (await getJson<{ items: unknown[] }>(`${collector.httpUrl}/api/v1/clusters`)).body.items.length > 0, 60_000, 100);
    await collector.waitForLog('findings reconciled with stored state', 30_000);
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    apps = kc.makeApiClient(AppsV1Api);
  }, 120_000);

  afterAll(async () => {
    await agent?.kill();
    await collector?.kill();
    await api?.stop();
    await receiver?.stop();
  });

  const recordOf = (eventName: string, after = 0) => () =>
    receiver.logs.slice(after).find((l) => l.eventName === eventName && l.attributes['k8s.deployment.name'] === NAME && l.attributes['security_rule.uuid'] === 'pod.privileged');

  async function privileged(on: boolean): Promise<V1Deployment> {
    const body = shellDeployment(NAME, NS, on) as V1Deployment;
    try {
      const current = await apps.readNamespacedDeployment({ namespace: NS, name: NAME });
      return await apps.replaceNamespacedDeployment({ namespace: NS, name: NAME, body: { ...body, metadata: current.metadata } });
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
      return apps.createNamespacedDeployment({ namespace: NS, body });
    }
  }

  it('exports an opened record with the semantic-convention attributes within a second', async () => {
    const t0 = performance.now();
    const created = await privileged(true);
    const opened = await waitFor('an opened log record', recordOf('stance.finding.opened'), 10_000, 5);
    const ms = performance.now() - t0;
    console.log(`[${protocol}] change → OTLP opened record after ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(1000);

    const finding = (await getJson<{ items: ApiFinding[] }>(`${collector.httpUrl}/api/v1/findings?control=pod.privileged&namespace=${NS}`)).body.items.find((f) => f.resource.uid === created.metadata!.uid)!;
    expect(opened).toMatchObject<Partial<ReceivedLog>>({
      contentType: CONTENT_TYPE[protocol],
      severityNumber: 21, // FATAL: critical
      severityText: 'critical',
      body: finding.message,
    });
    expect(opened.attributes).toMatchObject({
      'security_rule.uuid': 'pod.privileged',
      'security_rule.name': expect.stringMatching(/privileged/i),
      'security_rule.category': expect.any(String),
      'security_rule.reference': 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
      'security_rule.ruleset.name': 'stance',
      'k8s.cluster.uid': api.clusterUid(),
      'k8s.cluster.name': CLUSTER_NAME,
      'k8s.namespace.name': NS,
      'k8s.deployment.name': NAME,
      'k8s.deployment.uid': created.metadata!.uid,
      'stance.finding.id': finding.id,
      'stance.finding.status': 'open',
      'stance.finding.transition': 'opened',
      'stance.severity': 'critical',
      'stance.evidence': ['spec.template.spec.containers[0].securityContext.privileged'],
      'stance.cause.paths': ['spec.template.spec.containers[0].securityContext.privileged'],
      'stance.remediation': expect.any(String),
      'stance.remediation.kubectl_patch': expect.stringMatching(/^kubectl patch deployment root-shell -n shop /),
    });
    expect(opened.attributes['stance.frameworks']).toEqual(expect.arrayContaining(['pss-baseline:privileged', 'cis-kubernetes:5.2.2']));
    expect(opened.resource).toMatchObject({ 'service.name': 'stance-collector', 'service.version': expect.any(String), 'deployment.environment.name': 'e2e', team: 'platform security' });
    expect(opened.scope).toBe('stance-collector');
  });

  it('exports resolved when the Deployment is fixed, reopened, excepted and unexcepted', async () => {
    let mark = receiver.logs.length;
    await privileged(false);
    const resolved = await waitFor('a resolved log record', recordOf('stance.finding.resolved', mark), 10_000, 10);
    expect(resolved.attributes).toMatchObject({ 'stance.finding.status': 'resolved', 'stance.finding.previous_status': 'open' });
    expect(resolved.attributes['stance.remediation.kubectl_patch']).toBeUndefined();

    mark = receiver.logs.length;
    await privileged(true);
    await waitFor('a reopened log record', recordOf('stance.finding.reopened', mark), 10_000, 10);

    mark = receiver.logs.length;
    const res = await fetch(`${collector.httpUrl}/api/v1/exceptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ controlId: 'pod.privileged', namespace: NS, name: NAME, reason: 'break-glass shell, tracked in SEC-7' }),
    });
    expect(res.status).toBe(201);
    const exception = (await res.json()) as { id: string };
    const excepted = await waitFor('an excepted log record', recordOf('stance.finding.excepted', mark), 10_000, 10);
    expect(excepted.attributes).toMatchObject({ 'stance.finding.status': 'excepted', 'stance.exception.reason': expect.stringContaining('SEC-7') });
    expect(excepted.severityNumber).toBe(21);

    mark = receiver.logs.length;
    expect((await fetch(`${collector.httpUrl}/api/v1/exceptions/${exception.id}?reason=${encodeURIComponent('shell removed in SEC-8')}`, { method: 'DELETE' })).status).toBe(204);
    await waitFor('an unexcepted log record', recordOf('stance.finding.unexcepted', mark), 10_000, 10);
  });

  it('exports the metrics: open findings, posture, transitions, latency, agents, ingest', async () => {
    const latest = (name: string) => receiver.metrics.filter((m) => m.name === name).at(-1);
    const open = await waitFor('stance.findings.open with our finding', () => {
      const m = latest('stance.findings.open');
      return m?.points.some((p) => p.attributes['security_rule.uuid'] === 'pod.privileged' && p.attributes['k8s.namespace.name'] === NS) ? m : undefined;
    }, 10_000, 50);
    expect(open.kind).toBe('gauge');
    expect(open.points[0]!.attributes).toEqual({ 'k8s.cluster.uid': api.clusterUid(), 'k8s.namespace.name': expect.any(String), 'stance.severity': expect.any(String), 'security_rule.uuid': expect.any(String) });
    expect(open.resource['service.name']).toBe('stance-collector');

    const transitions = latest('stance.finding.transitions')!;
    expect(transitions.kind).toBe('sum');
    const opened = transitions.points.find((p) => p.attributes['stance.finding.transition'] === 'opened' && p.attributes['stance.severity'] === 'critical');
    expect(opened?.value).toBeGreaterThanOrEqual(1);
    for (const t of ['resolved', 'reopened', 'excepted']) expect(transitions.points.some((p) => p.attributes['stance.finding.transition'] === t)).toBe(true);

    const latency = await waitFor('the latency histogram', () => latest('stance.finding.latency'), 10_000, 50);
    expect(latency).toMatchObject({ kind: 'histogram', unit: 's' });
    expect(latency.points[0]!.count).toBeGreaterThanOrEqual(1);

    const score = latest('stance.posture.score')!;
    expect(score.points.find((p) => p.attributes['stance.posture.scope'] === 'cluster')?.value).toBeGreaterThan(0);
    expect(score.points.some((p) => p.attributes['stance.posture.scope'] === 'framework' && p.attributes['stance.framework'] === 'pss-baseline')).toBe(true);
    expect(latest('stance.agents.connected')?.points).toContainEqual({ attributes: { 'k8s.cluster.uid': api.clusterUid(), 'stance.agent.mode': 'cluster' }, value: 1 });
    expect(latest('stance.ingest.messages')!.points[0]!.value).toBeGreaterThan(0);
    expect(latest('stance.agent.heartbeat.age')).toBeDefined();
    // Bounded cardinality: no metric is keyed by a resource.
    for (const m of receiver.metrics) for (const p of m.points) expect(Object.keys(p.attributes).filter((k) => /\.(name|uid)$/.test(k) && !k.startsWith('k8s.cluster') && k !== 'k8s.namespace.name')).toEqual([]);
  });

  it('sends the configured headers, and logs where it exports without their values', () => {
    expect(receiver.requests.length).toBeGreaterThan(0);
    for (const r of receiver.requests) expect(r).toMatchObject({ status: 200, contentType: CONTENT_TYPE[protocol], headers: { 'x-tenant': 'e2e tenant' } });
    const line = collector.logs.find((l) => l.msg === 'exporting findings and metrics over OTLP')!;
    const base = protocol === 'grpc' ? `${receiver.grpcUrl}/` : receiver.url;
    expect(line).toMatchObject({ logs: { protocol, headers: ['x-tenant'] }, metrics: { protocol } });
    expect([line.logs, line.metrics].map((s) => (s as { url: string }).url)).toEqual(protocol === 'grpc' ? [base, base] : [`${base}/v1/logs`, `${base}/v1/metrics`]);
    expect(JSON.stringify(collector.logs)).not.toContain('e2e tenant');
  });
});

// The image runs the esbuild bundle, which loads the exporter packages differently (a
// CommonJS module imported dynamically): each protocol must start and export there too.
describe('OTLP export from the bundle (what the image runs)', () => {
  beforeAll(() => {
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--quiet'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }, 120_000);

  it.each(['http/protobuf', 'http/json', 'grpc'] as const)('exports over %s', async (protocol) => {
    const receiver = await new OtlpReceiver().start();
    if (protocol === 'grpc') await receiver.startGrpc();
    const dir = mkdtempSync(join(tmpdir(), 'stance-otlp-bundle-'));
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: protocol === 'grpc' ? receiver.grpcUrl : receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_METRIC_EXPORT_INTERVAL: '300' };
    const built = await startCollector(['--data', join(dir, 'data')], env, { built: true });
    try {
      await waitFor('a metric export', () => receiver.metrics.some((m) => m.name === 'stance.ingest.messages') || undefined, 15_000, 50);
      expect(built.logs.some((l) => l.msg === 'exporting findings and metrics over OTLP')).toBe(true);
    } finally {
      expect((await built.kill()).code).toBe(0);
      await receiver.stop();
    }
  });
});
