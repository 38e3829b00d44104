// Writes each unresolved finding's risk from its cluster's tracker: findings that opened,
// reopened, changed severity or were excepted (taken from the findings feed), the
// findings of the objects whose risk a change may have moved, and — after a tracker is
// loaded — every unresolved finding of its cluster. A score is written only when it
// differs from the stored one; a resolved finding keeps the risk it had.
import type { RiskTracker, Risk, ObjectRef } from '@stance/shared/risk/index';
import type { FindingTransition } from '../findings/feed/transition.js';
import type { RiskStore, ScoredFinding } from './risk-store.js';

type ToScore = Pick<ScoredFinding, 'clusterId' | 'controlId' | 'subjectKey' | 'kind' | 'namespace' | 'name' | 'severity'>;

/** Unresolved findings per page of the full re-score. */
const PAGE = 1000;

export function riskOf(tracker: RiskTracker, f: ToScore): Risk {
  return tracker.scoreOf({ subjectKey: f.subjectKey, subject: { kind: f.kind, name: f.name, ...(f.namespace ? { namespace: f.namespace } : {}) } }, f.severity);
}

export class FindingScorer {
  /** Findings the feed reported, waiting for a score: the latest transition of each. */
  private readonly pending = new Map<string, ToScore>();

  constructor(
    private readonly store: RiskStore,
    private readonly trackerOf: (clusterId: string) => RiskTracker,
  ) {}

  get backlog(): number {
    return this.pending.size;
  }

  /** From the findings feed (after commit). */
  note(batch: readonly FindingTransition[]): void {
    for (const t of batch) {
      const f = t.finding;
      const key = `${f.clusterId}\u0001${f.controlId}\u0001${f.subjectKey}`;
      if (t.type === 'resolved') this.pending.delete(key);
      else this.pending.set(key, { clusterId: f.clusterId, controlId: f.controlId, subjectKey: f.subjectKey, kind: f.kind, namespace: f.namespace, name: f.name, severity: f.severity });
    }
  }

  /** Scores up to `max` noted findings in one transaction; returns the clusters whose stored risk changed. */
  scorePending(max: number): Set<string> {
    const changed = new Set<string>();
    if (this.pending.size === 0) return changed;
    const batch: ToScore[] = [];
    for (const [key, f] of this.pending) {
      batch.push(f);
      this.pending.delete(key);
      if (batch.length >= max) break;
    }
    this.store.transaction(() => {
      for (const f of batch) {
        this.store.setRisk(f, riskOf(this.trackerOf(f.clusterId), f));
        changed.add(f.clusterId);
      }
    });
    return changed;
  }

  /** Re-scores the unresolved findings of the objects a tracker reported; returns how many moved. */
  rescore(clusterId: string, refs: readonly ObjectRef[]): number {
    if (refs.length === 0) return 0;
    const tracker = this.trackerOf(clusterId);
    return this.store.transaction(() => {
      let n = 0;
      for (const ref of refs) {
        for (const uid of this.store.uidsOf(clusterId, ref.kind, ref.namespace, ref.name)) {
          for (const f of this.store.ofSubject(clusterId, uid)) if (this.write(tracker, f)) n += 1;
        }
      }
      return n;
    });
  }

  /** Every unresolved finding of the cluster, a page per transaction, yielding between pages; returns how many moved. */
  async rescoreAll(clusterId: string, stopped: () => boolean): Promise<number> {
    const tracker = this.trackerOf(clusterId);
    let after = { controlId: '', subjectKey: '' };
    let n = 0;
    while (!stopped()) {
      const page = this.store.unresolvedAfter(clusterId, after, PAGE);
      if (page.length === 0) break;
      n += this.store.transaction(() => page.filter((f) => this.write(tracker, f)).length);
      after = page[page.length - 1]!;
      await new Promise((r) => setImmediate(r));
    }
    return n;
  }

  private write(tracker: RiskTracker, f: ScoredFinding): boolean {
    const risk = riskOf(tracker, f);
    if (risk.score === f.riskScore && JSON.stringify(risk.factors) === f.riskFactors) return false;
    this.store.setRisk(f, risk);
    return true;
  }
}
