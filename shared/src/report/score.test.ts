import { describe, expect, it } from 'vitest';
import type { Outcome, OutcomeStatus, Severity } from '../engine/types.js';
import { postureScore } from './score.js';

const o = (status: OutcomeStatus, severity: Severity): Pick<Outcome, 'status' | 'severity'> => ({ status, severity });

describe('postureScore', () => {
  it('is 100 when nothing passed or failed', () => {
    expect(postureScore([])).toBe(100);
    expect(postureScore([o('not-applicable', 'high'), o('no-data', 'critical'), o('exempt', 'high')])).toBe(100);
  });

  it('weights passes and fails by severity (critical 10, high 7, medium 4, low 1)', () => {
    // passed: high 7 + medium 4 + low 1 = 12; failed: critical 10 → 12 / 22
    expect(postureScore([o('pass', 'high'), o('pass', 'medium'), o('pass', 'low'), o('fail', 'critical')])).toBe(54.5);
    expect(postureScore([o('pass', 'critical'), o('fail', 'low')])).toBe(90.9);
    expect(postureScore([o('fail', 'medium')])).toBe(0);
    expect(postureScore([o('pass', 'low')])).toBe(100);
  });

  it('leaves exempt, no-data and not-applicable outcomes out', () => {
    expect(postureScore([o('pass', 'high'), o('exempt', 'critical'), o('no-data', 'critical'), o('not-applicable', 'low')])).toBe(100);
  });

  it('rounds to one decimal', () => {
    // 1 / 3 passed at equal weight
    expect(postureScore([o('pass', 'low'), o('fail', 'low'), o('fail', 'low')])).toBe(33.3);
  });
});
