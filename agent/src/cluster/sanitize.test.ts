import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@stance/shared/model/index';
import { sanitize, truncated } from './sanitize.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const managedFields = [{ manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:spec': {} } }];

describe('sanitize', () => {
  it('drops managedFields and keeps everything else of ordinary objects', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'prod', uid: 'u1', resourceVersion: '7', labels: { app: 'web' }, annotations: { [LAST_APPLIED]: '{}' }, managedFields },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
      status: { phase: 'Running' },
    };
    const out = sanitize(pod, 'Pod', 'v1');
    expect(out.metadata.managedFields).toBeUndefined();
    expect(out).toEqual({ ...pod, metadata: { name: 'web', namespace: 'prod', uid: 'u1', resourceVersion: '7', labels: { app: 'web' }, annotations: { [LAST_APPLIED]: '{}' } } });
    // The input is not modified (it may be shared with the caller).
    expect(pod.metadata.managedFields).toBe(managedFields);
  });

  it('names the real kind of a metadata-only listing item', () => {
    const partial: KubeObject = { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: { name: 'cfg', uid: 'u2' } };
    const out = sanitize(partial, 'ConfigMap', 'v1');
    expect(out.apiVersion).toBe('v1');
    expect(out.kind).toBe('ConfigMap');
  });

  it('reduces a Secret to metadata and type: no data, stringData nor last-applied copy', () => {
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db',
        namespace: 'prod',
        uid: 'u3',
        resourceVersion: '9',
        labels: { tier: 'db' },
        annotations: { [LAST_APPLIED]: '{"data":{"password":"aHVudGVyMg=="}}', owner: 'team-a' },
        managedFields,
      },
      type: 'Opaque',
      immutable: true,
      data: { password: 'aHVudGVyMg==' },
      stringData: { user: 'admin' },
    };
    const out = sanitize(secret, 'Secret', 'v1');
    expect(out).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'prod', uid: 'u3', resourceVersion: '9', labels: { tier: 'db' }, annotations: { owner: 'team-a' } },
      type: 'Opaque',
      immutable: true,
    });
    const text = JSON.stringify(out);
    expect(text).not.toContain('aHVudGVyMg');
    expect(text).not.toContain('admin');
    // The caller's object keeps its annotation.
    expect(secret.metadata.annotations?.[LAST_APPLIED]).toBeDefined();
  });

  it('handles a metadata-only Secret without annotations or type', () => {
    const out = sanitize({ apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: { name: 's', uid: 'u4' } }, 'Secret', 'v1');
    expect(out).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', uid: 'u4' } });
  });
});

describe('truncated', () => {
  it('keeps identity, drops the body and says why', () => {
    const big: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'huge', namespace: 'ns', uid: 'u5', resourceVersion: '3', labels: { a: 'b' }, annotations: { keep: 'me' }, managedFields },
      data: { blob: 'x'.repeat(1000) },
    };
    const out = truncated(big, 5_000_000);
    expect(out.data).toBeUndefined();
    expect(out.metadata).toMatchObject({ name: 'huge', namespace: 'ns', uid: 'u5', resourceVersion: '3', labels: { a: 'b' } });
    expect(out.metadata.managedFields).toBeUndefined();
    expect(out.metadata.annotations?.keep).toBe('me');
    expect(out.metadata.annotations?.['stance.dev/truncated']).toContain('5000000 bytes');
    expect(big.metadata.annotations).toEqual({ keep: 'me' });
  });
});
