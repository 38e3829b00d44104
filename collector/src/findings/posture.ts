// Posture scores kept incrementally: each subject's outcome codes are added to or
// removed from weighted tallies per cluster, namespace and framework, so a score is
// always current without re-reading every outcome.
import { SEVERITY_WEIGHT, type Control, type Severity } from '@stance/shared/engine/index';
import type { OutcomeCodes } from './findings-store.js';

export interface Tally {
  /** Weighted by severity (critical 10, high 7, medium 4, low 1). */
  passedWeight: number;
  failedWeight: number;
  passed: number;
  failed: number;
}

export interface PostureView {
  score: number;
  passed: number;
  failed: number;
}

/** DESIGN.md: passed / (passed + failed), weighted by severity; 100 when nothing was checked. */
export function scoreOf(t: Tally): number {
  const total = t.passedWeight + t.failedWeight;
  return total === 0 ? 100 : Math.round((t.passedWeight / total) * 1000) / 10;
}

export class PostureTallies {
  /** cluster → scope ("cluster", "namespace:x", "framework:y") → tally */
  private readonly tallies = new Map<string, Map<string, Tally>>();
  private readonly frameworksOf = new Map<string, string[]>();
  private readonly severityOf = new Map<string, Severity>();
  readonly dirty = new Set<string>();

  constructor(controls: readonly Control[]) {
    for (const c of controls) {
      this.frameworksOf.set(c.id, [...new Set(c.frameworks.map((f) => f.framework))]);
      this.severityOf.set(c.id, c.severity);
    }
  }

  /** Adds (sign 1) or removes (sign -1) one subject's outcomes. */
  apply(clusterId: string, namespace: string, codes: OutcomeCodes, sign: 1 | -1): void {
    let scopes = this.tallies.get(clusterId);
    if (!scopes) this.tallies.set(clusterId, (scopes = new Map()));
    this.dirty.add(clusterId);
    for (const [controlId, code] of Object.entries(codes)) {
      let pass: boolean;
      let severity: Severity;
      if (code === 'pass') {
        pass = true;
        severity = this.severityOf.get(controlId) ?? 'low';
      } else if (code.startsWith('fail:')) {
        pass = false;
        severity = code.slice(5) as Severity;
      } else continue; // exempt and no-data are left out of the score
      const w = SEVERITY_WEIGHT[severity] ?? 1;
      const targets = ['cluster', ...(namespace ? [`namespace:${namespace}`] : []), ...(this.frameworksOf.get(controlId) ?? []).map((f) => `framework:${f}`)];
      for (const scope of targets) {
        let t = scopes.get(scope);
        if (!t) scopes.set(scope, (t = { passedWeight: 0, failedWeight: 0, passed: 0, failed: 0 }));
        if (pass) {
          t.passedWeight += sign * w;
          t.passed += sign;
        } else {
          t.failedWeight += sign * w;
          t.failed += sign;
        }
      }
    }
  }

  view(clusterId: string, scope: string): PostureView {
    const t = this.tallies.get(clusterId)?.get(scope) ?? { passedWeight: 0, failedWeight: 0, passed: 0, failed: 0 };
    return { score: scoreOf(t), passed: t.passed, failed: t.failed };
  }

  scopes(clusterId: string): string[] {
    return [...(this.tallies.get(clusterId)?.entries() ?? [])].filter(([, t]) => t.passed + t.failed > 0).map(([s]) => s);
  }
}
