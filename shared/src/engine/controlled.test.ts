// Copies of a template are judged once, on the controller that owns the template.
import { describe, expect, it } from 'vitest';
import { BUILTIN_CONTROLS } from '../controls/index.js';
import type { KubeObject } from '../model/object.js';
import { evaluateAll, podControllerKind } from './evaluate.js';

const spec = { containers: [{ name: 'app', image: 'nginx:1.27', securityContext: { privileged: true } }] };
const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'app', uid: 'd1' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec } },
};
const replicaSet: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web-5d7', namespace: 'app', uid: 'r1', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true }] },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec } },
};
const pod = (owner?: { kind: string; name: string }): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-5d7-x1',
    namespace: 'app',
    uid: 'p1',
    labels: { app: 'web' },
    ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', ...owner, uid: 'o', controller: true }] } : {}),
  },
  spec,
});

describe('controlled workloads', () => {
  it('names the pod-bearing controller of a subject, and nothing else', () => {
    expect(podControllerKind(pod({ kind: 'ReplicaSet', name: 'web-5d7' }))).toBe('ReplicaSet');
    expect(podControllerKind(replicaSet)).toBe('Deployment');
    expect(podControllerKind(pod())).toBeUndefined();
    expect(podControllerKind(pod({ kind: 'Workflow', name: 'w' }))).toBeUndefined();
  });

  it('reports a privileged template once, on the Deployment, not on its ReplicaSet and Pods', () => {
    const outcomes = evaluateAll([deployment, replicaSet, pod({ kind: 'ReplicaSet', name: 'web-5d7' })], BUILTIN_CONTROLS);
    const privileged = outcomes.filter((o) => o.controlId === 'pod.privileged' && o.status === 'fail');
    expect(privileged.map((o) => o.subject.kind)).toEqual(['Deployment']);
    // Controls that do not apply to the controller's kind still judge the copy.
    expect(outcomes.some((o) => o.subject.kind === 'Pod' && o.controlId === 'pod.naked')).toBe(true);
  });

  it('judges a bare Pod, and a Pod whose controller Stance does not evaluate', () => {
    for (const p of [pod(), pod({ kind: 'Workflow', name: 'w' })]) {
      const fails = evaluateAll([p], BUILTIN_CONTROLS).filter((o) => o.controlId === 'pod.privileged' && o.status === 'fail');
      expect(fails).toHaveLength(1);
    }
  });
});
