// /metrics of a live collector in Prometheus naming, linted by the real promtool, and the
// alert rules (helm/stance/files/prometheus-rules.yaml) checked and unit-tested with
// `promtool test rules`; every metric the rules name is one the collector serves.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CLUSTER_DIR, TestApiServer } from '@stance/dev-cluster';
import { getJson, REPO_ROOT, runStance, shellDeployment, startCollector, waitFor, type CollectorProcess, type StanceProcess } from '../src/harness/index.js';

const PROMTOOL = '/usr/bin/promtool';
const RULES = join(REPO_ROOT, 'helm/stance/files/prometheus-rules.yaml');
const RULE_TESTS = join(REPO_ROOT, 'test/prometheus/prometheus-rules.test.yaml');
/** Every label a Stance metric may carry: none names a resource. */
const BOUNDED_LABELS = new Set(['cluster', 'namespace', 'severity', 'control', 'framework', 'scope', 'mode', 'status', 'transition', 'signal', 'sink', 'le']);

let api: TestApiServer;
let collector: CollectorProcess;
let agent: StanceProcess;
let exposition = '';

function promtool(args: string[], input?: string) {
  const r = spawnSync(PROMTOOL, args, { input, encoding: 'utf8', cwd: REPO_ROOT });
  return { code: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

/** name → label sets of the samples of `stance_*` metrics. */
function samples(text: string): Map<string, Record<string, string>[]> {
  const out = new Map<string, Record<string, string>[]>();
  for (const line of text.split('\n')) {
    const m = /^(stance_[a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1]!.startsWith('stance_collector_')) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    out.set(m[1]!, [...(out.get(m[1]!) ?? []), labels]);
  }
  return out;
}

beforeAll(async () => {
  if (!existsSync(PROMTOOL)) throw new Error(`${PROMTOOL} is missing: apt-get install -y prometheus (scripts/bootstrap.sh test does)`);
  const dir = mkdtempSync(join(tmpdir(), 'stance-metrics-'));
  api = new TestApiServer();
  await api.loadDir(DEMO_CLUSTER_DIR);
  await api.start();
  api.writeKubeconfig(join(dir, 'kubeconfig.yaml'));
  collector = await startCollector(['--data', join(dir, 'data')]);
  agent = runStance('agent', ['agent', '--collector', collector.grpcAddress, '--kubeconfig', join(dir, 'kubeconfig.yaml'), '--cluster-name', 'metrics']);
  await waitFor('the sample cluster evaluated', async () => (await getJson<{ items: unknown[] }>(`${collector.httpUrl}/api/v1/findings?control=pod.privileged`)).body.items.length > 0, 60_000, 100);
  // A change after the sync: its finding is timed (the latency histogram).
  const res = await fetch(`${api.url}/apis/apps/v1/namespaces/shop/deployments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(shellDeployment('metrics-shell', 'shop', true)) });
  expect(res.status).toBe(201);
  exposition = await waitFor('a timed finding on /metrics', async () => {
    const text = await (await fetch(`${collector.httpUrl}/metrics`)).text();
    const timed = /^stance_finding_latency_seconds_count\{cluster="[^"]+"\} [1-9]/m.test(text);
    return timed && /^stance_findings_open\{[^}]*namespace="shop",severity="critical",control="pod.privileged"\} 1$/m.test(text) ? text : undefined;
  }, 10_000, 50);
}, 120_000);

afterAll(async () => {
  await agent?.kill();
  await collector?.kill();
  await api?.stop();
});

describe('Prometheus /metrics', () => {
  it('passes promtool check metrics', () => {
    const r = promtool(['check', 'metrics'], exposition);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });

  it('serves the findings, posture, agent, ingest and export figures', () => {
    const s = samples(exposition);
    const cluster = api.clusterUid();
    expect(s.get('stance_findings_open')).toContainEqual({ cluster, namespace: 'shop', severity: 'critical', control: 'pod.privileged' });
    expect(s.get('stance_findings')).toContainEqual({ cluster, status: 'open' });
    expect(s.get('stance_posture_score')).toEqual(expect.arrayContaining([{ cluster, scope: 'cluster' }, { cluster, scope: 'namespace', namespace: 'shop' }, { cluster, scope: 'framework', framework: 'cis-kubernetes' }]));
    expect(s.get('stance_finding_transitions_total')).toContainEqual({ cluster, transition: 'opened', severity: 'critical' });
    expect(s.get('stance_finding_latency_seconds_bucket')).toContainEqual({ cluster, le: '1' });
    expect(s.get('stance_agents')).toContainEqual({ cluster, mode: 'cluster', status: 'connected' });
    expect(exposition).toMatch(new RegExp(`^stance_agents_connected\\{cluster="${cluster}",mode="cluster"\\} 1$`, 'm'));
    for (const name of ['stance_agent_heartbeat_age_seconds', 'stance_agent_lag_seconds', 'stance_agent_buffered_messages', 'stance_ingest_messages_total', 'stance_ingest_queue_depth', 'stance_findings_backlog']) {
      expect(s.has(name), name).toBe(true);
    }
    expect(s.get('stance_feed_dropped_total')).toEqual(expect.arrayContaining([{ sink: 'metrics' }, { sink: 'dashboard' }]));
    // No OTLP endpoint configured: the export counters exist, at zero.
    expect(exposition).toMatch(/^stance_otlp_exported_total\{signal="logs"\} 0$/m);
  });

  it('keeps cardinality bounded: no label names a resource', () => {
    for (const [name, sets] of samples(exposition)) {
      for (const labels of sets) expect(Object.keys(labels).filter((k) => !BOUNDED_LABELS.has(k)), name).toEqual([]);
    }
  });
});

describe('alert rules', () => {
  it('pass promtool check rules and their unit tests', () => {
    const check = promtool(['check', 'rules', RULES]);
    expect(check.code, check.out).toBe(0);
    const test = promtool(['test', 'rules', RULE_TESTS]);
    expect(test.code, test.out).toBe(0);
    expect(test.out).toMatch(/SUCCESS/);
  });

  it('name only metrics the collector serves', () => {
    const doc = parseYaml(readFileSync(RULES, 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const alerts = doc.groups.flatMap((g) => g.rules.map((r) => r.alert));
    expect(alerts).toEqual(
      expect.arrayContaining(['StanceNewCriticalFinding', 'StancePostureScoreDrop', 'StanceClusterAgentDisconnected', 'StanceAgentStale', 'StanceOtlpExportFailing', 'StanceIngestLag']),
    );
    const served = new Set(samples(exposition).keys());
    for (const name of doc.groups.flatMap((g) => g.rules.flatMap((r) => r.expr.match(/stance_[a-z_]+/g) ?? []))) expect(served.has(name), name).toBe(true);
  });
});
