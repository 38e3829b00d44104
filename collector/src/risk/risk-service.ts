// Risk where users see it. Each cluster's workload contexts are tracked by the findings
// engine itself: the internal `risk.context` check runs beside the controls (one reverse
// index, each read recorded once, and the same snapshot holds: a context that read a kind
// being listed waits for the listing to end). This service is that check's other half
// (FindingRisk): it records the contexts each engine call computed, scores each finding as
// its row is written, and re-scores in the same unit of work the stored findings of the
// linked objects (Service, ServiceAccount, binding, role…) whose risk moved. A unit that
// fails has its re-scoring redone with the cluster's next one. It also answers the attack
// paths and the findings on them.
import type { Control, Severity, SubjectResult } from '@stance/shared/engine/index';
import type { Logger } from '@stance/shared/log/index';
import { refKey, RiskContexts, type AttackPath, type ObjectRef } from '@stance/shared/risk/index';
import type { FindingRisk, StoredRisk, SubjectRef } from '../findings/finding-risk.js';
import type { Db } from '../store/database.js';
import { FindingScorer, subjectScorer } from './finding-scorer.js';
import { RiskStore, type ScoredFinding } from './risk-store.js';

export interface RiskServiceOptions {
  /** Told after stored risk or attack paths changed in a cluster (the dashboard's stream). */
  onRiskChanged?: (clusterId: string) => void;
}

export interface ClusterAttackPath extends AttackPath {
  cluster: string;
}

interface ClusterRisk {
  contexts: RiskContexts;
  /** Objects whose risk moved, waiting for `rescore` (recorded by the current engine call). */
  moved: Map<string, ObjectRef>;
  /** Re-scored in the current unit of work: redone with the next one if it fails. */
  inUnit: Map<string, ObjectRef>;
  /** Anything moved in the current unit (contexts or stored scores). */
  changed: boolean;
}

export class RiskService implements FindingRisk {
  readonly store: RiskStore;
  /** Totals since start (tests, figures). */
  readonly stats = { findingsRescored: 0 };
  private readonly clusters = new Map<string, ClusterRisk>();
  private readonly findings: FindingScorer;
  private running = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    db: Db,
    private readonly log: Logger,
    private readonly opts: RiskServiceOptions = {},
  ) {
    this.store = new RiskStore(db);
    this.findings = new FindingScorer(this.store);
  }

  control(clusterId: string): Control {
    return this.cluster(clusterId).contexts.control;
  }

  record(clusterId: string, results: SubjectResult[]): void {
    const c = this.cluster(clusterId);
    for (const ref of c.contexts.record(results)) c.moved.set(refKey(ref), ref);
  }

  scorer(clusterId: string, subjectKey: string, subject: SubjectRef): (severity: Severity) => StoredRisk {
    return subjectScorer(this.cluster(clusterId).contexts.index, subjectKey, subject);
  }

  rescore(clusterId: string, written: ReadonlySet<string>): void {
    const c = this.cluster(clusterId);
    if (c.moved.size === 0) return;
    const refs = [...c.moved.values()];
    for (const [k, ref] of c.moved) c.inUnit.set(k, ref);
    c.moved.clear();
    c.changed = true;
    this.stats.findingsRescored += this.findings.rescore(c.contexts.index, clusterId, refs, written);
  }

  settle(committed: boolean): void {
    for (const [id, c] of this.clusters) {
      c.contexts.forget();
      if (committed) {
        c.inUnit.clear();
        if (c.changed) this.opts.onRiskChanged?.(id);
      } else {
        // Rolled back: the scores written are lost; the contexts stand (they follow the stored objects).
        for (const [k, ref] of c.inUnit) c.moved.set(k, ref);
        c.inUnit.clear();
      }
      c.changed = false;
    }
    this.notifyIdle();
  }

  /** Objects whose findings wait to be re-scored (after a failed unit of work): how far risk lags. */
  get backlog(): number {
    let n = 0;
    for (const c of this.clusters.values()) n += c.moved.size;
    return n;
  }

  /** Re-scores every unresolved finding (after storage recovered: writes may have been lost). */
  async rescoreAll(): Promise<void> {
    this.running += 1;
    try {
      for (const [id, c] of this.clusters) {
        const moved = await this.findings.rescoreAll(c.contexts.index, id, () => this.stopped);
        this.stats.findingsRescored += moved;
        if (moved > 0) this.opts.onRiskChanged?.(id);
      }
    } catch (err) {
      if (!this.stopped) this.log.error({ err }, 'risk re-scoring failed; risk may lag until the next change or start');
    } finally {
      this.running -= 1;
      this.notifyIdle();
    }
  }

  /** Resolves when no re-scoring waits or runs. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
  }

  /** Attack paths of one cluster or of all, highest scored first. */
  attackPaths(clusterId?: string): ClusterAttackPath[] {
    const out: ClusterAttackPath[] = [];
    for (const [id, c] of this.clusters) {
      if (clusterId !== undefined && id !== clusterId) continue;
      for (const p of c.contexts.index.attackPaths()) out.push({ ...p, cluster: id });
    }
    return out.sort((a, b) => b.score - a.score || cmp(a.cluster, b.cluster) || cmp(a.id, b.id));
  }

  /** The riskiest open findings on the objects of a path, at most `limit`. */
  findingsOnPath(path: ClusterAttackPath, limit: number): ScoredFinding[] {
    const out: ScoredFinding[] = [];
    for (const step of path.steps) {
      for (const uid of this.store.uidsOf(path.cluster, step.kind, step.namespace, step.name)) {
        for (const f of this.store.ofSubject(path.cluster, uid)) if (f.status === 'open') out.push(f);
      }
    }
    return out.sort((a, b) => b.riskScore - a.riskScore || cmp(a.controlId, b.controlId)).slice(0, limit);
  }

  /** Workloads with a context, per cluster (figures). */
  figures(): Record<string, { workloads: number }> {
    return Object.fromEntries([...this.clusters].map(([id, c]) => [id, { workloads: c.contexts.index.size }]));
  }

  private cluster(id: string): ClusterRisk {
    let c = this.clusters.get(id);
    if (!c) this.clusters.set(id, (c = { contexts: new RiskContexts(), moved: new Map(), inUnit: new Map(), changed: false }));
    return c;
  }

  private isIdle(): boolean {
    return this.running === 0 && this.backlog === 0;
  }

  private notifyIdle(): void {
    if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
