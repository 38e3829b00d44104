import { describe, expect, it } from 'vitest';
import { Occurrences } from './occurrences.js';

describe('Occurrences', () => {
  it('keeps the last occurrence of each identity and names the one it supersedes', () => {
    const o = new Occurrences();
    expect(o.add('Pod/a/x', 0, 1)).toBeUndefined();
    expect(o.add('Pod/a/y', 0, 5)).toBeUndefined();
    expect(o.add('Pod/a/x', 1, 3)).toEqual({ seq: 0, fileIndex: 0, line: 1 });
    expect(o.add('Pod/a/x', 2, 9)).toEqual({ seq: 2, fileIndex: 1, line: 3 });
    expect(o.size).toBe(4);
    o.seal();
    expect([0, 1, 2, 3].map((s) => o.isLatest(s))).toEqual([false, true, false, true]);
    expect(o.isLatest(4)).toBe(false);
  });

  it('tells many identities apart across table growth', () => {
    const o = new Occurrences();
    const n = 50_000;
    const firsts = Array.from({ length: n }, (_, i) => o.add(`ConfigMap/ns-${i % 7}/cm-${i}`, 0, i + 1));
    expect(firsts.filter((e) => e !== undefined)).toEqual([]);
    // Every third one again, later: each supersedes exactly its first occurrence.
    const again = Array.from({ length: Math.ceil(n / 3) }, (_, k) => o.add(`ConfigMap/ns-${(k * 3) % 7}/cm-${k * 3}`, 1, k * 3 + 1)?.seq);
    expect(again).toEqual(Array.from({ length: Math.ceil(n / 3) }, (_, k) => k * 3));
    o.seal();
    const latest = Array.from({ length: o.size }, (_, s) => o.isLatest(s));
    expect(latest).toEqual(Array.from({ length: o.size }, (_, s) => s >= n || s % 3 !== 0));
  });
});
