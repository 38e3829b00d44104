// Posture scores kept incrementally: each subject's outcome codes are added to or
// removed from weighted tallies per cluster, namespace and framework, so a score is
// always current without re-reading every outcome. The same codes count the findings
// (a failing code is an open finding, an exempt one an excepted finding), so a scrape
// reads counts instead of grouping every finding row. A unit of work that rolls back
// undoes its counts too (`mark` / `undo`), as SubjectCodes does its codes.
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

/** One subject's codes replaced (absent: none), as the journal keeps it to undo. Code sets are never mutated. */
type Moved = [clusterId: string, namespace: string, from: OutcomeCodes | undefined, to: OutcomeCodes | undefined];

export interface OpenFindingCount {
  clusterId: string;
  namespace: string;
  severity: Severity;
  controlId: string;
  n: number;
}

export class PostureTallies {
  /** cluster → scope ("cluster", "namespace:x", "framework:y") → tally */
  private readonly tallies = new Map<string, Map<string, Tally>>();
  /** Per control: the framework scopes it counts in ("framework:y"), built once. */
  private readonly frameworkScopesOf = new Map<string, string[]>();
  private readonly severityOf = new Map<string, Severity>();
  readonly dirty = new Set<string>();
  /** cluster → "namespace\0severity\0control" → open findings */
  private readonly open = new Map<string, Map<string, number>>();
  /** cluster → excepted findings */
  private readonly excepted = new Map<string, number>();
  /** Subjects whose codes moved since the last `settle`, undone by `undo`. */
  private journal: Moved[] = [];
  private readonly nsScopes = new Map<string, string>();

  constructor(controls: readonly Control[]) {
    for (const c of controls) {
      this.frameworkScopesOf.set(c.id, [...new Set(c.frameworks.map((f) => f.framework))].map((f) => `framework:${f}`));
      this.severityOf.set(c.id, c.severity);
    }
  }

  /** Adds (sign 1) or removes (sign -1) one subject's outcomes. */
  apply(clusterId: string, namespace: string, codes: OutcomeCodes, sign: 1 | -1): void {
    if (sign === 1) this.move(clusterId, namespace, undefined, codes);
    else this.move(clusterId, namespace, codes, undefined);
  }

  /**
   * Replaces one subject's outcomes `before` by `after`: the same tallies as removing the
   * one and adding the other, touching only the controls whose code changed (most
   * re-evaluations change none).
   */
  applyChange(clusterId: string, namespace: string, before: OutcomeCodes | undefined, after: OutcomeCodes): void {
    this.move(clusterId, namespace, before, after);
  }

  private move(clusterId: string, namespace: string, from: OutcomeCodes | undefined, to: OutcomeCodes | undefined, journal = true): void {
    const scopes = this.scopesOf(clusterId);
    if (from) {
      for (const controlId in from) {
        const code = from[controlId]!;
        if (to?.[controlId] !== code) this.count(clusterId, scopes, namespace, controlId, code, -1);
      }
    }
    if (to) {
      for (const controlId in to) {
        const code = to[controlId]!;
        if (from?.[controlId] !== code) this.count(clusterId, scopes, namespace, controlId, code, 1);
      }
    }
    if (journal) this.journal.push([clusterId, namespace, from, to]);
  }

  /** Where the unit of work starting now begins in the journal. */
  mark(): number {
    return this.journal.length;
  }

  /** Undoes every count applied since `mark` (its unit of work rolled back). */
  undo(mark: number): void {
    const undone = this.journal.splice(mark);
    for (let i = undone.length - 1; i >= 0; i--) {
      const [clusterId, namespace, from, to] = undone[i]!;
      this.move(clusterId, namespace, to, from, false);
    }
  }

  /** The outermost unit of work committed (or the start-up load ended): nothing left to undo. */
  settle(): void {
    this.journal = [];
  }

  private scopesOf(clusterId: string): Map<string, Tally> {
    let scopes = this.tallies.get(clusterId);
    if (!scopes) this.tallies.set(clusterId, (scopes = new Map()));
    this.dirty.add(clusterId);
    return scopes;
  }

  private count(clusterId: string, scopes: Map<string, Tally>, namespace: string, controlId: string, code: string, sign: 1 | -1): void {
    let pass: boolean;
    let severity: Severity;
    if (code === 'pass') {
      pass = true;
      severity = this.severityOf.get(controlId) ?? 'low';
    } else if (code.startsWith('fail:')) {
      pass = false;
      severity = code.slice(5) as Severity;
      const open = this.open.get(clusterId) ?? this.open.set(clusterId, new Map()).get(clusterId)!;
      const key = `${namespace}\0${severity}\0${controlId}`;
      const n = (open.get(key) ?? 0) + sign;
      if (n === 0) open.delete(key);
      else open.set(key, n);
    } else {
      if (code === 'exempt') this.excepted.set(clusterId, (this.excepted.get(clusterId) ?? 0) + sign);
      return; // exempt and no-data are left out of the score
    }
    const w = SEVERITY_WEIGHT[severity] ?? 1;
    this.add(scopes, 'cluster', pass, sign * w, sign);
    if (namespace) this.add(scopes, this.nsScopes.get(namespace) ?? this.nsScopes.set(namespace, `namespace:${namespace}`).get(namespace)!, pass, sign * w, sign);
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

  /** Open findings by cluster, namespace, severity and control. */
  openFindings(): OpenFindingCount[] {
    const out: OpenFindingCount[] = [];
    for (const [clusterId, counts] of this.open) {
      for (const [key, n] of counts) {
        const [namespace, severity, controlId] = key.split('\0') as [string, Severity, string];
        out.push({ clusterId, namespace, severity, controlId, n });
      }
    }
    return out;
  }

  /** A cluster's open and excepted findings. */
  unresolvedFindings(clusterId: string): { open: number; excepted: number } {
    let open = 0;
    for (const n of this.open.get(clusterId)?.values() ?? []) open += n;
    return { open, excepted: this.excepted.get(clusterId) ?? 0 };
  }

  scopes(clusterId: string): string[] {
    return [...(this.tallies.get(clusterId)?.entries() ?? [])].filter(([, t]) => t.passed + t.failed > 0).map(([s]) => s);
  }
}
