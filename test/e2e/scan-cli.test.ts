// `stance scan` end to end: the real CLI as a child process on fixture manifests, with the
// real built-in catalog. Assertions hold for any correct catalog: they name only findings
// every correct one must produce (a privileged pod fails pod.privileged).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/harness/cli-run.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIX = 'test/fixtures/scan';
const PRIVILEGED = `${FIX}/manifests/privileged-pod.yaml`;
const HARDENED = `${FIX}/manifests/hardened.yaml`;

const stance = (args: string[], opts: { stdin?: string; pnpm?: boolean; env?: Record<string, string> } = {}) =>
  runCli(args, { ...opts, unset: ['FORCE_COLOR'] });

interface Finding {
  controlId: string;
  title: string;
  severity: string;
  resource: { apiVersion: string; kind: string; namespace?: string; name: string };
  message: string;
  remediation: string;
  frameworks: { framework: string; id: string }[];
  location: { file: string; line: number; source?: string };
}
interface Report {
  findings: Finding[];
  summary: { resources: number; failed: number; score: number };
}

function findingsOf(report: Report, controlId: string, name: string): Finding[] {
  return report.findings.filter((f) => f.controlId === controlId && f.resource.name === name);
}

describe('stance scan (CLI)', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'stance-scan-e2e-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('answers --help with its flags', async () => {
    const r = await stance(['scan', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--format', '--output', '--fail-on', '--control', '--framework', '--severity', '--custom-controls', '--allowed-registries', '--no-exemptions']) {
      expect(r.stdout).toContain(flag);
    }
  });

  it('prints only the fixed JSON document through `pnpm --silent stance scan`', async () => {
    const r = await stance(['scan', '--format', 'json', '--fail-on', 'none', `${FIX}/manifests`], { pnpm: true });
    expect(r.code).toBe(0);
    // Quiet at the default level: no info lines on stderr.
    expect(r.stderr).not.toMatch(/"level":(30|20|10)\b/);
    const report = JSON.parse(r.stdout) as Report;
    expect(Object.keys(report).sort()).toEqual(['findings', 'summary']);
    expect(Object.keys(report.summary).sort()).toEqual(['failed', 'resources', 'score']);
    // 1 pod + 4 hardened objects + 3 Helm objects + 2 List items
    expect(report.summary.resources).toBe(10);
    expect(report.summary.failed).toBe(report.findings.length);
    expect(report.summary.score).toBeGreaterThanOrEqual(0);
    expect(report.summary.score).toBeLessThan(100);
    expect(Math.round(report.summary.score * 10) / 10).toBe(report.summary.score);
    for (const f of report.findings) {
      expect(typeof f.controlId).toBe('string');
      expect(typeof f.title).toBe('string');
      expect(['critical', 'high', 'medium', 'low']).toContain(f.severity);
      expect(typeof f.resource.apiVersion).toBe('string');
      expect(typeof f.resource.kind).toBe('string');
      expect(typeof f.resource.name).toBe('string');
      expect(typeof f.message).toBe('string');
      expect(typeof f.remediation).toBe('string');
      expect(Array.isArray(f.frameworks)).toBe(true);
      expect(typeof f.location.file).toBe('string');
      expect(Number.isInteger(f.location.line) && f.location.line >= 1).toBe(true);
    }

    const [privileged] = findingsOf(report, 'pod.privileged', 'privileged');
    expect(privileged).toMatchObject({
      severity: expect.stringMatching(/^(critical|high)$/),
      resource: { apiVersion: 'v1', kind: 'Pod', namespace: 'apps', name: 'privileged' },
      location: { file: PRIVILEGED, line: 2 },
    });
    expect(privileged!.frameworks).toContainEqual({ framework: 'pss-baseline', id: 'privileged' });
    // A List item is located at its own line.
    expect(findingsOf(report, 'pod.privileged', 'from-list')[0]!.location).toEqual({ file: `${FIX}/manifests/list.json`, line: 11 });
    // Helm output: each finding names the template it came from.
    for (const f of report.findings.filter((f) => f.resource.name === 'release-web')) {
      expect(f.location).toMatchObject({ file: `${FIX}/manifests/helm-output.yaml`, line: 24, source: 'web/templates/deployment.yaml' });
    }
  });

  it('exits 1 when something at or above --fail-on failed, 0 otherwise', async () => {
    expect((await stance(['scan', '--format', 'json', PRIVILEGED])).code).toBe(1);
    expect((await stance(['scan', '--format', 'json', '--fail-on', 'critical', PRIVILEGED])).code).toBe(1);
    expect((await stance(['scan', '--format', 'json', '--fail-on', 'none', PRIVILEGED])).code).toBe(0);
    const hardened = await stance(['scan', '--format', 'json', '--fail-on', 'critical', HARDENED]);
    expect(hardened.code).toBe(0);
    expect((JSON.parse(hardened.stdout) as Report).findings.filter((f) => f.severity === 'critical')).toEqual([]);
  });

  it('exits 2 on unreadable input, naming the file and line, with nothing on stdout', async () => {
    const broken = await stance(['scan', '--format', 'json', PRIVILEGED, `${FIX}/invalid/broken.yaml`]);
    expect(broken.code).toBe(2);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toMatch(new RegExp(`^stance: ${FIX}/invalid/broken\\.yaml:1[01]: invalid YAML: `, 'm'));

    const notK8s = await stance(['scan', '--format', 'json', `${FIX}/invalid/not-kubernetes.yaml`]);
    expect(notK8s.code).toBe(2);
    expect(notK8s.stdout).toBe('');
    expect(notK8s.stderr).toContain(`stance: ${FIX}/invalid/not-kubernetes.yaml:7: not a Kubernetes object`);

    const missing = await stance(['scan', `${FIX}/does-not-exist.yaml`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`stance: ${FIX}/does-not-exist.yaml: cannot read: ENOENT`);

    const badFlag = await stance(['scan', '--fail-on', 'sometimes', PRIVILEGED]);
    expect(badFlag.code).toBe(2);
  });

  it('reads stdin for -', async () => {
    const r = await stance(['scan', '--format', 'json', '--fail-on', 'none', '-'], { stdin: readFileSync(path.join(ROOT, PRIVILEGED), 'utf8') });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.summary.resources).toBe(1);
    expect(findingsOf(report, 'pod.privileged', 'privileged')[0]!.location).toEqual({ file: '<stdin>', line: 2 });
  });

  it('writes SARIF 2.1.0 that validates against the official schema', async () => {
    const r = await stance(['scan', '--format', 'sarif', '--fail-on', 'none', `${FIX}/manifests`]);
    expect(r.code).toBe(0);
    const sarif = JSON.parse(r.stdout);
    const require = createRequire(import.meta.url);
    const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
    // The schema's language-tag pattern is not valid in unicode mode: compile patterns without it.
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);

    expect(sarif.runs).toHaveLength(1);
    const run = sarif.runs[0];
    expect(run.tool.driver.name).toBe('Stance');
    const rule = run.tool.driver.rules.find((x: { id: string }) => x.id === 'pod.privileged');
    expect(rule.properties.tags).toContain('pss-baseline:privileged');
    expect(Number(rule.properties['security-severity'])).toBeGreaterThanOrEqual(7);
    const result = run.results.find(
      (x: { ruleId: string; locations: { logicalLocations: { name: string }[] }[] }) => x.ruleId === 'pod.privileged' && x.locations[0]!.logicalLocations[0]!.name === 'privileged',
    );
    expect(result.level).toBe('error');
    expect(result.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: PRIVILEGED, uriBaseId: '%SRCROOT%' },
      region: { startLine: 2 },
    });
    expect(Object.values(result.partialFingerprints)[0]).toMatch(/^[0-9a-f]+$/);
  });

  it('writes well-formed JUnit XML with a failure for the privileged pod', async () => {
    const r = await stance(['scan', '--format', 'junit', '--fail-on', 'none', `${FIX}/manifests`]);
    expect(r.code).toBe(0);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(r.stdout);
    const suites = [xml.testsuites.testsuite].flat() as { name: string; failures: string; testcase: unknown }[];
    const suite = suites.find((s) => s.name.startsWith('pod.privileged:'))!;
    expect(Number(suite.failures)).toBeGreaterThanOrEqual(2);
    const cases = [suite.testcase].flat() as { name: string; failure?: unknown }[];
    expect(cases.find((c) => c.name.startsWith('Pod apps/privileged'))!.failure).toBeDefined();
    expect(cases.find((c) => c.name.startsWith('Deployment shop/web'))!.failure).toBeUndefined();
  });

  it('filters by control glob, framework and severity', async () => {
    const byGlob = JSON.parse((await stance(['scan', '--format', 'json', '--fail-on', 'none', '--control', 'pod.*', `${FIX}/manifests`])).stdout) as Report;
    expect(byGlob.findings.length).toBeGreaterThan(0);
    expect(byGlob.findings.every((f) => f.controlId.startsWith('pod.'))).toBe(true);

    const byFramework = JSON.parse((await stance(['scan', '--format', 'json', '--fail-on', 'none', '--framework', 'pss-baseline', `${FIX}/manifests`])).stdout) as Report;
    expect(findingsOf(byFramework, 'pod.privileged', 'privileged')).toHaveLength(1);
    expect(byFramework.findings.every((f) => f.frameworks.some((x) => x.framework === 'pss-baseline'))).toBe(true);

    const bySeverity = JSON.parse((await stance(['scan', '--format', 'json', '--fail-on', 'none', '--severity', 'critical', `${FIX}/manifests`])).stdout) as Report;
    expect(bySeverity.findings.every((f) => f.severity === 'critical')).toBe(true);

    const unknown = await stance(['scan', '--control', 'no-such.*', PRIVILEGED]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no control matches "no-such.*"');
  });

  it('runs CEL custom controls, relating objects across files', async () => {
    const custom = ['--custom-controls', `${FIX}/custom`];
    const r = await stance(['scan', '--format', 'json', ...custom, '--control', 'custom.*', PRIVILEGED, HARDENED]);
    expect(r.code).toBe(1); // custom.require-team-label is high
    const report = JSON.parse(r.stdout) as Report;
    expect(findingsOf(report, 'custom.require-team-label', 'privileged')[0]).toMatchObject({
      severity: 'high',
      message: 'Pod privileged has no team label',
      frameworks: [{ framework: 'soc2', id: 'CC6.1' }],
      location: { file: PRIVILEGED, line: 2 },
    });
    expect(findingsOf(report, 'custom.require-team-label', 'web')).toEqual([]);
    expect(findingsOf(report, 'custom.namespace-owner', 'privileged')).toHaveLength(1);
    expect(findingsOf(report, 'custom.namespace-owner', 'web')).toEqual([]);

    // The Namespace in another file satisfies the relation.
    const ns = path.join(tmp, 'apps-namespace.yaml');
    writeFileSync(ns, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  annotations: { stance.dev/owner: team-apps }\n');
    const related = JSON.parse((await stance(['scan', '--format', 'json', ...custom, '--control', 'custom.*', PRIVILEGED, ns])).stdout) as Report;
    expect(findingsOf(related, 'custom.namespace-owner', 'privileged')).toEqual([]);
  });

  it('applies the built-in exemptions unless --no-exemptions', async () => {
    const fixture = `${FIX}/exemptions/cluster-admin.yaml`;
    const exempted = JSON.parse((await stance(['scan', '--format', 'json', '--fail-on', 'none', fixture])).stdout) as Report;
    expect(exempted.findings.filter((f) => f.resource.name === 'cluster-admin')).toEqual([]);
    const all = JSON.parse((await stance(['scan', '--format', 'json', '--fail-on', 'none', '--no-exemptions', fixture])).stdout) as Report;
    expect(findingsOf(all, 'rbac.wildcard', 'cluster-admin')).toHaveLength(1);
  });

  it('rejects a custom control with a bad expression at load, with its position', async () => {
    const r = await stance(['scan', '--format', 'json', '--custom-controls', `${FIX}/custom-invalid`, PRIVILEGED]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^stance: ${FIX}/custom-invalid/bad-expression\\.yaml:10:\\d+: spec\\.expression: `, 'm'));
  });

  it('writes the report to --output and prints a readable table on request', async () => {
    const out = path.join(tmp, 'report.sarif');
    const r = await stance(['scan', '--output', out, '--fail-on', 'none', PRIVILEGED]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).version).toBe('2.1.0');

    const table = await stance(['scan', '--format', 'table', '--fail-on', 'none', PRIVILEGED]);
    expect(table.stdout).not.toContain('\x1b['); // not a terminal: no colour
    expect(table.stdout).toMatch(/^Pod apps\/privileged {2}test\/fixtures\/scan\/manifests\/privileged-pod\.yaml:2$/m);
    expect(table.stdout).toMatch(/^ {2}CRITICAL +risk +\d+ +pod\.privileged +/m);
    expect(table.stdout).toMatch(/^Summary: 1 resource in 1 file, \d+ failed \(.*\), posture score \d+(\.\d)?$/m);
  });
});
