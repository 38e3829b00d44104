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
  /** Per control: the framework scopes it counts in ("framework:y"), built once. */
  private readonly frameworkScopesOf = new Map<string, string[]>();
  private readonly severityOf = new Map<string, Severity>();
  readonly dirty = new Set<string>();

  constructor(controls: readonly Control[]) {
    for (const c of controls) {
      this.frameworkScopesOf.set(c.id, [...new Set(c.frameworks.map((f) => f.framework))].map((f) => `framework:${f}`));
      this.severityOf.set(c.id, c.severity);
    }
  }

  /** Adds (sign 1) or removes (sign -1) one subject's outcomes. */
  apply(clusterId: string, namespace: string, codes: OutcomeCodes, sign: 1 | -1): void {
    const scopes = this.scopesOf(clusterId);
    const nsScope = namespace ? `namespace:${namespace}` : undefined;
    for (const controlId in codes) this.count(scopes, nsScope, controlId, codes[controlId]!, sign);
  }

  /**
   * Replaces one subject's outcomes `before` by `after`: the same tallies as removing the
   * one and adding the other, touching only the controls whose code changed (most
   * re-evaluations change none).
   */
  applyChange(clusterId: string, namespace: string, before: OutcomeCodes | undefined, after: OutcomeCodes): void {
    if (!before) return this.apply(clusterId, namespace, after, 1);
    const scopes = this.scopesOf(clusterId);
    const nsScope = namespace ? `namespace:${namespace}` : undefined;
    for (const controlId in before) {
      const code = before[controlId]!;
      if (after[controlId] !== code) this.count(scopes, nsScope, controlId, code, -1);
    }
    for (const controlId in after) {
      const code = after[controlId]!;
      if (before[controlId] !== code) this.count(scopes, nsScope, controlId, code, 1);
    }
  }

  private scopesOf(clusterId: string): Map<string, Tally> {
    let scopes = this.tallies.get(clusterId);
    if (!scopes) this.tallies.set(clusterId, (scopes = new Map()));
    this.dirty.add(clusterId);
    return scopes;
  }

  private count(scopes: Map<string, Tally>, nsScope: string | undefined, controlId: string, code: string, sign: 1 | -1): void {
    let pass: boolean;
    let severity: Severity;
    if (code === 'pass') {
      pass = true;
      severity = this.severityOf.get(controlId) ?? 'low';
    } else if (code.startsWith('fail:')) {
      pass = false;
      severity = code.slice(5) as Severity;
    } else return; // exempt and no-data are left out of the score
    const w = SEVERITY_WEIGHT[severity] ?? 1;
    this.add(scopes, 'cluster', pass, sign * w, sign);
    if (nsScope) this.add(scopes, nsScope, pass, sign * w, sign);
    for (const scope of this.frameworkScopesOf.get(controlId) ?? []) this.add(scopes, scope, pass, sign * w, sign);
  }

  private add(scopes: Map<string, Tally>, scope: string, pass: boolean, weight: number, n: number): void {
    let t = scopes.get(scope);
    if (!t) scopes.set(scope, (t = { passedWeight: 0, failedWeight: 0, passed: 0, failed: 0 }));
    if (pass) {
      t.passedWeight += weight;
      t.passed += n;
    } else {
      t.failedWeight += weight;
      t.failed += n;
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
