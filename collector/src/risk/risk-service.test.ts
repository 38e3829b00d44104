// RiskService on a real SQLite file, fed through the real ingest pipeline and findings
// service exactly as the collector wires them (testing/risk-harness.ts). After each step
// every unresolved finding's stored risk, and the attack paths, equal a full risk
// evaluation of the stored objects.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { IngestOp } from '../ingest/pipeline.js';
import { binding, deployment, networkPolicy, role, sa, SECRETS_READER, service } from '@stance/shared/risk/testing/fixtures';
import { riskOfRow } from '../findings/findings-store.js';
import { RiskTestCollector } from './testing/risk-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'stance-risk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
const PRIVILEGED = 'pod.privileged';

const web = (privileged = true) => deployment('web', 'app', { serviceAccountName: 'web', containers: [{ name: 'app', image: 'app:1', securityContext: { privileged } }] });
const lb = (type: string) => service('web', 'app', { app: 'web' }, { type });
const secretsRole = role('secrets-reader', undefined, SECRETS_READER);
const secretsBinding = binding('web-secrets', undefined, { kind: 'ClusterRole', name: 'secrets-reader' }, [sa('web', 'app')]);
const denyIngress = networkPolicy('deny', 'app', { podSelector: {}, policyTypes: ['Ingress'] });

