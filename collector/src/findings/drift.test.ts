import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@stance/shared/model/index';
import { fieldChanges, valueAt } from './drift.js';

const pod = (privileged: unknown, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'app', labels: { 'app.kubernetes.io/name': 'web' } },
  spec: { containers: [{ name: 'c', securityContext: privileged === undefined ? {} : { privileged } }], ...extra },
});

describe('valueAt', () => {
  const obj = pod(true, { volumes: [{ name: 'v', hostPath: { path: '/' } }] });

  it('follows dotted and indexed paths', () => {
    expect(valueAt(obj, 'spec.containers[0].securityContext.privileged')).toBe(true);
    expect(valueAt(obj, 'spec.containers[0].name')).toBe('c');
    expect(valueAt(obj, 'spec.volumes[0].hostPath')).toEqual({ path: '/' });
    expect(valueAt(obj, 'metadata.name')).toBe('web');
  });

  it('is undefined when any step is missing or not an object', () => {
    expect(valueAt(obj, 'spec.containers[3].name')).toBeUndefined();
    expect(valueAt(obj, 'spec.initContainers[0].name')).toBeUndefined();
    expect(valueAt(obj, 'metadata.name.length.x')).toBeUndefined();
    expect(valueAt(null, 'a')).toBeUndefined();
  });

  it('returns the whole value for an empty path', () => {
    expect(valueAt(obj, '')).toBe(obj);
  });
});

describe('fieldChanges', () => {
  const path = 'spec.containers[0].securityContext.privileged';

  it('reports the values before and after at each evidence path that changed', () => {
    expect(fieldChanges([path], pod(false), pod(true))).toEqual([{ path, from: false, to: true }]);
  });

  it('reports a field that appeared or vanished with null on the missing side', () => {
    expect(fieldChanges([path], pod(undefined), pod(true))).toEqual([{ path, from: null, to: true }]);
    expect(fieldChanges([path], pod(true), pod(undefined))).toEqual([{ path, from: true, to: null }]);
  });

  it('treats a created or deleted object as all-missing on the other side', () => {
    expect(fieldChanges([path], undefined, pod(true))).toEqual([{ path, from: null, to: true }]);
    expect(fieldChanges([path], pod(true), undefined)).toEqual([{ path, from: true, to: null }]);
  });

  it('leaves out paths whose value is the same, comparing structures by value', () => {
    const a = pod(true, { volumes: [{ name: 'v', hostPath: { path: '/' } }] });
    const b = pod(true, { volumes: [{ name: 'v', hostPath: { path: '/' } }] });
    expect(fieldChanges([path, 'spec.volumes[0].hostPath', 'spec.nothing'], a, b)).toEqual([]);
    const c = pod(true, { volumes: [{ name: 'v', hostPath: { path: '/etc' } }] });
    expect(fieldChanges([path, 'spec.volumes[0].hostPath'], a, c)).toEqual([{ path: 'spec.volumes[0].hostPath', from: { path: '/' }, to: { path: '/etc' } }]);
  });

  it('reports nothing without evidence paths', () => {
    expect(fieldChanges([], pod(false), pod(true))).toEqual([]);
  });
});
