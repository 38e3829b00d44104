// Writes the risk of stored unresolved findings from a cluster's contexts: those of the
// objects whose risk a change moved (but for subjects whose findings were just written
// with their risk), and every unresolved finding of a cluster (after storage recovered:
// writes may have been lost). A subject's facts are worked out once for all of its
// findings; a score is written only when it differs from the stored one; a resolved
// finding keeps the risk it had.
import type { Severity } from '@stance/shared/engine/index';
import { scoreRisk, type Facts, type ObjectRef, type RiskIndex } from '@stance/shared/risk/index';
import type { StoredRisk, SubjectRef } from '../findings/finding-risk.js';
import type { RiskStore, ScoredFinding } from './risk-store.js';

/** Unresolved findings per page (and transaction) of the full re-score. */
const PAGE = 500;

/** The risk of a subject's findings by severity, its facts worked out at the first call. */
export function subjectScorer(index: RiskIndex, subjectKey: string, subject: SubjectRef): (severity: Severity) => StoredRisk {
  let facts: Facts | undefined;
  const bySeverity = new Map<Severity, StoredRisk>();
  return (severity) => {
    let scored = bySeverity.get(severity);
    if (!scored) {
      facts ??= index.factsOf({ subjectKey, subject });
      const risk = scoreRisk(severity, facts);
      bySeverity.set(severity, (scored = { score: risk.score, factors: JSON.stringify(risk.factors) }));
    }
    return scored;
  };
}

export class FindingScorer {
  constructor(private readonly store: RiskStore) {}

  /** Re-scores the unresolved findings of these objects, but for subjects in `skip`; returns how many moved. */
  rescore(index: RiskIndex, clusterId: string, refs: Iterable<ObjectRef>, skip: ReadonlySet<string>): number {
    let n = 0;
    for (const ref of refs) {
      for (const uid of this.store.uidsOf(clusterId, ref.kind, ref.namespace, ref.name)) {
        if (!skip.has(uid)) n += this.writeSubject(index, this.store.ofSubject(clusterId, uid));
      }
    }
    return n;
  }

  /** Every unresolved finding of the cluster, a page per transaction, yielding between pages; returns how many moved. */
  async rescoreAll(index: RiskIndex, clusterId: string, stopped: () => boolean): Promise<number> {
    let after = { subjectKey: '', controlId: '' };
    let n = 0;
    while (!stopped()) {
      const page = this.store.unresolvedAfter(clusterId, after, PAGE);
      if (page.length === 0) break;
      n += this.store.transaction(() => {
        let moved = 0;
        // Pages run in subject order: a subject's findings are consecutive (one may straddle two pages).
        for (let i = 0; i < page.length; ) {
          let j = i + 1;
          while (j < page.length && page[j]!.subjectKey === page[i]!.subjectKey) j++;
          moved += this.writeSubject(index, page.slice(i, j));
          i = j;
        }
        return moved;
      });
      after = page[page.length - 1]!;
      await new Promise((r) => setImmediate(r));
    }
    return n;
  }

  /** Findings of one subject: its facts once, a risk per severity, written where they moved. */
  private writeSubject(index: RiskIndex, findings: readonly ScoredFinding[]): number {
    if (findings.length === 0) return 0;
    const f0 = findings[0]!;
    const score = subjectScorer(index, f0.subjectKey, { kind: f0.kind, name: f0.name, ...(f0.namespace ? { namespace: f0.namespace } : {}) });
    let n = 0;
    for (const f of findings) {
      const scored = score(f.severity);
      if (scored.score === f.riskScore && scored.factors === f.riskFactors) continue;
      this.store.setRisk(f, scored.score, scored.factors);
      n += 1;
    }
    return n;
  }
}
