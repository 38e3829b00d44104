import { describe, expect, it } from 'vitest';
import { durationMs } from './duration.js';

describe('durationMs', () => {
  it.each([
    ['0', {}, 0],
    ['5m', {}, 300_000],
    ['4h0m0s', {}, 14_400_000],
    ['1.5s', {}, 1500],
    ['300ms', {}, 300],
    ['1h30m', {}, 5_400_000],
    ['250us', {}, 0.25],
    ['30', {}, undefined],
    ['30', { bareUnit: 's' as const }, 30_000],
    ['30', { bareUnit: 'ms' as const }, 30],
    ['', {}, undefined],
    ['5 m', {}, undefined],
    ['5x', {}, undefined],
    ['-5s', {}, undefined],
    ['s', {}, undefined],
  ])('%s %j → %s', (text, opts, expected) => expect(durationMs(text, opts)).toBe(expected));
});
