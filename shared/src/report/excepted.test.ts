// Exempt outcomes (an object's stance.dev/exempt annotation, built-in exemptions) are
// listed with their reason by every format that can carry them; the fixed JSON document
// keeps its exact shape.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScan } from '../scan/run.js';
import type { ScanResult } from '../scan/report.js';
import { formatReport } from './index.js';
import { toSarif } from './sarif.js';

const REASON = 'the node agent reads host files for the CIS checks';
const manifests = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
  namespace: stance
  annotations:
    stance.dev/exempt: pod.host-path,pod.volume-types
    stance.dev/exempt-reason: ${REASON}
spec:
  template:
    spec:
      containers: [{name: a, image: "stance:1"}]
      volumes: [{name: etc, hostPath: {path: /etc}}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: kube-proxy, namespace: kube-system}
spec:
  template:
    spec:
      hostNetwork: true
      containers: [{name: p, image: "kube-proxy:1"}]
`;

describe('excepted outcomes in the scan formats', () => {
  let dir: string;
  let result: ScanResult;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'stance-excepted-'));
    await writeFile(path.join(dir, 'm.yaml'), manifests);
    result = await runScan({ inputs: [path.join(dir, 'm.yaml')], controls: ['pod.host-path', 'pod.volume-types', 'pod.host-network'] });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('json: the fixed document only, without the excepted outcomes', () => {
    const doc = JSON.parse(formatReport(result, 'json'));
    expect(Object.keys(doc)).toEqual(['findings', 'summary']);
    expect(doc.findings).toEqual([]);
  });

  it('table: an Excepted section per resource with each reason, and the count in the summary', () => {
    const text = formatReport(result, 'table');
    expect(text).toContain('Excepted (left out of the score):');
    expect(text).toMatch(/DaemonSet stance\/node-agent .*\n {4}pod\.host-path, pod\.volume-types\n {6}exempted by the object's stance\.dev\/exempt annotation: the node agent reads host files/);
    // A built-in exemption covers its controls whether or not they would fail (the check is not run).
    expect(text).toMatch(/DaemonSet kube-system\/kube-proxy .*\n {4}pod\.host-network, pod\.host-path, pod\.volume-types\n {6}kube-proxy programs/);
    expect(text).toMatch(/Summary: 2 resources in 1 file, no failed checks, 5 excepted, posture score/);
  });

  it('sarif: suppressed results, in source for an annotation and external for a built-in exemption', () => {
    const results = toSarif(result).runs[0]!.results as { ruleId: string; suppressions?: { kind: string; status: string; justification: string }[] }[];
    const byRule = (id: string) => results.find((r) => r.ruleId === id)!;
    expect(byRule('pod.host-path').suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: expect.stringContaining(REASON) }]);
    expect(byRule('pod.host-network').suppressions?.[0]).toMatchObject({ kind: 'external', justification: expect.stringContaining('kube-proxy') });
    expect(results.every((r) => r.suppressions)).toBe(true);
  });

  it('junit: skipped test cases carrying the reason', () => {
    expect(formatReport(result, 'junit')).toContain(`<skipped message="exempt: exempted by the object&apos;s stance.dev/exempt annotation: ${REASON}"/>`);
  });
});
