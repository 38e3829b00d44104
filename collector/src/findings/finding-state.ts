// The finding state machine: an outcome opens, updates or excepts a finding, a pass (or a
// vanished subject) resolves it. Each step saves the row and records one typed transition
// on the feed (opened, reopened, updated, excepted, unexcepted, resolved), which writes
// the history in the same transaction and publishes it once committed.
import type { Control, Outcome, Severity, SubjectResult } from '@stance/shared/engine/index';
import type { ChangeFeed } from './feed/change-feed.js';
import type { StoredRisk } from './finding-risk.js';
import type { FindingTransition, TransitionType } from './feed/transition.js';
import type { FindingRow, FindingsStore } from './findings-store.js';

/** Why and when: shared by every transition of one evaluated subject. */
export interface TransitionContext {
  resourceVersion: string | null;
  /** The cause recorded for a finding with these evidence paths. */
  cause: (evidence: readonly string[]) => unknown;
  now: number;
  /** From the commit of the change that caused this evaluation, when one did. */
  latencyMs?: number;
  /** The risk of an unresolved finding of the subject, by severity (absent: risk is not tracked). */
  risk?: (severity: Severity) => StoredRisk;
}

export interface FindingStats {
  evaluatedSubjects: number;
  /** Opened, reopened and unexcepted. */
  opened: number;
  resolved: number;
}

export type ClusterNamer = (clusterId: string) => string;

export class FindingStateMachine {
  private readonly controls: Map<string, Control>;

  constructor(
    private readonly store: FindingsStore,
    private readonly feed: ChangeFeed,
    controls: readonly Control[],
    private readonly clusterName: ClusterNamer,
    readonly stats: FindingStats,
  ) {
    this.controls = new Map(controls.map((c) => [c.id, c]));
  }

  open(clusterId: string, r: SubjectResult, o: Outcome, ctx: TransitionContext): void {
    const existing = this.store.finding(clusterId, o.controlId, r.subjectKey);
    const row = this.row(clusterId, r, o, existing, ctx);
    if (existing?.status === 'open') {
      const same =
        existing.message === row.message &&
        existing.severity === row.severity &&
        existing.namespace === row.namespace &&
        JSON.stringify(existing.evidence) === JSON.stringify(row.evidence);
      if (same) {
        this.keepRisk(existing, ctx.risk?.(row.severity));
        return;
      }
      row.id = this.store.save(row);
      this.emit('updated', row, existing, ctx, ctx.cause(row.evidence));
      return;
    }
    row.id = this.store.save(row);
    this.emit(!existing ? 'opened' : existing.status === 'excepted' ? 'unexcepted' : 'reopened', row, existing, ctx, ctx.cause(row.evidence));
    this.stats.opened += 1;
  }

  /** An exempt outcome carries the exemption's reason as its message. */
  except(clusterId: string, r: SubjectResult, o: Outcome, ctx: TransitionContext): void {
    const existing = this.store.finding(clusterId, o.controlId, r.subjectKey);
    const reason = o.message ?? 'exempt';
    if (existing?.status === 'excepted' && existing.reason === reason) {
      this.keepRisk(existing, ctx.risk?.(existing.severity));
      return;
    }
    const row: FindingRow = { ...this.row(clusterId, r, o, existing, ctx), status: 'excepted', message: existing?.message ?? '', reason, openedAt: existing?.openedAt ?? ctx.now };
    row.id = this.store.save(row);
    this.emit('excepted', row, existing, ctx, { reason });
  }

  resolve(f: FindingRow, ctx: TransitionContext): void {
    const row: FindingRow = { ...f, status: 'resolved', resolvedAt: ctx.now, lastSeen: ctx.now, resourceVersion: ctx.resourceVersion ?? f.resourceVersion };
    row.id = this.store.save(row);
    this.emit('resolved', row, f, ctx, ctx.cause(f.evidence));
    this.stats.resolved += 1;
  }

  /** An unchanged unresolved finding: only its risk may have moved (its subject's context changed), with no transition. */
  private keepRisk(f: FindingRow, risk: StoredRisk | undefined): void {
    if (risk && (risk.score !== f.riskScore || risk.factors !== f.riskFactors)) this.store.setRisk(f, risk.score, risk.factors);
  }

  /** A finding row for this outcome, carrying over what an existing row knows. */
  private row(clusterId: string, r: SubjectResult, o: Outcome, existing: FindingRow | undefined, ctx: TransitionContext): FindingRow {
    const { now } = ctx;
    const risk = ctx.risk?.(o.severity);
    return {
      ...(existing ? { id: existing.id } : {}),
      clusterId,
      controlId: o.controlId,
      subjectKey: r.subjectKey,
      apiVersion: r.subject.apiVersion,
      kind: r.subject.kind,
      namespace: r.subject.namespace ?? '',
      name: r.subject.name,
      status: 'open',
      severity: o.severity,
      message: o.message ?? '',
      evidence: o.evidence ?? [],
      patch: o.patch ?? null,
      reason: null,
      firstSeen: existing?.firstSeen ?? now,
      lastSeen: now,
      openedAt: existing && existing.status === 'open' ? existing.openedAt : now,
      resolvedAt: null,
      resourceVersion: ctx.resourceVersion ?? existing?.resourceVersion ?? null,
      riskScore: risk?.score ?? existing?.riskScore ?? -1,
      riskFactors: risk?.factors ?? existing?.riskFactors ?? null,
    };
  }

  private emit(type: TransitionType, finding: FindingRow, before: FindingRow | undefined, ctx: TransitionContext, cause: unknown): void {
    const t: FindingTransition = {
      type,
      at: ctx.now,
      finding,
      previousStatus: before?.status ?? null,
      control: this.controls.get(finding.controlId),
      cluster: { id: finding.clusterId, name: this.clusterName(finding.clusterId) },
      cause,
      resourceVersion: ctx.resourceVersion,
      ...(ctx.latencyMs !== undefined ? { latencyMs: ctx.latencyMs } : {}),
    };
    this.feed.record(t);
  }
}
