import { describe, expect, it } from 'vitest';
import { DeltaType, type Delta, type NodeFacts } from '@stance/proto';
import { IngestError } from './errors.js';
import { NODE_FACTS_API_VERSION } from '@stance/shared/node/index';
import { validateDelta, validateNodeFacts } from './validate.js';

const MAX = 64 * 1024;

function delta(obj: unknown, over: Partial<Delta> = {}): Delta {
  return {
    type: DeltaType.DELTA_TYPE_ADDED,
    apiVersion: 'v1',
    kind: 'Pod',
    namespace: 'app',
    name: 'web',
    uid: 'u1',
    resourceVersion: '5',
    object: Buffer.from(typeof obj === 'string' ? obj : JSON.stringify(obj)),
    ...over,
  };
}

const podObj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'app', uid: 'u1', resourceVersion: '5' }, spec: { containers: [] } };

function rejection(fn: () => unknown): IngestError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(IngestError);
    return err as IngestError;
  }
  throw new Error('expected an IngestError');
}

describe('validateDelta', () => {
  it.each([DeltaType.DELTA_TYPE_ADDED, DeltaType.DELTA_TYPE_MODIFIED, DeltaType.DELTA_TYPE_SYNC])('turns type %i into an upsert carrying the JSON', (type) => {
    const v = validateDelta(delta(podObj, { type }), 7, MAX);
    expect(v).toEqual({
      op: 'upsert',
      resource: { apiVersion: 'v1', kind: 'Pod', namespace: 'app', name: 'web', uid: 'u1', resourceVersion: '5', json: JSON.stringify(podObj), parsed: podObj },
    });
  });

  it('reads the object from a Buffer view into a larger allocation', () => {
    const text = JSON.stringify(podObj);
    const pool = Buffer.from(`xxxx${text}yyyy`);
    const view = pool.subarray(4, 4 + text.length);
    const v = validateDelta(delta(podObj, { object: view }), 1, MAX);
    expect(v.op === 'upsert' && JSON.parse(v.resource.json)).toEqual(podObj);
  });

  it('turns DELETED into a delete by uid and kind without reading the object', () => {
    expect(validateDelta(delta('', { type: DeltaType.DELTA_TYPE_DELETED }), 1, MAX)).toEqual({ op: 'delete', uid: 'u1', kind: 'Pod' });
  });

  it('rejects objects nested deeper than any Kubernetes object, and metadata that is not maps of strings', () => {
    const deep = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"app","uid":"u1"},"spec":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(() => validateDelta(delta(deep), 1, 10 * MAX)).toThrow(/nested deeper than 100 levels/);
    const odd = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'p', namespace: 'app', uid: 'u1', annotations: 'oops' } };
    expect(() => validateDelta(delta(odd, { kind: 'Secret', name: 'p' }), 1, MAX)).toThrow(/labels and annotations must be maps of strings/);
    const labels = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'app', uid: 'u1', labels: { a: 1 } } };
    expect(() => validateDelta(delta(labels), 1, MAX)).toThrow(/labels and annotations must be maps of strings/);
  });

  it('removes Secret values that slipped through, keeping metadata', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'app', uid: 'u9' }, type: 'Opaque', data: { k: 'dmFsdWU=' }, stringData: { p: 'plain' } };
    const v = validateDelta(delta(secret, { kind: 'Secret', name: 's', uid: 'u9' }), 1, MAX);
    expect(v.op).toBe('upsert');
    const stored = JSON.parse((v as { resource: { json: string } }).resource.json);
    expect(stored).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'app', uid: 'u9' }, type: 'Opaque' });
  });

  it.each<[string, Delta, IngestError['code'], RegExp]>([
    ['no uid', delta(podObj, { uid: '' }), 'INVALID_MESSAGE', /without uid/],
    ['no kind', delta(podObj, { kind: '' }), 'INVALID_MESSAGE', /without kind/],
    ['no apiVersion', delta(podObj, { apiVersion: '' }), 'INVALID_MESSAGE', /without kind or apiVersion/],
    ['an unknown type', delta(podObj, { type: DeltaType.DELTA_TYPE_UNSPECIFIED }), 'INVALID_MESSAGE', /unknown type/],
    ['an unrecognized type', delta(podObj, { type: 42 as DeltaType }), 'INVALID_MESSAGE', /unknown type 42/],
    ['an object that is not JSON', delta('{"kind":'), 'INVALID_OBJECT', /Pod app\/web: object is not JSON/],
    ['JSON that is not an object', delta('[1,2]'), 'INVALID_OBJECT', /not a Kubernetes object/],
    ['an object without metadata', delta({ apiVersion: 'v1', kind: 'Pod' }), 'INVALID_OBJECT', /not a Kubernetes object/],
    ['a kind mismatch', delta({ ...podObj, kind: 'Service' }), 'INVALID_OBJECT', /does not match/],
    ['a uid mismatch', delta({ ...podObj, metadata: { ...podObj.metadata, uid: 'other' } }), 'INVALID_OBJECT', /does not match/],
    ['a namespace mismatch', delta({ ...podObj, metadata: { ...podObj.metadata, namespace: 'kube-system' } }), 'INVALID_OBJECT', /does not match/],
    ['a name mismatch', delta({ ...podObj, metadata: { ...podObj.metadata, name: 'other' } }), 'INVALID_OBJECT', /does not match/],
  ])('rejects %s', (_what, d, code, message) => {
    const e = rejection(() => validateDelta(d, 42, MAX));
    expect(e.code).toBe(code);
    expect(e.seq).toBe(42);
    expect(e.message).toMatch(message);
  });

  it('rejects an object over the size limit, naming it and both sizes', () => {
    const big = { ...podObj, data: 'x'.repeat(2000) };
    const size = Buffer.byteLength(JSON.stringify(big));
    const e = rejection(() => validateDelta(delta(big), 3, 1024));
    expect(e.code).toBe('OBJECT_TOO_LARGE');
    expect(e.message).toContain('Pod app/web');
    expect(e.message).toContain(String(size));
    expect(e.message).toContain('1024');
    // Exactly at the limit is fine.
    expect(validateDelta(delta(big), 3, size).op).toBe('upsert');
  });

  it('drops the last-applied annotation of a Secret, which embeds its values', () => {
    const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'app', uid: 'u9', annotations: { [lastApplied]: '{"data":{"k":"dmFsdWU="}}', team: 'a' } },
      type: 'Opaque',
    };
    const v = validateDelta(delta(secret, { kind: 'Secret', name: 's', uid: 'u9' }), 1, MAX);
    const json = (v as { resource: { json: string } }).resource.json;
    expect(json).not.toContain('dmFsdWU=');
    expect(JSON.parse(json).metadata.annotations).toEqual({ team: 'a' });
  });

  it('names cluster-scoped objects without a namespace', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app', uid: 'n1' } };
    const e = rejection(() => validateDelta(delta('nope', { kind: 'Namespace', namespace: '', name: 'app', uid: 'n1' }), 1, MAX));
    expect(e.message).toMatch(/^Namespace app:/);
    expect(validateDelta(delta(ns, { kind: 'Namespace', namespace: '', name: 'app', uid: 'n1' }), 1, MAX).op).toBe('upsert');
  });
});

