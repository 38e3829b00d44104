import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../model/object.js';
import { POD_BEARING_KINDS } from '../model/kinds.js';
import { containersOf, isSidecar } from './containers.js';
import { podTemplateOf, wrapAt } from './pod-template.js';

const spec = {
  initContainers: [{ name: 'setup', image: 'busybox:1' }, { name: 'proxy', image: 'envoy:1', restartPolicy: 'Always' }],
  containers: [{ name: 'app', image: 'web:1' }],
  ephemeralContainers: [{ name: 'debug', image: 'busybox:1' }],
};

function objectOf(kind: string): KubeObject {
  const template = { metadata: { annotations: { a: 'b' } }, spec };
  const body: Record<string, unknown> =
    kind === 'Pod'
      ? { spec }
      : kind === 'CronJob'
        ? { spec: { jobTemplate: { spec: { template } } } }
        : { spec: { template } };
  return { apiVersion: 'v1', kind, metadata: { name: 'x', namespace: 'ns', annotations: kind === 'Pod' ? { a: 'b' } : {} }, ...body };
}

describe('podTemplateOf', () => {
  it.each(POD_BEARING_KINDS)('finds the pod spec, its path and template metadata of a %s', (kind) => {
    const t = podTemplateOf(objectOf(kind))!;
    expect(t.spec).toBe(spec);
    const expected = kind === 'Pod' ? 'spec' : kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec';
    expect(t.specPath).toBe(expected);
    expect(t.metadata.annotations).toEqual({ a: 'b' });
    expect(t.metadataPath).toBe(kind === 'Pod' ? 'metadata' : expected.replace(/spec$/, 'metadata'));
  });

  it('ignores other kinds and objects without a spec', () => {
    expect(podTemplateOf({ apiVersion: 'v1', kind: 'Service', metadata: {}, spec: {} })).toBeUndefined();
    expect(podTemplateOf({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: {}, spec: {} })).toBeUndefined();
  });

  it('wraps a fragment at the spec keys', () => {
    expect(wrapAt(['spec', 'template', 'spec'], { hostPID: false })).toEqual({ spec: { template: { spec: { hostPID: false } } } });
  });
});

describe('containersOf', () => {
  it('lists init, regular and ephemeral containers with their paths', () => {
    const refs = containersOf(spec, 'spec.template.spec');
    expect(refs.map((r) => [r.type, r.name, r.path])).toEqual([
      ['initContainers', 'setup', 'spec.template.spec.initContainers[0]'],
      ['initContainers', 'proxy', 'spec.template.spec.initContainers[1]'],
      ['containers', 'app', 'spec.template.spec.containers[0]'],
      ['ephemeralContainers', 'debug', 'spec.template.spec.ephemeralContainers[0]'],
    ]);
    expect(refs.filter(isSidecar).map((r) => r.name)).toEqual(['proxy']);
  });

  it('tolerates missing and malformed lists', () => {
    expect(containersOf({ containers: 'nope' as never }, 'spec')).toEqual([]);
  });
});
