// The risk API through hono's app.request(), over the collector's risk path on a real
// SQLite file (risk/testing/risk-harness.ts): findings riskiest first with their risk, and
// attack paths with their steps and the findings on them; both described in /openapi.json.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binding, deployment, role, sa, SECRETS_READER, service } from '@stance/shared/risk/testing/fixtures';
import { RiskTestCollector } from '../../risk/testing/risk-harness.js';
import { createHttpApp } from '../app.js';

const dir = mkdtempSync(join(tmpdir(), 'stance-risk-api-'));
let c: RiskTestCollector;
let app: ReturnType<typeof createHttpApp>;

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await app.request(path);
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  c = new RiskTestCollector(join(dir, 'stance.sqlite'));
  const reporter = deployment('report', 'analytics', { serviceAccountName: 'report' });
  await c.send(
    c.upsert(reporter),
    c.upsert(service('report', 'analytics', { app: 'report' }, { type: 'LoadBalancer' })),
    c.upsert(role('secrets-reader', undefined, SECRETS_READER)),
    c.upsert(binding('report-secrets', undefined, { kind: 'ClusterRole', name: 'secrets-reader' }, [sa('report', 'analytics')])),
    c.upsert(deployment('batch', 'jobs', { containers: [{ name: 'app', image: 'app:1', securityContext: { privileged: true } }] })),
  );
  app = createHttpApp({ agents: c.agents, resources: c.resources, findings: c.findings, risk: c.risk, heartbeatIntervalMs: 5000, notReady: () => undefined, log: pino({ level: 'silent' }) });
});

afterAll(() => {
  c.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/v1/findings?sort=risk', () => {
  it('answers riskiest first, each finding with its risk, and pages with a cursor', async () => {
    const { status, body } = await get('/api/v1/findings?sort=risk&limit=1000');
    expect(status).toBe(200);
    const scores = body.items.map((f: { risk: { score: number } }) => f.risk.score);
    expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
    // The exposed workload whose token reads every Secret outranks the privileged one nobody reaches.
    expect(body.items[0].resource).toMatchObject({ kind: 'Deployment', namespace: 'analytics', name: 'report' });
    const first = body.items[0].risk;
    expect(first.factors.reduce((n: number, f: { weight: number }) => n + f.weight, 0)).toBeGreaterThanOrEqual(first.score);
    expect(first.factors.map((f: { id: string }) => f.id)).toEqual(expect.arrayContaining(['severity', 'exposed', 'attack-path', 'reaches-secrets']));

    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await get(`/api/v1/findings?sort=risk&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      ids.push(...page.body.items.map((f: { id: string }) => f.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(ids).toEqual(body.items.map((f: { id: string }) => f.id));
  });

  it('carries risk on the default order and on one finding too; rejects an unknown sort', async () => {
    const { body } = await get('/api/v1/findings?limit=1000');
    expect(body.items.every((f: { risk: { score: number } | null }) => f.risk !== null && f.risk.score >= 0 && f.risk.score <= 100)).toBe(true);
    const one = await get(`/api/v1/findings/${body.items[0].id}`);
    expect(one.body.risk).toEqual(body.items[0].risk);
    expect((await get('/api/v1/findings?sort=age')).status).toBe(400);
    expect((await get('/api/v1/findings?sort=risk&cursor=garbage')).status).toBe(400);
  });
});

describe('GET /api/v1/attack-paths', () => {
  it('lists each path with its steps, impact, score and the riskiest findings on it', async () => {
    const { status, body } = await get('/api/v1/attack-paths?cluster=c1');
    expect(status).toBe(200);
    expect(body.items).toHaveLength(1);
    const [path] = body.items;
    expect(path).toMatchObject({ cluster: 'c1', impact: 'secrets', score: 80 });
    expect(path.steps).toEqual([
      { kind: 'Service', namespace: 'analytics', name: 'report', relation: 'load-balancer' },
      { kind: 'Deployment', namespace: 'analytics', name: 'report', relation: 'selects' },
      { kind: 'ServiceAccount', namespace: 'analytics', name: 'report', relation: 'runs-as' },
      { kind: 'ClusterRoleBinding', namespace: null, name: 'report-secrets', relation: 'bound-by' },
      { kind: 'ClusterRole', namespace: null, name: 'secrets-reader', relation: 'grants' },
    ]);
    expect(path.findings.length).toBeGreaterThan(0);
    const scores = path.findings.map((f: { riskScore: number }) => f.riskScore);
    expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
    const linked = await get(`/api/v1/findings/${path.findings[0].id}`);
    expect(linked.status).toBe(200);
    expect(linked.body.risk.score).toBe(path.findings[0].riskScore);
  });

  it('filters by cluster and pages with a cursor', async () => {
    expect((await get('/api/v1/attack-paths?cluster=elsewhere')).body.items).toEqual([]);
    const page = await get('/api/v1/attack-paths?limit=1');
    expect(page.body.items).toHaveLength(1);
    expect(page.body.nextCursor).toBeUndefined();
    expect((await get('/api/v1/attack-paths?cursor=garbage')).status).toBe(400);
  });

  it('is described in /openapi.json, with the findings sort and the Risk schema', async () => {
    const { body } = await get('/openapi.json');
    expect(Object.keys(body.paths)).toContain('/api/v1/attack-paths');
    const params = body.paths['/api/v1/findings'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toContain('sort');
    expect(body.components.schemas.Risk.properties.factors).toBeDefined();
    expect(body.components.schemas.Finding.properties.risk).toBeDefined();
    expect(body.components.schemas.AttackPath.properties.steps).toBeDefined();
  });
});