describe('validateNodeFacts', () => {
  const facts = (over: Partial<NodeFacts> = {}): NodeFacts => ({
    nodeName: 'worker-1',
    contentHash: 'abc123',
    facts: Buffer.from(JSON.stringify({ kubelet: { anonymousAuth: false } })),
    collectedAtUnixMs: 1,
    ...over,
  });

  it('stores facts as one synthetic NodeFacts object per node, versioned by content hash', () => {
    // The stream's node name wins over the one in the document.
    expect(JSON.parse(validateNodeFacts(facts({ facts: Buffer.from('{"nodeName":"liar"}') }), 1, MAX).json).facts.nodeName).toBe('worker-1');
    const r = validateNodeFacts(facts(), 1, MAX);
    expect(r).toMatchObject({ apiVersion: NODE_FACTS_API_VERSION, kind: 'NodeFacts', namespace: '', name: 'worker-1', uid: 'nodefacts-worker-1', resourceVersion: 'abc123' });
    expect(JSON.parse(r.json)).toEqual({
      apiVersion: NODE_FACTS_API_VERSION,
      kind: 'NodeFacts',
      metadata: { name: 'worker-1', uid: 'nodefacts-worker-1', resourceVersion: 'abc123' },
      facts: { kubelet: { anonymousAuth: false }, nodeName: 'worker-1' },
    });
  });

  it.each<[string, NodeFacts, number, IngestError['code']]>([
    ['no node name', facts({ nodeName: '' }), MAX, 'INVALID_MESSAGE'],
    ['facts that are not JSON', facts({ facts: Buffer.from('{') }), MAX, 'INVALID_OBJECT'],
    ['facts that are not a JSON object', facts({ facts: Buffer.from('[1]') }), MAX, 'INVALID_OBJECT'],
    ['facts over the limit', facts({ facts: Buffer.from(JSON.stringify({ x: 'y'.repeat(100) })) }), 50, 'OBJECT_TOO_LARGE'],
  ])('rejects %s', (_what, f, max, code) => {
    const e = rejection(() => validateNodeFacts(f, 9, max));
    expect(e.code).toBe(code);
    expect(e.seq).toBe(9);
  });
});
