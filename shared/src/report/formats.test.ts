import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Control } from '../engine/types.js';
import { runScan } from '../scan/run.js';
import type { ScanResult } from '../scan/report.js';
import { formatReport } from './index.js';
import { toSarif } from './sarif.js';

const tricky: Control = {
  id: 'x.tricky',
  title: 'Names & <markup> "quoted"',
  severity: 'critical',
  category: 'pod',
  rationale: 'Because <reasons> & more.',
  remediation: "Don't do that.",
  frameworks: [{ framework: 'cis-kubernetes', id: '5.2.2' }],
  kinds: ['Pod'],
  check: (o) => (o.metadata.name === 'bad' ? [{ message: `bad <pod> & "friends" \u0001 'x'`, evidence: [] }] : []),
};
const lowOne: Control = {
  id: 'x.low',
  title: 'Low one',
  severity: 'low',
  category: 'pod',
  rationale: '',
  remediation: 'fix',
  frameworks: [],
  kinds: ['Pod'],
  check: () => [{ message: 'low', evidence: [] }],
};

const pods = 'apiVersion: v1\nkind: Pod\nmetadata: {name: bad, namespace: ns}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: good, namespace: ns}\n';

describe('report formats', () => {
  let dir: string;
  let result: ScanResult;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'stance-formats-'));
    await writeFile(path.join(dir, 'my pods.yaml'), pods);
    result = await runScan({ inputs: [path.join(dir, 'my pods.yaml')], catalog: [tricky, lowOne] });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('json prints exactly the fixed document', () => {
    const doc = JSON.parse(formatReport(result, 'json'));
    expect(Object.keys(doc)).toEqual(['findings', 'summary']);
    expect(doc.summary).toEqual({ resources: 2, failed: 3, score: 45.5 });
    expect(doc.findings[0]).toMatchObject({ controlId: 'x.tricky', severity: 'critical', location: { line: 1 } });
  });

  it('sarif has one run with rules, levels, relative locations, logical locations and fingerprints', () => {
    const sarif = toSarif(result, { baseDir: dir });
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs).toHaveLength(1);
    const run = sarif.runs[0]!;
    expect(run.tool.driver.name).toBe('Stance');
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(['x.low', 'x.tricky']);
    const rule = run.tool.driver.rules[1]!;
    expect(rule).toMatchObject({
      name: 'XTricky',
      shortDescription: { text: 'Names & <markup> "quoted"' },
      fullDescription: { text: 'Because <reasons> & more.' },
      help: { text: "Don't do that." },
      properties: { tags: ['security', 'kubernetes', 'cis-kubernetes:5.2.2'], 'security-severity': '9.5' },
    });
    expect(rule.help.markdown).toContain("**Remediation:** Don't do that.");
    const levels = run.results.map((r) => [r.ruleId, r.level, r.ruleIndex]);
    expect(levels).toEqual([
      ['x.tricky', 'error', 1],
      ['x.low', 'note', 0],
      ['x.low', 'note', 0],
    ]);
    const first = run.results[0]!;
    expect(first.locations[0]).toEqual({
      physicalLocation: { artifactLocation: { uri: 'my%20pods.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } },
      logicalLocations: [{ name: 'bad', fullyQualifiedName: 'Pod/ns/bad', kind: 'resource', properties: { apiVersion: 'v1', kind: 'Pod', namespace: 'ns' } }],
    });
    expect(first.partialFingerprints['stanceFinding/v1']).toMatch(/^[0-9a-f]{32}$/);
    // The same control on another object gets another fingerprint.
    expect(run.results[1]!.partialFingerprints['stanceFinding/v1']).not.toBe(run.results[2]!.partialFingerprints['stanceFinding/v1']);
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toMatch(/^file:\/\/.*\/$/);
  });

  it('sarif leaves stdin results without a physical location', async () => {
    const fromStdin = await runScan({ inputs: ['-'], stdin: Readable.from([pods]), catalog: [tricky] });
    const loc = toSarif(fromStdin).runs[0]!.results[0]!.locations[0]!;
    expect(loc).not.toHaveProperty('physicalLocation');
    expect(loc.logicalLocations[0]!.fullyQualifiedName).toBe('Pod/ns/bad');
  });

  it('junit has a suite per control, a case per resource, failures escaped', () => {
    const xml = formatReport(result, 'junit');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="stance scan" tests="4" failures="3" errors="0" skipped="0"')).toBe(true);
    expect(xml).toContain('<testsuite name="x.tricky: Names &amp; &lt;markup&gt; &quot;quoted&quot;" tests="2" failures="1"');
    expect(xml).toContain('<testcase classname="x.tricky" name="Pod ns/good (');
    expect(xml).toContain('<failure message="bad &lt;pod&gt; &amp; &quot;friends&quot; \uFFFD &apos;x&apos;" type="critical">');
    expect(xml).not.toMatch(/[\u0001]/);
    // Every element that opens is closed.
    const opened = (xml.match(/<(testsuites|testsuite|testcase|failure)[\s>]/g) ?? []).length;
    const selfClosed = (xml.match(/<testcase[^>]*\/>/g) ?? []).length;
    const closed = (xml.match(/<\/(testsuites|testsuite|testcase|failure)>/g) ?? []).length;
    expect(opened).toBe(closed + selfClosed);
  });

  it('table groups by resource with aligned columns (risk after severity) and a summary; colour only when asked', () => {
    const plain = formatReport(result, 'table');
    expect(plain).not.toContain('\x1b[');
    const lines = plain.split('\n');
    expect(lines[0]).toBe(`Pod ns/bad  ${path.join(dir, 'my pods.yaml')}:1`);
    expect(lines[1]).toBe(`  CRITICAL  risk  40  x.tricky  bad <pod> & "friends" \u0001 'x'`);
    expect(lines[2]).toBe('  LOW       risk  10  x.low     low'); // pods without containers: no context, severity alone
    expect(plain).toContain('Summary: 2 resources in 1 file, 3 failed (1 critical, 2 low), posture score 45.5');
    expect(formatReport(result, 'table', { color: true })).toContain('\x1b[1;35mCRITICAL\x1b[0m');
  });

  it('table wraps long messages under their column at the terminal width', async () => {
    const long: Control = { ...lowOne, id: 'x.long', check: () => [{ message: 'word '.repeat(30).trim(), evidence: [] }] };
    const wide = await runScan({ inputs: [path.join(dir, 'my pods.yaml')], catalog: [long] });
    const lines = formatReport(wide, 'table', { width: 60 }).split('\n');
    expect(lines[1]).toMatch(/^  LOW  risk +\d+  x\.long  word( word)+$/);
    expect(lines.slice(1, 4).every((l) => l.length <= 60)).toBe(true);
    expect(lines[2]).toMatch(/^ {25}word( word)+$/);
  });

  it('table says so when there is nothing to report', async () => {
    const clean = await runScan({ inputs: [path.join(dir, 'my pods.yaml')], catalog: [tricky], controls: ['x.tricky'], minSeverity: 'critical' });
    const empty = { ...clean, report: { findings: [], summary: { ...clean.report.summary, failed: 0 } } };
    expect(formatReport(empty, 'table')).toMatch(/^No findings\.\n\nSummary: 2 resources in 1 file, no failed checks/);
  });
});
