import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatch } from './glob.js';

/** The dialect's meaning, written as a (super-linear) regular expression, for comparison. */
const reference = (pattern: string, value: string) =>
  new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*')}$`).test(value);

describe('globMatch', () => {
  it.each([
    ['*', '', true],
    ['*', 'anything', true],
    ['pod.*', 'pod.privileged', true],
    ['pod.*', 'pod.', true],
    ['pod.*', 'rbac.wildcard', false],
    ['*.privileged', 'pod.privileged', true],
    ['rbac.*-binding', 'rbac.cluster-admin-binding', true],
    ['web-*', 'web-1', true],
    ['web-*', 'api-1', false],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbY', false],
    ['pod.?', 'pod.x', false],
    ['[a]', '[a]', true],
  ])('%s ~ %s → %s', (pattern, value, expected) => expect(globMatch(pattern, value)).toBe(expected));

  it('agrees with the regular-expression meaning of the dialect', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '*', '.', '-'), maxLength: 8 });
    fc.assert(fc.property(text, fc.string({ unit: fc.constantFrom('a', 'b', '.', '-'), maxLength: 12 }), (p, v) => globMatch(p, v) === reference(p, v)));
  });

  it('stays fast on a pattern that makes backtracking regexes explode', () => {
    const start = performance.now();
    expect(globMatch(`${'a*'.repeat(30)}b`, 'a'.repeat(5000))).toBe(false);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
