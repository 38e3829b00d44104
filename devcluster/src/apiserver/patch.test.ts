import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.js';
import { applyPatch, jsonPatch, mergePatch, patchTypeOf } from './patch.js';

describe('patches', () => {
  it('merge patch follows RFC 7386 (null deletes, objects merge, arrays replace)', () => {
    const target = { a: { b: 1, c: 2 }, list: [1, 2], keep: true };
    expect(mergePatch(target, { a: { b: null, d: 3 }, list: [3] })).toEqual({ a: { c: 2, d: 3 }, list: [3], keep: true });
    expect(target).toEqual({ a: { b: 1, c: 2 }, list: [1, 2], keep: true });
  });

  it('strategic merge drops $-directives and otherwise merges', () => {
    expect(applyPatch('strategic', { m: { a: 1 } }, { m: { b: 2 }, $setElementOrder: [] })).toEqual({ m: { a: 1, b: 2 } });
  });

  it('JSON patch supports add/remove/replace/move/copy/test and escapes', () => {
    const doc = { metadata: { labels: { 'a/b': 'x' } }, list: [1, 2, 3] };
    const out = jsonPatch(doc, [
      { op: 'add', path: '/list/-', value: 4 },
      { op: 'remove', path: '/list/0' },
      { op: 'replace', path: '/metadata/labels/a~1b', value: 'y' },
      { op: 'copy', from: '/metadata/labels/a~1b', path: '/copied' },
      { op: 'move', from: '/copied', path: '/moved' },
      { op: 'test', path: '/moved', value: 'y' },
    ]);
    expect(out).toEqual({ metadata: { labels: { 'a/b': 'y' } }, list: [2, 3, 4], moved: 'y' });
    expect(doc.list).toEqual([1, 2, 3]);
  });

  it('rejects bad operations with typed errors', () => {
    expect(() => jsonPatch({}, [{ op: 'remove', path: '/nope' }])).toThrow(ApiError);
    expect(() => jsonPatch({}, { op: 'add' })).toThrow(/array of operations/);
    expect(() => jsonPatch({ a: [] }, [{ op: 'add', path: '/a/5', value: 1 }])).toThrow(/out of range/);
    try {
      patchTypeOf('text/plain');
      expect.unreachable();
    } catch (e) {
      expect((e as ApiError).code).toBe(415);
    }
    expect(patchTypeOf('application/merge-patch+json; charset=utf-8')).toBe('merge');
  });
});
