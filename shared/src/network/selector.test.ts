import { describe, expect, it } from 'vitest';
import { InvalidSelectorError, matchesSelector, safeMatchesSelector } from './selector.js';

const labels = { app: 'web', tier: 'front' };

describe('matchesSelector', () => {
  it('empty selector matches everything, absent selector follows whenAbsent', () => {
    expect(matchesSelector({}, labels)).toBe(true);
    expect(matchesSelector({}, undefined)).toBe(true);
    expect(matchesSelector(undefined, labels)).toBe(false);
    expect(matchesSelector(null, labels, true)).toBe(true);
  });

  it('matchLabels requires every pair', () => {
    expect(matchesSelector({ matchLabels: { app: 'web' } }, labels)).toBe(true);
    expect(matchesSelector({ matchLabels: { app: 'web', tier: 'back' } }, labels)).toBe(false);
    expect(matchesSelector({ matchLabels: { env: 'prod' } }, labels)).toBe(false);
  });

  it('In / NotIn / Exists / DoesNotExist', () => {
    const m = (operator: string, key: string, values?: string[]) => matchesSelector({ matchExpressions: [{ key, operator, values }] }, labels);
    expect(m('In', 'app', ['web', 'db'])).toBe(true);
    expect(m('In', 'app', ['db'])).toBe(false);
    expect(m('In', 'env', ['prod'])).toBe(false);
    expect(m('NotIn', 'app', ['db'])).toBe(true);
    expect(m('NotIn', 'app', ['web'])).toBe(false);
    expect(m('NotIn', 'env', ['prod'])).toBe(true); // a missing key is not in any set
    expect(m('Exists', 'tier')).toBe(true);
    expect(m('Exists', 'env')).toBe(false);
    expect(m('DoesNotExist', 'env')).toBe(true);
    expect(m('DoesNotExist', 'app')).toBe(false);
  });

  it('ANDs matchLabels and all expressions', () => {
    const sel = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }, { key: 'env', operator: 'DoesNotExist' }] };
    expect(matchesSelector(sel, labels)).toBe(true);
    expect(matchesSelector(sel, { ...labels, env: 'x' })).toBe(false);
  });

  it('rejects invalid requirements with a typed error; safeMatchesSelector matches nothing', () => {
    const bad = { matchExpressions: [{ key: 'app', operator: 'Like', values: ['w*'] }] };
    expect(() => matchesSelector(bad, labels)).toThrow(InvalidSelectorError);
    expect(() => matchesSelector({ matchExpressions: [{ key: 'app', operator: 'In', values: [] }] }, labels)).toThrow(/In needs values/);
    expect(safeMatchesSelector(bad, labels, true)).toBe(false);
  });
});
