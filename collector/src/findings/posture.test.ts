import { describe, expect, it } from 'vitest';
import type { Control, FrameworkId, Severity } from '@stance/shared/engine/index';
import { PostureTallies, scoreOf } from './posture.js';

function control(id: string, severity: Severity, frameworks: FrameworkId[]): Control {
  return {
    id,
    title: id,
    severity,
    category: 'test',
    rationale: '',
    remediation: '',
    frameworks: frameworks.map((framework, i) => ({ framework, id: `${id}-${i}` })),
    kinds: ['Pod'],
    check: () => [],
  };
}

const CONTROLS = [
  control('crit', 'critical', ['pss-baseline', 'cis-kubernetes']),
  control('high', 'high', ['pss-baseline']),
  control('med', 'medium', []),
  control('low', 'low', ['cis-kubernetes', 'cis-kubernetes']),
];

describe('scoreOf', () => {
  it('is 100 when nothing was checked and rounds to one decimal', () => {
    expect(scoreOf({ passedWeight: 0, failedWeight: 0, passed: 0, failed: 0 })).toBe(100);
    expect(scoreOf({ passedWeight: 1, failedWeight: 2, passed: 1, failed: 1 })).toBe(33.3);
    expect(scoreOf({ passedWeight: 0, failedWeight: 7, passed: 0, failed: 1 })).toBe(0);
  });
});

