// The demo cluster (devcluster/src/demo-cluster) holds a full attack path, and risk ranks
// its findings first: what `stance demo` shows leads with it.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CONTROLS } from '../controls/index.js';
import { evaluateAll, memoryView } from '../engine/evaluate.js';
import type { KubeObject } from '../model/object.js';
import { riskIndexOf } from './full.js';

const DIR = fileURLToPath(new URL('../../../devcluster/src/demo-cluster/', import.meta.url));

function demoObjects(): KubeObject[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseAllDocuments(readFileSync(DIR + f, 'utf8')).map((d) => d.toJS() as KubeObject | null))
    .filter((o): o is KubeObject => o !== null);
}

describe('the demo cluster', () => {
  const objects = demoObjects();
  const index = riskIndexOf(memoryView(objects));

  it('holds a full attack path: exposure → workload → ServiceAccount → binding → role → impact', () => {
    const path = index.attackPaths().find((p) => p.steps.some((s) => s.name === 'report-api' && s.kind === 'Deployment'))!;
    expect(path.steps.map((s) => `${s.relation}:${s.kind}/${s.name}`)).toEqual([
      'load-balancer:Service/report-api',
      'selects:Deployment/report-api',
      'runs-as:ServiceAccount/report-api',
      'bound-by:ClusterRoleBinding/report-api-secrets',
      'grants:ClusterRole/report-secrets-reader',
    ]);
    expect(path.impact).toBe('secrets');
    expect(path.score).toBe(80);
  });

  it('ranks the findings on that path above the same findings elsewhere', () => {
    const failing = evaluateAll(objects, BUILTIN_CONTROLS).filter((o) => o.status === 'fail');
    const scored = failing.map((o) => ({ o, risk: index.riskOf(o)! }));
    const secretsRead = scored.filter(({ o }) => o.controlId === 'rbac.secrets-read');
    const onPath = secretsRead.find(({ o }) => o.subject.name === 'report-api-secrets')!;
    const ci = secretsRead.find(({ o }) => o.subject.name === 'ci-deployer')!;
    expect(onPath.risk.factors.map((f) => f.id)).toEqual(['severity', 'exposed', 'attack-path', 'powerful-identity', 'reaches-secrets']);
    expect(onPath.risk.score).toBeGreaterThan(ci.risk.score);
    expect(scored.find(({ o }) => o.controlId === 'rbac.binding-missing-role')!.o.subject.name).toBe('report-api-deployer');
    // Every failing outcome carries a risk, each within 0–100.
    expect(scored.every(({ risk }) => risk.score >= 0 && risk.score <= 100)).toBe(true);
  });
});
