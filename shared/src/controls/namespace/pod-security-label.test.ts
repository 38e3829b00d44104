import { describe, expect, it } from 'vitest';
import { evaluateAll } from '../../engine/evaluate.js';
import type { KubeObject } from '../../model/object.js';
import { noPodSecurityLabel } from './pod-security-label.js';

function ns(labels?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', ...(labels ? { labels } : {}) } };
}

const run = (o: KubeObject) => evaluateAll([o], [noPodSecurityLabel])[0]!;

describe('ns.no-pod-security-label', () => {
  it('flags a namespace without the enforce label and suggests a pasteable label patch', () => {
    const o = run(ns({ team: 'a' }));
    expect(o.status).toBe('fail');
    expect(o.evidence).toEqual(['metadata.labels["pod-security.kubernetes.io/enforce"]']);
    expect(o.patch).toEqual({ type: 'strategic', patch: { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } } });
    expect(o.message).toContain(
      `kubectl patch namespace team-a --type strategic -p '{"metadata":{"labels":{"pod-security.kubernetes.io/enforce":"baseline"}}}'`,
    );
  });

  it('flags an invalid level', () => {
    expect(run(ns({ 'pod-security.kubernetes.io/enforce': 'strict' })).message).toContain('invalid');
  });

  it('passes any valid enforce level', () => {
    for (const level of ['privileged', 'baseline', 'restricted']) {
      expect(run(ns({ 'pod-security.kubernetes.io/enforce': level })).status).toBe('pass');
    }
  });
});
