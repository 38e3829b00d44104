import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/errors.js';
import type { Control } from '../engine/types.js';
import { runScan } from './run.js';

// A small stub catalog: the scan pipeline is under test here, not the built-in controls.
const privileged: Control = {
  id: 't.privileged',
  title: 'No privileged pods',
  severity: 'high',
  category: 'pod',
  rationale: 'r',
  remediation: 'set privileged: false',
  frameworks: [{ framework: 'pss-baseline', id: 'privileged' }, { framework: 'cis-kubernetes', id: '5.2.2' }],
  kinds: ['Pod', 'Deployment'],
  check: (o) =>
    (o.spec as { privileged?: boolean } | undefined)?.privileged
      ? [{ message: 'runs privileged', evidence: ['spec.privileged'], patch: { type: 'strategic', patch: { spec: { privileged: false } } } }]
      : [],
};
const needsPolicy: Control = {
  id: 't.needs-policy',
  title: 'Namespaces have a NetworkPolicy',
  severity: 'medium',
  category: 'network',
  rationale: 'r',
  remediation: 'add one',
  frameworks: [{ framework: 'nsa-cisa', id: 'network' }],
  kinds: ['Pod', 'Deployment'],
  reads: ['NetworkPolicy'],
  check: (o, ctx) => (ctx.view.list('NetworkPolicy', o.metadata.namespace).length > 0 ? [] : [{ message: 'no NetworkPolicy', evidence: [] }]),
};
const registry: Control = {
  id: 't.registry',
  title: 'Allowed registries',
  severity: 'low',
  category: 'pod',
  rationale: 'r',
  remediation: 'r',
  frameworks: [],
  kinds: ['Pod'],
  requiresConfig: true,
  check: (_o, ctx) => (ctx.config.allowedRegistries?.includes('reg.io') ? [{ message: 'configured', evidence: [] }] : null),
};
const catalog = [privileged, needsPolicy, registry];

describe('runScan', () => {
  let dir: string;
  const file = (name: string) => path.join(dir, name);
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'stance-run-'));
    await writeFile(
      file('pods.yaml'),
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata: {name: bad, namespace: apps}',
        'spec: {privileged: true}',
        '---',
        'apiVersion: v1',
        'kind: Pod',
        'metadata: {name: good, namespace: apps}',
        'spec: {}',
        '---',
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: web}',
        'spec: {}',
      ].join('\n'),
    );
    await writeFile(file('policy.yaml'), 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: apps}\nspec: {}\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reports failing outcomes as findings with location, frameworks and kubectl patch', async () => {
    const { report } = await runScan({ inputs: [file('pods.yaml'), file('policy.yaml')], catalog });
    expect(report.summary.resources).toBe(4);
    expect(report.findings.map((f) => [f.controlId, f.resource.name, f.location.line])).toEqual([
      ['t.privileged', 'bad', 1],
      ['t.needs-policy', 'web', 11],
    ]);
    expect(report.findings[0]).toEqual({
      controlId: 't.privileged',
      title: 'No privileged pods',
      severity: 'high',
      resource: { apiVersion: 'v1', kind: 'Pod', namespace: 'apps', name: 'bad' },
      message: 'runs privileged',
      remediation: 'set privileged: false',
      frameworks: [
        { framework: 'pss-baseline', id: 'privileged' },
        { framework: 'cis-kubernetes', id: '5.2.2' },
      ],
      location: { file: file('pods.yaml'), line: 1 },
      evidence: ['spec.privileged'],
      patch: { type: 'strategic', patch: { spec: { privileged: false } } },
      kubectlPatch: `kubectl patch pod bad -n apps --type strategic -p '{"spec":{"privileged":false}}'`,
      // Its severity and its context: the policy of its namespace fences ingress, not egress.
      risk: {
        score: 34,
        factors: [
          { id: 'severity', description: 'high severity', weight: 30 },
          { id: 'egress-open', description: 'it may connect anywhere: other pods, cloud metadata, the internet (no egress NetworkPolicy restricts it)', weight: 4 },
        ],
      },
    });
    // The Deployment named no namespace: it is scanned in `default`, like kubectl apply would.
    expect(report.findings[1]!.resource.namespace).toBe('default');
    // passed: privileged on good+web (7+7), needs-policy on bad+good (4+4) = 22; failed: 7 + 4 = 11
    expect(report.summary).toEqual({ resources: 4, failed: 2, score: 66.7 });
  });

  it('relates objects across files as one cluster', async () => {
    const alone = await runScan({ inputs: [file('pods.yaml')], catalog, controls: ['t.needs-policy'] });
    const together = await runScan({ inputs: [file('pods.yaml'), file('policy.yaml')], catalog, controls: ['t.needs-policy'] });
    expect(alone.report.findings.map((f) => f.resource.name)).toEqual(['bad', 'good', 'web']);
    expect(together.report.findings.map((f) => f.resource.name)).toEqual(['web']);
  });

  it('selects controls by id glob and by framework', async () => {
    const byGlob = await runScan({ inputs: [file('pods.yaml')], catalog, controls: ['t.priv*'] });
    expect([...byGlob.controls.keys()]).toEqual(['t.privileged']);
    const byFramework = await runScan({ inputs: [file('pods.yaml')], catalog, frameworks: ['nsa-cisa'] });
    expect([...byFramework.controls.keys()]).toEqual(['t.needs-policy']);
    await expect(runScan({ inputs: [file('pods.yaml')], catalog, controls: ['nope.*'] })).rejects.toThrow(ConfigError);
    await expect(runScan({ inputs: [file('pods.yaml')], catalog, frameworks: ['iso'] })).rejects.toThrow(/"iso" is not one of/);
  });

  it('reports and scores only outcomes at or above --severity', async () => {
    const { report, outcomes } = await runScan({ inputs: [file('pods.yaml'), file('policy.yaml')], catalog, minSeverity: 'high' });
    expect(report.findings.map((f) => f.controlId)).toEqual(['t.privileged']);
    expect(outcomes.every((o) => o.severity === 'high')).toBe(true);
    expect(report.summary.score).toBe(66.7); // 2 passed, 1 failed, all high
  });

  it('runs controls that need configuration only when it is given', async () => {
    const off = await runScan({ inputs: [file('pods.yaml')], catalog });
    expect(off.controls.has('t.registry')).toBe(false);
    const on = await runScan({ inputs: [file('pods.yaml')], catalog, allowedRegistries: ['reg.io'] });
    expect(on.report.findings.filter((f) => f.controlId === 't.registry')).toHaveLength(2);
  });

  it('scans the later of two identical objects', async () => {
    await writeFile(file('again.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: bad, namespace: apps}\nspec: {}\n');
    const { report } = await runScan({ inputs: [file('pods.yaml'), file('again.yaml')], catalog, controls: ['t.privileged'] });
    expect(report.findings).toEqual([]);
    expect(report.summary.resources).toBe(4);
  });
});
