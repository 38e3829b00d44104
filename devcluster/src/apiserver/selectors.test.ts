import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@stance/shared/model/index';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';

const obj = (labels: Record<string, string>, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', labels },
  ...extra,
});

describe('label selectors', () => {
  const cases: [string, Record<string, string>, boolean][] = [
    ['app=web', { app: 'web' }, true],
    ['app==web', { app: 'api' }, false],
    ['app!=web', {}, true],
    ['app in (web, api)', { app: 'api' }, true],
    ['app notin (web)', { app: 'web' }, false],
    ['app notin (web)', {}, true],
    ['app', { app: '' }, true],
    ['!app', { app: 'x' }, false],
    ['tier=db,app in (a,b)', { tier: 'db', app: 'b' }, true],
    ['replicas>2', { replicas: '3' }, true],
    ['replicas<2', { replicas: '3' }, false],
    ['', { any: 'x' }, true],
  ];
  it.each(cases)('%s on %o is %s', (sel, labels, want) => {
    expect(parseLabelSelector(sel)(obj(labels))).toBe(want);
  });

  it('rejects malformed selectors', () => {
    expect(() => parseLabelSelector('app in web')).toThrow(/unable to parse/);
    expect(() => parseLabelSelector('-bad=x')).toThrow(/invalid label key/);
  });
});

describe('field selectors', () => {
  it('matches metadata fields and per-kind fields, refuses unknown ones', () => {
    const pod = obj({}, { spec: { nodeName: 'n1' }, status: { phase: 'Running' } });
    expect(parseFieldSelector('metadata.name=p,metadata.namespace==ns', 'Pod')(pod)).toBe(true);
    expect(parseFieldSelector('metadata.namespace!=ns', 'Pod')(pod)).toBe(false);
    expect(parseFieldSelector('spec.nodeName=n1,status.phase=Running', 'Pod')(pod)).toBe(true);
    expect(() => parseFieldSelector('spec.nodeName=n1', 'ConfigMap')).toThrow(/not supported/);
  });
});
