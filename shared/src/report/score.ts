// The posture score (DESIGN.md): passed / (passed + failed) checks, each weighted by its
// severity; exempt, not-applicable and no-data outcomes are left out. Shared by
// `stance scan` and the collector.
import { SEVERITY_WEIGHT, type Outcome } from '../engine/types.js';

/** 0–100, rounded to one decimal; 100 when nothing passed or failed. */
export function postureScore(outcomes: Iterable<Pick<Outcome, 'status' | 'severity'>>): number {
  let passed = 0;
  let total = 0;
  for (const o of outcomes) {
    if (o.status !== 'pass' && o.status !== 'fail') continue;
    const w = SEVERITY_WEIGHT[o.severity];
    total += w;
    if (o.status === 'pass') passed += w;
  }
  return total === 0 ? 100 : Math.round((passed / total) * 1000) / 10;
}
