// `stance node-check` end to end: the real CLI (through `pnpm --silent stance`) on fake
// host roots built in temporary directories; the JSON document of `stance scan`, the
// exit codes of `stance scan`, and the kube-bench style table.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/harness/cli-run.js';
import { HOST_SCENARIOS, type HostRootBuilder } from '@stance/dev-cluster/hostroot/index';


const stance = (args: string[], opts: { pnpm?: boolean } = {}) => runCli(args, { ...opts, unset: ['NODE_NAME', 'STANCE_HOST_ROOT'] });

interface Finding {
  controlId: string;
  title: string;
  severity: string;
  resource: Record<string, string>;
  message: string;
  remediation: string;
  frameworks: { framework: string; id: string }[];
  location: { file: string; line: number };
}
interface Report {
  findings: Finding[];
  summary: { resources: number; failed: number; score: number };
}

const roots: Record<string, HostRootBuilder> = {};
let scratch = '';

beforeAll(async () => {
  roots.good = await HOST_SCENARIOS['cp-good']();
  roots.bad = await HOST_SCENARIOS['cp-bad']();
  roots.worker = await HOST_SCENARIOS['worker-cfg']();
  scratch = await mkdtemp(path.join(tmpdir(), 'node-check-e2e-'));
});

afterAll(async () => {
  for (const r of Object.values(roots)) await r.remove();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('stance node-check', () => {
  it('prints the scan JSON document for a non-compliant control plane and exits 1', async () => {
    const run = await stance(['node-check', '--host-root', roots.bad!.root, '--format', 'json'], { pnpm: true });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(Object.keys(report).sort()).toEqual(['findings', 'summary']);
    expect(report.summary.resources).toBe(1);
    expect(report.summary.failed).toBe(report.findings.length);
    expect(report.summary.score).toBeGreaterThanOrEqual(0);
    expect(report.summary.score).toBeLessThan(20);
    for (const f of report.findings) {
      expect(f.resource).toEqual({ apiVersion: 'v1', kind: 'Node', name: 'cp-bad' });
      expect(f.title && f.message && f.remediation).toBeTruthy();
      expect(['critical', 'high', 'medium', 'low']).toContain(f.severity);
      expect(f.location).toEqual({ file: roots.bad!.root, line: 1 });
    }
    const kubelet = report.findings.find((f) => f.controlId === 'cis.4.2.1')!;
    expect(kubelet.frameworks).toEqual([{ framework: 'cis-kubernetes', id: '4.2.1' }]);
    expect(kubelet.message).toContain('anonymous');
    const ids = new Set(report.findings.map((f) => f.controlId));
    for (const id of ['cis.1.1.1', 'cis.1.2.6', 'cis.1.2.28', 'cis.2.2', 'cis.4.2.4', 'node.etcd-client-port-exposed', 'node.runtime-socket-world-writable']) expect(ids).toContain(id);
    // Findings are ordered most severe first.
    expect(report.findings[0]!.severity).toBe('critical');
  });

  it('exits 0 on a compliant control plane, with no findings', async () => {
    const run = await stance(['node-check', '--host-root', roots.good!.root, '--format', 'json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report).toEqual({ findings: [], summary: { resources: 1, failed: 0, score: 100 } });
  });

  it('applies --fail-on: the worker fails only medium checks', async () => {
    const high = await stance(['node-check', '--host-root', roots.worker!.root, '--format', 'json']);
    const report = JSON.parse(high.stdout) as Report;
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every((f) => f.severity === 'medium' || f.severity === 'low')).toBe(true);
    expect(high.code).toBe(0);
    const medium = await stance(['node-check', '--host-root', roots.worker!.root, '--format', 'json', '--fail-on', 'medium']);
    expect(medium.code).toBe(1);
    const none = await stance(['node-check', '--host-root', roots.bad!.root, '--format', 'json', '--fail-on', 'none']);
    expect(none.code).toBe(0);
  });

  it('exits 2 with a message on an unreadable host root', async () => {
    const missing = path.join(scratch, 'no-such-host');
    const run = await stance(['node-check', '--host-root', missing, '--format', 'json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(missing);
  });

  it('prints a kube-bench style table with every status', async () => {
    const run = await stance(['node-check', '--host-root', roots.worker!.root, '--format', 'table']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Node worker-cfg (kubeadm; roles: worker)');
    expect(run.stdout).toMatch(/\[PASS\] 4\.2\.1 Ensure that the --anonymous-auth argument is set to false/);
    expect(run.stdout).toMatch(/\[FAIL\] 4\.2\.12 /);
    expect(run.stdout).toMatch(/\[N\/A\] 1\.2\.1 /);
    expect(run.stdout).toMatch(/== Summary: \d+ pass, \d+ fail, \d+ not applicable, \d+ no data/);
  });

  it('writes SARIF and JUnit with the scan formats, and --output to a file', async () => {
    const out = path.join(scratch, 'node.sarif');
    const run = await stance(['node-check', '--host-root', roots.bad!.root, '--format', 'sarif', '--output', out]);
    expect(run.code).toBe(1);
    const sarif = JSON.parse(readFileSync(out, 'utf8')) as { version: string; runs: { results: { ruleId: string }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toContain('cis.1.2.6');
    const junit = await stance(['node-check', '--host-root', roots.bad!.root, '--format', 'junit']);
    expect(junit.stdout).toContain('<testsuites');
    expect(junit.stdout).toContain('cis.4.2.1');
  });
});
