import { describe, expect, it } from 'vitest';
import { applyCollectorV8Flags, COLLECTOR_V8_FLAGS } from './runtime-flags.js';

describe('applyCollectorV8Flags', () => {
  it('applies the built-in flags, or STANCE_COLLECTOR_V8_FLAGS instead (empty: none)', () => {
    expect(applyCollectorV8Flags({})).toEqual([...COLLECTOR_V8_FLAGS]);
    expect(applyCollectorV8Flags({ STANCE_COLLECTOR_V8_FLAGS: ' --heap-growing-percent=80  ' })).toEqual(['--heap-growing-percent=80']);
    expect(applyCollectorV8Flags({ STANCE_COLLECTOR_V8_FLAGS: '' })).toEqual([]);
  });
});
