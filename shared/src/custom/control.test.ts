import { describe, expect, it } from 'vitest';
import { evaluateAll, memoryView } from '../engine/evaluate.js';
import type { CheckContext, Control } from '../engine/types.js';
import type { KubeObject } from '../model/object.js';
import { toControl } from './control.js';
import { parseCustomControls } from './load.js';

function control(spec: string[]): Control {
  const text = ['apiVersion: stance.dev/v1alpha1', 'kind: CustomControl', 'metadata: { name: t }', 'spec:', ...spec.map((l) => `  ${l}`)].join('\n');
  return toControl(parseCustomControls(text, 't.yaml')[0]!);
}

const teamLabel = control([
  'id: custom.team',
  'title: Workloads carry a team label',
  'severity: medium',
  'match: { kinds: [Deployment] }',
  `expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"`,
  "messageExpression: \"'Deployment ' + object.metadata.name + ' has no team label'\"",
]);

function deployment(name: string, extra: Partial<KubeObject> & { labels?: Record<string, string> } = {}): KubeObject {
  const { labels, ...rest } = extra;
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) }, ...rest };
}

const ctx = (objects: KubeObject[] = []): CheckContext => ({ config: {}, view: memoryView(objects) });

describe('custom control evaluation', () => {
  it('passes when the expression is true and fails with the message expression otherwise', () => {
    expect(teamLabel.check(deployment('a', { labels: { team: 'x' } }), ctx())).toEqual([]);
    expect(teamLabel.check(deployment('b', { labels: { app: 'b' } }), ctx())).toEqual([{ message: 'Deployment b has no team label', evidence: [] }]);
    expect(teamLabel.check(deployment('c'), ctx())).toEqual([{ message: 'Deployment c has no team label', evidence: [] }]);
  });

  it('runs in evaluateAll like any control, on the kinds it matches only', () => {
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } };
    const outcomes = evaluateAll([deployment('a', { labels: { team: 'x' } }), deployment('b'), pod], [teamLabel]);
    expect(outcomes.map((o) => [o.subject.name, o.status, o.severity])).toEqual([
      ['a', 'pass', 'medium'],
      ['b', 'fail', 'medium'],
    ]);
    expect(teamLabel.source).toBe('custom');
  });

  it('reads integers as CEL ints and supports the list macros', () => {
    const replicas = control([
      'id: custom.replicas',
      'title: t',
      'severity: low',
      'match: { kinds: [Deployment] }',
      'expression: "object.spec.replicas + 1 > 2 && object.spec.template.spec.containers.all(c, c.image.startsWith(\'reg.io/\'))"',
    ]);
    const d = (replicas: number, image: string) => deployment('d', { spec: { replicas, template: { spec: { containers: [{ name: 'c', image }] } } } });
    expect(replicas.check(d(2, 'reg.io/app:1'), ctx())).toEqual([]);
    expect(replicas.check(d(1, 'reg.io/app:1'), ctx())).toHaveLength(1);
    expect(replicas.check(d(3, 'docker.io/app:1'), ctx())).toHaveLength(1);
  });

  it('fails a subject whose evaluation errors (onError: fail, the default), saying why', () => {
    const unguarded = control(['id: custom.unguarded', 'title: t', 'severity: low', 'match: { kinds: [Deployment] }', 'expression: "object.metadata.labels.team == \'x\'"', 'message: no team']);
    expect(unguarded.check(deployment('a', { labels: { team: 'x' } }), ctx())).toEqual([]);
    expect(unguarded.check(deployment('b'), ctx())).toEqual([{ message: 'expression could not be evaluated: No such key: labels', evidence: [] }]);
  });

  it('gives no-data for an evaluation error with onError: skip', () => {
    const skip = control(['id: custom.skip', 'title: t', 'severity: low', 'match: { kinds: [Deployment] }', 'expression: "object.metadata.labels.team == \'x\'"', 'onError: skip']);
    const [outcome] = evaluateAll([deployment('b')], [skip]);
    expect(outcome).toMatchObject({ status: 'no-data', message: 'expression could not be evaluated: No such key: labels' });
  });

  it('treats a dyn expression that yields a non-bool as an error', () => {
    const name = control(['id: custom.name', 'title: t', 'severity: low', 'match: { kinds: [Deployment] }', 'expression: "object.metadata.name"']);
    expect(name.check(deployment('a'), ctx())).toEqual([{ message: 'expression could not be evaluated: expression returned string, not a bool', evidence: [] }]);
  });

  it('supports Kubernetes-style optional chaining', () => {
    const c = control(['id: custom.opt', 'title: t', 'severity: low', 'match: { kinds: [Deployment] }', "expression: \"object.metadata.?labels.team.orValue('') != ''\""]);
    expect(c.check(deployment('a', { labels: { team: 'x' } }), ctx())).toEqual([]);
    expect(c.check(deployment('b'), ctx())).toHaveLength(1);
  });

  it('applies namespace filters (not-applicable outside them)', () => {
    const prod = control([
      'id: custom.prod',
      'title: t',
      'severity: low',
      'match: { kinds: [Deployment], namespaces: [prod], excludeNamespaces: [kube-system] }',
      'expression: "false"',
      'message: always',
    ]);
    expect(prod.check(deployment('a'), ctx())).toBeNull();
    expect(prod.check({ ...deployment('a'), metadata: { name: 'a', namespace: 'prod' } }, ctx())).toEqual([{ message: 'always', evidence: [] }]);
  });

  it('sees the Namespace as namespaceObject and declares that it reads Namespaces', () => {
    const owner = control([
      'id: custom.owner',
      'title: Namespace has an owner',
      'severity: low',
      'match: { kinds: [Deployment] }',
      "expression: \"namespaceObject == null || (has(namespaceObject.metadata.annotations) && 'owner' in namespaceObject.metadata.annotations)\"",
    ]);
    expect(owner.reads).toEqual(['Namespace']);
    expect(teamLabel.reads).toBeUndefined();
    const ns = (annotations?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', ...(annotations ? { annotations } : {}) } });
    expect(owner.check(deployment('a'), ctx())).toEqual([]);
    expect(owner.check(deployment('a'), ctx([ns({ owner: 'me' })]))).toEqual([]);
    expect(owner.check(deployment('a'), ctx([ns()]))).toEqual([{ message: 'Namespace has an owner', evidence: [] }]);
  });

  it('falls back to the static message when the message expression errors', () => {
    const c = control([
      'id: custom.msg',
      'title: t',
      'severity: low',
      'match: { kinds: [Deployment] }',
      'expression: "false"',
      'message: static message',
      'messageExpression: "object.metadata.labels.team"',
    ]);
    expect(c.check(deployment('a'), ctx())).toEqual([{ message: 'static message', evidence: [] }]);
  });
});