describe('PostureTallies', () => {
  it('applyChange tallies the same as removing the old outcomes and adding the new', () => {
    const before = { crit: 'pass', high: 'fail:high', med: 'exempt', low: 'fail:low' };
    const after = { crit: 'fail:critical', high: 'fail:high', med: 'pass', extra: 'pass' };
    const a = new PostureTallies(CONTROLS);
    const b = new PostureTallies(CONTROLS);
    for (const t of [a, b]) t.apply('c1', 'app', { crit: 'pass', med: 'fail:medium' }, 1); // another subject
    a.apply('c1', 'app', before, 1);
    a.apply('c1', 'app', before, -1);
    a.apply('c1', 'app', after, 1);
    b.apply('c1', 'app', before, 1);
    b.applyChange('c1', 'app', before, after);
    for (const scope of ['cluster', 'namespace:app', 'framework:pss-baseline', 'framework:cis-kubernetes']) {
      expect(b.view('c1', scope)).toEqual(a.view('c1', scope));
    }
    expect(b.view('c1', 'cluster')).toMatchObject({ passed: 3, failed: 3 });
  });

  it('weights passes and failures by severity (critical 10, high 7, medium 4, low 1)', () => {
    const t = new PostureTallies(CONTROLS);
    t.apply('c1', 'app', { crit: 'pass', high: 'fail:high', med: 'pass', low: 'fail:low' }, 1);
    // passed 10 + 4, failed 7 + 1
    expect(t.view('c1', 'cluster')).toEqual({ score: Math.round((14 / 22) * 1000) / 10, passed: 2, failed: 2 });
  });

  it('weights a failure by the severity it failed with, not the control default', () => {
    const t = new PostureTallies(CONTROLS);
    t.apply('c1', 'app', { crit: 'fail:low', med: 'pass' }, 1);
    expect(t.view('c1', 'cluster').score).toBe(80); // 4 / (4 + 1)
  });

  it('leaves exempt and no-data outcomes out of the score', () => {
    const t = new PostureTallies(CONTROLS);
    t.apply('c1', 'app', { crit: 'exempt', high: 'no-data', med: 'fail:medium' }, 1);
    expect(t.view('c1', 'cluster')).toEqual({ score: 0, passed: 0, failed: 1 });
    expect(t.view('c1', 'framework:pss-baseline')).toEqual({ score: 100, passed: 0, failed: 0 });
  });

  it('tallies per cluster, per namespace and per framework (each framework once per control)', () => {
    const t = new PostureTallies(CONTROLS);
    t.apply('c1', 'app', { crit: 'fail:critical', high: 'pass', low: 'pass' }, 1);
    t.apply('c1', 'db', { crit: 'pass' }, 1);
    t.apply('c1', '', { med: 'pass' }, 1); // cluster-scoped subject: no namespace scope
    t.apply('c2', 'app', { crit: 'pass' }, 1);
    expect(t.view('c1', 'namespace:app')).toEqual({ score: Math.round((8 / 18) * 1000) / 10, passed: 2, failed: 1 });
    expect(t.view('c1', 'namespace:db')).toEqual({ score: 100, passed: 1, failed: 0 });
    expect(t.view('c1', 'framework:pss-baseline')).toEqual({ score: Math.round((17 / 27) * 1000) / 10, passed: 2, failed: 1 });
    expect(t.view('c1', 'framework:cis-kubernetes')).toEqual({ score: Math.round((11 / 21) * 1000) / 10, passed: 2, failed: 1 });
    expect(t.view('c1', 'cluster')).toMatchObject({ passed: 4, failed: 1 });
    expect(t.view('c2', 'cluster')).toEqual({ score: 100, passed: 1, failed: 0 });
    expect(t.scopes('c1').sort()).toEqual(['cluster', 'framework:cis-kubernetes', 'framework:pss-baseline', 'namespace:app', 'namespace:db']);
    expect(t.view('c3', 'cluster')).toEqual({ score: 100, passed: 0, failed: 0 });
  });

  it('removing what was added restores every scope exactly (symmetry)', () => {
    const t = new PostureTallies(CONTROLS);
    const base = { crit: 'pass', high: 'fail:high' };
    t.apply('c1', 'app', base, 1);
    const before = Object.fromEntries(t.scopes('c1').map((s) => [s, t.view('c1', s)]));
    const changes = [
      ['app', { crit: 'fail:critical', high: 'pass', med: 'fail:medium', low: 'exempt' }],
      ['other', { low: 'pass', med: 'no-data' }],
      ['', { crit: 'fail:high' }],
    ] as const;
    for (const [ns, codes] of changes) t.apply('c1', ns, codes, 1);
    for (const [ns, codes] of [...changes].reverse()) t.apply('c1', ns, codes, -1);
    const after = Object.fromEntries(t.scopes('c1').map((s) => [s, t.view('c1', s)]));
    expect(after).toEqual(before);
  });

  it('replacing a subject outcome (remove old, add new) moves the score', () => {
    const t = new PostureTallies(CONTROLS);
    t.apply('c1', 'app', { crit: 'fail:critical', high: 'pass' }, 1);
    expect(t.view('c1', 'cluster').score).toBe(41.2);
    t.apply('c1', 'app', { crit: 'fail:critical', high: 'pass' }, -1);
    t.apply('c1', 'app', { crit: 'pass', high: 'pass' }, 1);
    expect(t.view('c1', 'cluster')).toEqual({ score: 100, passed: 2, failed: 0 });
    expect(t.dirty.has('c1')).toBe(true);
  });

  it('counts a control it does not know as low severity when it passes', () => {
    const t = new PostureTallies(CONTROLS);
    t.apply('c1', 'app', { unknown: 'pass', med: 'fail:medium' }, 1);
    expect(t.view('c1', 'cluster').score).toBe(20); // 1 / (1 + 4)
  });

  it('counts open findings by namespace, severity and control, and excepted ones, from the codes', () => {
    const t = new PostureTallies(CONTROLS);
    t.apply('c1', 'app', { crit: 'fail:critical', high: 'fail:high', med: 'exempt', low: 'pass' }, 1);
    t.apply('c1', 'app', { crit: 'fail:critical', high: 'pass' }, 1);
    t.apply('c1', '', { crit: 'fail:high', med: 'no-data' }, 1);
    t.applyChange('c1', 'app', { crit: 'fail:critical', high: 'pass' }, { crit: 'exempt', high: 'pass' });
    expect(t.openFindings().sort((a, b) => a.controlId.localeCompare(b.controlId) || a.namespace.localeCompare(b.namespace))).toEqual([
      { clusterId: 'c1', namespace: '', severity: 'high', controlId: 'crit', n: 1 },
      { clusterId: 'c1', namespace: 'app', severity: 'critical', controlId: 'crit', n: 1 },
      { clusterId: 'c1', namespace: 'app', severity: 'high', controlId: 'high', n: 1 },
    ]);
    expect(t.unresolvedFindings('c1')).toEqual({ open: 3, excepted: 2 });
    t.apply('c1', '', { crit: 'fail:high', med: 'no-data' }, -1);
    expect(t.unresolvedFindings('c1')).toEqual({ open: 2, excepted: 2 });
    expect(t.unresolvedFindings('other')).toEqual({ open: 0, excepted: 0 });
  });

  it('undo takes scores and counts back to the mark (a unit of work that rolled back), nested marks included', () => {
    const t = new PostureTallies(CONTROLS);
    t.apply('c1', 'app', { crit: 'fail:critical', high: 'pass', med: 'exempt' }, 1);
    t.settle();
    const snapshot = () => ({ scopes: t.scopes('c1').map((s) => [s, t.view('c1', s)]), open: t.openFindings(), unresolved: t.unresolvedFindings('c1') });
    const before = snapshot();
    const mark = t.mark();
    t.applyChange('c1', 'app', { crit: 'fail:critical', high: 'pass', med: 'exempt' }, { crit: 'pass', high: 'fail:high', med: 'pass' });
    t.apply('c1', 'web', { low: 'fail:low', crit: 'exempt' }, 1);
    const inner = t.mark();
    t.apply('c2', 'x', { crit: 'fail:critical' }, 1);
    t.undo(inner);
    expect(t.unresolvedFindings('c2')).toEqual({ open: 0, excepted: 0 });
    expect(snapshot()).not.toEqual(before);
    t.undo(mark);
    expect(snapshot()).toEqual(before);
    // What was applied before the mark stays; a settled journal has nothing to undo.
    t.settle();
    t.undo(0);
    expect(snapshot()).toEqual(before);
  });
});
