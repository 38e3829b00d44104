// The posture score (DESIGN.md): passed / (passed + failed) checks, each weighted by its
// severity; exempt, not-applicable and no-data outcomes are left out. Shared by
// `stance scan` and the collector.
import { SEVERITY_WEIGHT, type Outcome } from '../engine/types.js';

/** The score's sums, added to one outcome at a time (a scan streams its outcomes). */
export class ScoreTally {
  private passed = 0;
  private total = 0;

  add(o: Pick<Outcome, 'status' | 'severity'>): void {
    if (o.status !== 'pass' && o.status !== 'fail') return;
    const w = SEVERITY_WEIGHT[o.severity];
    this.total += w;
    if (o.status === 'pass') this.passed += w;
  }

  /** 0–100, rounded to one decimal; 100 when nothing passed or failed. */
  score(): number {
    return this.total === 0 ? 100 : Math.round((this.passed / this.total) * 1000) / 10;
  }
}

/** 0–100, rounded to one decimal; 100 when nothing passed or failed. */
export function postureScore(outcomes: Iterable<Pick<Outcome, 'status' | 'severity'>>): number {
  const tally = new ScoreTally();
  for (const o of outcomes) tally.add(o);
  return tally.score();
}
