// `stance scan` reports risk: the real CLI as a child process on the demo cluster's
// manifests (devcluster/src/demo-cluster, which holds a full attack path). Every finding of
// the JSON document carries `risk`, the findings on the highest scored attack path score
// highest, the table shows each finding's risk and lists the attack paths, and SARIF
// carries the risk in each result's properties.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CLUSTER_DIR } from '@stance/dev-cluster';
import { runCli, type CliRun } from '../src/harness/cli-run.js';

interface Risk {
  score: number;
  factors: { id: string; description: string; weight: number }[];
}
interface Finding {
  controlId: string;
  severity: string;
  resource: { kind: string; namespace?: string; name: string };
  risk: Risk;
}

const stance = (format: string) => runCli(['scan', '--format', format, '--fail-on', 'none', DEMO_CLUSTER_DIR], { unset: ['FORCE_COLOR'] });
const label = (r: Finding['resource']) => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;

let json: CliRun;
let table: CliRun;
let sarif: CliRun;
let findings: Finding[];

beforeAll(async () => {
  [json, table, sarif] = await Promise.all([stance('json'), stance('table'), stance('sarif')]);
  findings = (JSON.parse(json.stdout) as { findings: Finding[] }).findings;
}, 120_000);

afterAll(() => undefined);

describe('stance scan reports risk', () => {
  it('gives every finding of the JSON document a risk whose factors add up to its score', () => {
    expect(json.code).toBe(0);
    expect(findings.length).toBeGreaterThan(50);
    for (const f of findings) {
      expect(Object.keys(f).at(-1)).toBe('risk'); // added last: the fields before it are as they were
      expect(f.risk.score).toBeGreaterThanOrEqual(0);
      expect(f.risk.score).toBeLessThanOrEqual(100);
      expect(f.risk.factors[0]!.id).toBe('severity');
      expect(f.risk.score).toBe(Math.min(100, f.risk.factors.reduce((n, x) => n + x.weight, 0)));
    }
  });

  it('scores the findings on the highest scored attack path highest, and the demo path\'s above the same control elsewhere', () => {
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    const at = lines.indexOf('Attack paths (highest first):');
    expect(at).toBeGreaterThan(0);
    const paths = lines.slice(at + 1).filter((l) => /^ +\d+ {2}/.test(l)).map((l) => ({ score: Number(l.trim().split(/\s+/)[0]), text: l }));
    expect(paths.some((p) => p.score === 80 && /Service analytics\/report-api → Deployment analytics\/report-api → ServiceAccount analytics\/report-api → ClusterRoleBinding report-api-secrets → ClusterRole report-secrets-reader/.test(p.text))).toBe(true);
    const topScore = paths[0]!.score;
    const top = paths.filter((p) => p.score === topScore).map((p) => p.text);
    const highest = Math.max(...findings.map((f) => f.risk.score));
    const riskiest = findings.filter((f) => f.risk.score === highest);
    for (const f of riskiest) expect(top.some((t) => t.includes(label(f.resource)))).toBe(true);
    for (const f of riskiest) expect(f.risk.factors.map((x) => x.id)).toContain('attack-path');
    const secretsRead = (name: string) => findings.find((f) => f.controlId === 'rbac.secrets-read' && f.resource.name === name)!;
    expect(secretsRead('report-api-secrets').risk.factors.map((x) => x.id)).toEqual(['severity', 'exposed', 'attack-path', 'powerful-identity', 'reaches-secrets']);
    expect(secretsRead('report-api-secrets').risk.score).toBeGreaterThan(secretsRead('ci-deployer').risk.score);
  });

  it('shows each finding\'s risk in the table, and carries it in SARIF', () => {
    expect(table.stdout).toMatch(/^Deployment analytics\/report-api {2}.*70-attack-path\.yaml:\d+$/m);
    expect(table.stdout).toMatch(/^ {2}(CRITICAL|HIGH|MEDIUM|LOW) +risk +\d+ {2}[a-z]/m);
    expect(sarif.code).toBe(0);
    const results = (JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; properties: { risk?: Risk }; suppressions?: unknown[] }[] }[] }).runs[0]!.results;
    const open = results.filter((r) => !r.suppressions);
    expect(open.length).toBe(findings.length);
    expect(open.every((r) => r.properties.risk && r.properties.risk.score >= 0)).toBe(true);
  });
});