describe('RiskService', () => {
  let c: RiskTestCollector;
  let file: string;
  const privilegedRow = () => c.findings.store.finding('c1', PRIVILEGED, 'Deployment/app/web')!;
  const privileged = () => ({ ...privilegedRow(), risk: riskOfRow(privilegedRow()) });
  const factorIds = () => privileged().risk!.factors.map((f) => f.id);
  const expectFullEvaluation = () => {
    expect(c.unresolved().length).toBeGreaterThan(0);
    expect(c.mismatches()).toEqual({ findings: [], paths: undefined });
  };

  beforeEach(() => {
    file = join(dir, `db-${++fileNo}.sqlite`);
    c = new RiskTestCollector(file);
    return () => c.close();
  });

  it('scores findings as they open and re-scores them when a link changes: LoadBalancer, binding, NetworkPolicy, and back', async () => {
    await c.send(c.upsert(web()), c.upsert(lb('ClusterIP')), c.upsert(secretsRole));
    expect(privileged().risk!.factors[0]).toMatchObject({ id: 'severity', weight: 40 });
    expect(factorIds()).not.toContain('exposed');
    expectFullEvaluation();

    const before = privileged().risk!.score;
    c.riskEvents = 0;
    await c.send(c.upsert(lb('LoadBalancer')));
    expect(factorIds()).toContain('exposed');
    expect(privileged().risk!.score).toBeGreaterThan(before);
    expect(c.riskEvents).toBeGreaterThan(0);
    expectFullEvaluation();

    await c.send(c.upsert(secretsBinding));
    expect(factorIds()).toEqual(expect.arrayContaining(['exposed', 'attack-path', 'reaches-secrets', 'powerful-identity']));
    const paths = c.risk.attackPaths('c1');
    // The privileged container is a node takeover by itself; the token adds every Secret.
    expect(paths.map((p) => [p.impact, p.steps.map((s) => `${s.kind}/${s.name}`)])).toEqual([
      ['node-takeover', ['Service/web', 'Deployment/web']],
      ['secrets', ['Service/web', 'Deployment/web', 'ServiceAccount/web', 'ClusterRoleBinding/web-secrets', 'ClusterRole/secrets-reader']],
    ]);
    expect(c.risk.findingsOnPath(paths[1]!, 5).map((f) => f.controlId)).toContain(PRIVILEGED);
    const onPath = privileged().risk!.score;
    expectFullEvaluation();

    await c.send(c.upsert(denyIngress));
    expect(factorIds()).not.toContain('exposed');
    expect(c.risk.attackPaths('c1')).toEqual([]);
    expect(privileged().risk!.score).toBeLessThan(onPath);
    expectFullEvaluation();

    await c.send(c.remove(denyIngress));
    expect(privileged().risk!.score).toBe(onPath);
    await c.send(c.remove(secretsBinding), c.upsert(lb('ClusterIP')));
    expect(privileged().risk!.score).toBe(before);
    expect(c.risk.attackPaths('c1')).toEqual([]);
    expectFullEvaluation();
  });

  it('a resolved finding keeps the risk it had; a reopened one is scored again', async () => {
    await c.send(c.upsert(web()), c.upsert(lb('LoadBalancer')));
    const exposed = privileged().risk;
    await c.send(c.upsert(web(false)));
    expect(privileged()).toMatchObject({ status: 'resolved', risk: exposed });
    await c.send(c.upsert(lb('ClusterIP')));
    expect(privileged().risk).toEqual(exposed); // not re-scored while resolved
    await c.send(c.upsert(web(true)));
    expect(privileged().status).toBe('open');
    expect(privileged().risk!.score).toBeLessThan(exposed!.score);
    expectFullEvaluation();
  });

  it('pages findings riskiest first with a keyset cursor that visits each once', async () => {
    await c.send(c.upsert(web()), c.upsert(lb('LoadBalancer')), c.upsert(secretsRole), c.upsert(secretsBinding), c.upsert(deployment('quiet', 'other')));
    const store = c.findings.store;
    const all = store.query({ cluster: 'c1', status: 'open', sort: 'risk', limit: 1000 }).items;
    expect(all.length).toBeGreaterThan(5);
    const scores = all.map((f) => riskOfRow(f)!.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(all[0]!.name).toBe('web');
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = store.query({ cluster: 'c1', status: 'open', sort: 'risk', limit: 3, ...(cursor ? { cursor } : {}) });
      paged.push(...page.items.map((f) => `${f.controlId}/${f.subjectKey}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all.map((f) => `${f.controlId}/${f.subjectKey}`));
    // A severity-sorted cursor is no risk cursor.
    const bySeverity = store.query({ cluster: 'c1', status: 'open', limit: 1 }).nextCursor!;
    expect(() => store.query({ cluster: 'c1', sort: 'risk', limit: 1, cursor: bySeverity })).toThrow(/invalid cursor/);
  });

  it('after a restart rebuilds the contexts from the stored state and scores what was never scored', async () => {
    await c.send(c.upsert(web()), c.upsert(lb('NodePort')), c.upsert(secretsRole), c.upsert(secretsBinding));
    const paths = c.risk.attackPaths('c1');
    expect(paths.map((p) => p.impact)).toEqual(['node-takeover', 'secrets']);
    // As a database upgraded to the risk columns: nothing scored yet.
    c.db.prepare('UPDATE findings SET risk_score = -1, risk_factors = NULL').run();
    c.close();
    c = new RiskTestCollector(file);
    await c.settle();
    expect(c.risk.attackPaths('c1')).toEqual(paths);
    expectFullEvaluation();
    // And it follows changes from there.
    await c.send(c.upsert(lb('ClusterIP')));
    expect(c.risk.attackPaths('c1')).toEqual([]);
    expectFullEvaluation();
  });

  it('a context that reads a kind being listed waits for the listing to end', async () => {
    const begin: IngestOp = { type: 'snapshot-begin', snapshotId: 's1', kinds: ['v1/Service', 'apps/v1/Deployment'] };
    await c.enqueue([begin, ...c.upsert(web()), ...c.upsert(lb('LoadBalancer'))]);
    await new Promise((r) => setTimeout(r, 50));
    // The context read the Services being listed: it waits, held like any relation check.
    expect(c.findings.backlog).toBeGreaterThan(0);
    expect(c.risk.attackPaths('c1')).toEqual([]);
    await c.enqueue([{ type: 'snapshot-end', snapshotId: 's1' }]);
    await new Promise((r) => setTimeout(r, 300)); // a held cluster is looked at again every 100 ms
    await c.settle();
    expect(c.findings.backlog).toBe(0);
    expect(factorIds()).toContain('exposed');
    expectFullEvaluation();
  });
});
