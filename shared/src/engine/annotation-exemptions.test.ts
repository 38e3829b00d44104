import { describe, expect, it } from 'vitest';
import { BUILTIN_CONTROLS } from '../controls/index.js';
import type { KubeObject } from '../model/object.js';
import { annotationExemptionFor, exemptionAnnotations } from './annotation-exemptions.js';
import { defaultExemptionFor } from './default-exemptions.js';
import { evaluateAll } from './evaluate.js';

const REASON = 'reads the node files for the CIS checks';

function daemonSet(annotations?: Record<string, string>, templateAnnotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'node-agent', namespace: 'stance', ...(annotations ? { annotations } : {}) },
    spec: {
      template: {
        metadata: templateAnnotations ? { annotations: templateAnnotations } : {},
        spec: { containers: [{ name: 'a', image: 'stance:1' }], volumes: [{ name: 'etc', hostPath: { path: '/etc' } }] },
      },
    },
  };
}

describe('stance.dev/exempt annotations', () => {
  it('exempts the named controls (ids and * globs) with the reason, and nothing else', () => {
    const ds = daemonSet({ 'stance.dev/exempt': ' pod.host-path , pod.volume-*,', 'stance.dev/exempt-reason': ` ${REASON} ` });
    expect(annotationExemptionFor('pod.host-path', ds)).toBe(`exempted by the object's stance.dev/exempt annotation: ${REASON}`);
    expect(annotationExemptionFor('pod.volume-types', ds)).toContain(REASON);
    expect(annotationExemptionFor('pod.privileged', ds)).toBeUndefined();
    expect(annotationExemptionFor('pod.host', ds)).toBeUndefined();
  });

  it('reads a workload pod template too (what its Pods carry)', () => {
    const ds = daemonSet(undefined, { 'stance.dev/exempt': 'pod.host-path', 'stance.dev/exempt-reason': REASON });
    expect(exemptionAnnotations(ds)).toEqual([{ controls: ['pod.host-path'], reason: REASON, path: 'spec.template.metadata.annotations' }]);
    expect(annotationExemptionFor('pod.host-path', ds)).toContain(REASON);
  });

  it('ignores an exemption without a reason (blank counts as none)', () => {
    for (const reason of [undefined, '', '   ']) {
      const ann: Record<string, string> = { 'stance.dev/exempt': 'pod.host-path' };
      if (reason !== undefined) ann['stance.dev/exempt-reason'] = reason;
      expect(annotationExemptionFor('pod.host-path', daemonSet(ann))).toBeUndefined();
    }
  });

  it('turns the outcomes exempt in the evaluator, even with system exemptions off, and leaves the rest judged', () => {
    const ds = daemonSet({ 'stance.dev/exempt': 'pod.host-path,pod.volume-types', 'stance.dev/exempt-reason': REASON });
    for (const config of [{}, { systemExemptions: false }]) {
      const outcomes = evaluateAll([ds], BUILTIN_CONTROLS, config, defaultExemptionFor(config));
      const byId = new Map(outcomes.map((o) => [o.controlId, o]));
      expect(byId.get('pod.host-path')).toMatchObject({ status: 'exempt', message: expect.stringContaining(REASON) });
      expect(byId.get('pod.volume-types')?.status).toBe('exempt');
      // The same object's other checks still run: it sets no securityContext at all.
      expect(byId.get('pod.run-as-root')?.status).toBe('fail');
    }
    const plain = new Map(evaluateAll([daemonSet()], BUILTIN_CONTROLS).map((o) => [o.controlId, o]));
    expect(plain.get('pod.host-path')?.status).toBe('fail');
  });
});
