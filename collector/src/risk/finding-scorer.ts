// Writes each unresolved finding's risk from its cluster's tracker: the findings of
// subjects whose findings opened, reopened, changed severity or were excepted (taken from
// the findings feed), the findings of the objects whose risk a change may have moved, and —
// after a tracker is loaded — every unresolved finding of its cluster. A subject's facts
// are worked out once for all of its findings; a score is written only when it differs
// from the stored one; a resolved finding keeps the risk it had.
import type { Severity } from '@stance/shared/engine/index';
import { scoreRisk, type ObjectRef, type Risk, type RiskTracker } from '@stance/shared/risk/index';
import type { FindingTransition } from '../findings/feed/transition.js';
import type { RiskStore, ScoredFinding } from './risk-store.js';

/** Unresolved findings per page (and transaction) of the full re-score. */
const PAGE = 500;

export class FindingScorer {
  /**
   * Subjects whose findings the feed reported opened or changed, per cluster, waiting for
   * their findings to be scored: a sync opens a few findings per subject, and a subject's
   * key is all that waits (read back by index when scored).
   */
  private readonly pending = new Map<string, Set<string>>();
  private waiting = 0;

  constructor(
    private readonly store: RiskStore,
    private readonly trackerOf: (clusterId: string) => RiskTracker,
  ) {}

  get backlog(): number {
    return this.waiting;
  }

  /** From the findings feed (after commit); a resolved finding keeps its risk. */
  note(batch: readonly FindingTransition[]): void {
    for (const t of batch) {
      if (t.type === 'resolved') continue;
      let subjects = this.pending.get(t.finding.clusterId);
      if (!subjects) this.pending.set(t.finding.clusterId, (subjects = new Set()));
      if (!subjects.has(t.finding.subjectKey)) {
        subjects.add(t.finding.subjectKey);
        this.waiting += 1;
      }
    }
  }

  /** Scores the findings of up to `max` noted subjects of one cluster in one transaction; returns that cluster when any score moved. */
  scorePending(max: number): string | undefined {
    const next = this.pending.entries().next();
    if (next.done) return undefined;
    const [clusterId, subjects] = next.value;
    const batch: string[] = [];
    for (const subjectKey of subjects) {
      batch.push(subjectKey);
      subjects.delete(subjectKey);
      if (batch.length >= max) break;
    }
    if (subjects.size === 0) this.pending.delete(clusterId);
    this.waiting -= batch.length;
    const tracker = this.trackerOf(clusterId);
    const moved = this.store.transaction(() => batch.reduce((n, subjectKey) => n + this.writeSubject(tracker, this.store.ofSubject(clusterId, subjectKey)), 0));
    return moved > 0 ? clusterId : undefined;
  }

  /** Re-scores the unresolved findings of the objects a tracker reported; returns how many moved. */
  rescore(clusterId: string, refs: readonly ObjectRef[]): number {
    if (refs.length === 0) return 0;
    const tracker = this.trackerOf(clusterId);
    return this.store.transaction(() => {
      let n = 0;
      for (const ref of refs) {
        for (const uid of this.store.uidsOf(clusterId, ref.kind, ref.namespace, ref.name)) n += this.writeSubject(tracker, this.store.ofSubject(clusterId, uid));
      }
      return n;
    });
  }

  /** Every unresolved finding of the cluster, a page per transaction, yielding between pages; returns how many moved. */
  async rescoreAll(clusterId: string, stopped: () => boolean): Promise<number> {
    const tracker = this.trackerOf(clusterId);
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
          moved += this.writeSubject(tracker, page.slice(i, j));
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
  private writeSubject(tracker: RiskTracker, findings: readonly ScoredFinding[]): number {
    if (findings.length === 0) return 0;
    const f0 = findings[0]!;
    const facts = tracker.index.factsOf({ subjectKey: f0.subjectKey, subject: { kind: f0.kind, name: f0.name, ...(f0.namespace ? { namespace: f0.namespace } : {}) } });
    const bySeverity = new Map<Severity, { risk: Risk; factors: string }>();
    let n = 0;
    for (const f of findings) {
      let scored = bySeverity.get(f.severity);
      if (!scored) {
        const risk = scoreRisk(f.severity, facts);
        bySeverity.set(f.severity, (scored = { risk, factors: JSON.stringify(risk.factors) }));
      }
      if (scored.risk.score === f.riskScore && scored.factors === f.riskFactors) continue;
      this.store.setRisk(f, scored.risk.score, scored.factors);
      n += 1;
    }
    return n;
  }
}
