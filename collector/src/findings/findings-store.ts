// SQLite access for findings, their event history and the per-subject outcomes that
// the posture score is tallied from.
import type { Severity, SuggestedPatch } from '@stance/shared/engine/index';
import type { Risk } from '@stance/shared/risk/index';
import type { Db } from '../store/database.js';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../store/resources.js';

export type FindingStatus = 'open' | 'resolved' | 'excepted';

export interface FindingRow {
  /** The stored row's id (schema v9); absent on a row not saved yet. Its events name it. */
  id?: number;
  clusterId: string;
  controlId: string;
  subjectKey: string;
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  status: FindingStatus;
  severity: Severity;
  message: string;
  evidence: string[];
  patch: SuggestedPatch | null;
  reason: string | null;
  firstSeen: number;
  lastSeen: number;
  openedAt: number;
  resolvedAt: number | null;
  resourceVersion: string | null;
  /** -1 until first scored; parse with `riskOfRow`. Written with the row (collector/src/risk works it out). */
  riskScore?: number;
  /** The factors as stored (JSON), parsed only where shown: evaluation reads rows constantly. */
  riskFactors?: string | null;
}

/** A finding's risk as stored; null until first scored. */
export function riskOfRow(f: Pick<FindingRow, 'riskScore' | 'riskFactors'>): Risk | null {
  if (f.riskScore === undefined || f.riskScore < 0) return null;
  return { score: f.riskScore, factors: f.riskFactors ? (JSON.parse(f.riskFactors) as Risk['factors']) : [] };
}

export interface FindingEvent {
  event: 'opened' | 'reopened' | 'resolved' | 'excepted';
  at: number;
  resourceVersion: string | null;
  cause: unknown;
}

/** Compact per-subject outcome codes: "pass", "fail:<severity>", "exempt", "no-data". */
export type OutcomeCodes = Record<string, string>;

export interface FindingQuery {
  cluster?: string;
  namespace?: string;
  severity?: Severity;
  control?: string;
  kind?: string;
  status?: FindingStatus;
  /** `severity` (default): most severe first; `risk`: riskiest first (unscored last). */
  sort?: 'severity' | 'risk';
  limit: number;
  cursor?: string;
}

interface Row {
  id: number;
  cluster_id: string;
  control_id: string;
  subject_key: string;
  api_version: string;
  kind: string;
  namespace: string;
  name: string;
  status: FindingStatus;
  severity: Severity;
  message: string;
  evidence: string;
  patch: string | null;
  reason: string | null;
  first_seen: number;
  last_seen: number;
  opened_at: number;
  resolved_at: number | null;
  resource_version: string | null;
  risk_score: number;
  risk_factors: string | null;
}

const toFinding = (r: Row): FindingRow => ({
  id: r.id,
  clusterId: r.cluster_id,
  controlId: r.control_id,
  subjectKey: r.subject_key,
  apiVersion: r.api_version,
  kind: r.kind,
  namespace: r.namespace,
  name: r.name,
  status: r.status,
  severity: r.severity,
  message: r.message,
  evidence: JSON.parse(r.evidence) as string[],
  patch: r.patch ? (JSON.parse(r.patch) as SuggestedPatch) : null,
  reason: r.reason,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
  openedAt: r.opened_at,
  resolvedAt: r.resolved_at,
  resourceVersion: r.resource_version,
  riskScore: r.risk_score,
  riskFactors: r.risk_factors,
});

/** A saved row's id; a row never saved has none (a programming error, not bad input). */
function storedId(f: Pick<FindingRow, 'id' | 'controlId'>): number {
  if (f.id === undefined) throw new Error(`finding ${f.controlId} has no stored id: save it first`);
  return f.id;
}

export class FindingsStore {
  private readonly stmt;

  constructor(private readonly db: Db) {
    this.stmt = {
      subject: db.prepare<[string, string], { outcomes: string }>(
        'SELECT o.codes AS outcomes FROM subject_outcomes s JOIN outcome_sets o ON o.id = s.outcome_set WHERE s.cluster_id = ? AND s.subject_key = ?',
      ),
      // Code sets are stored once each (schema v8); a subject's row names its set.
      addSet: db.prepare('INSERT INTO outcome_sets (codes) VALUES (?) ON CONFLICT (codes) DO NOTHING'),
      setId: db.prepare<[string], { id: number }>('SELECT id FROM outcome_sets WHERE codes = ?'),
      putSubject: db.prepare(
        `INSERT INTO subject_outcomes (cluster_id, subject_key, kind, namespace, outcome_set) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (cluster_id, subject_key) DO UPDATE SET kind = excluded.kind, namespace = excluded.namespace, outcome_set = excluded.outcome_set`,
      ),
      deleteSubject: db.prepare('DELETE FROM subject_outcomes WHERE cluster_id = ? AND subject_key = ?'),
      allSubjects: db.prepare<[], { cluster_id: string; subject_key: string; namespace: string; outcomes: string }>(
        'SELECT s.cluster_id, s.subject_key, s.namespace, o.codes AS outcomes FROM subject_outcomes s JOIN outcome_sets o ON o.id = s.outcome_set',
      ),
      subjectNamespace: db.prepare<[string, string], { namespace: string; kind: string }>(
        'SELECT namespace, kind FROM subject_outcomes WHERE cluster_id = ? AND subject_key = ?',
      ),
      finding: db.prepare<[string, string, string], Row>('SELECT * FROM findings WHERE cluster_id = ? AND control_id = ? AND subject_key = ?'),
      // Positional, and an INSERT or an UPDATE by id rather than an upsert: a third less per
      // finding written (11 vs 18 µs), which a sync's 159k findings pay.
      insert: db.prepare(
        `INSERT INTO findings (cluster_id, control_id, subject_key, api_version, kind, namespace, name, status, severity, message, evidence, patch, reason,
                               first_seen, last_seen, opened_at, resolved_at, resource_version, risk_score, risk_factors)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      update: db.prepare(
        `UPDATE findings SET api_version = ?, kind = ?, namespace = ?, name = ?, status = ?, severity = ?, message = ?, evidence = ?, patch = ?, reason = ?,
                             last_seen = ?, opened_at = ?, resolved_at = ?, resource_version = ?, risk_score = ?, risk_factors = ?
         WHERE id = ?`,
      ),
      event: db.prepare(
        'INSERT INTO finding_events (finding_id, cluster_id, control_id, subject_key, event, at, resource_version, cause) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      events: db.prepare<[string, string, string], { event: FindingEvent['event']; at: number; resource_version: string | null; cause: string | null }>(
        `SELECT e.event, e.at, e.resource_version, e.cause FROM finding_events e
         WHERE e.finding_id = (SELECT id FROM findings WHERE cluster_id = ? AND control_id = ? AND subject_key = ?) ORDER BY e.id`,
      ),
      openForSubject: db.prepare<[string, string], Row>("SELECT * FROM findings WHERE cluster_id = ? AND subject_key = ? AND status != 'resolved'"),
      resolved: db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM findings WHERE status = 'resolved' AND cluster_id = ?"),
      setRisk: db.prepare<[number, string, number]>('UPDATE findings SET risk_score = ?, risk_factors = ? WHERE id = ?'),
    };
  }

  subjectOutcomes(clusterId: string, subjectKey: string): OutcomeCodes | undefined {
    const r = this.stmt.subject.get(clusterId, subjectKey);
    return r ? (JSON.parse(r.outcomes) as OutcomeCodes) : undefined;
  }

  subjectInfo(clusterId: string, subjectKey: string): { namespace: string; kind: string } | undefined {
    return this.stmt.subjectNamespace.get(clusterId, subjectKey);
  }

  putSubjectOutcomes(clusterId: string, subjectKey: string, kind: string, namespace: string, codes: OutcomeCodes): void {
    this.putSubjectOutcomeSet(clusterId, subjectKey, kind, namespace, this.outcomeSet(JSON.stringify(codes)));
  }

  /** The id of a set of codes (their JSON), stored now if new. */
  outcomeSet(json: string): number {
    this.stmt.addSet.run(json);
    return this.stmt.setId.get(json)!.id;
  }

  /** A subject's codes, by the id of their set (`outcomeSet`). */
  putSubjectOutcomeSet(clusterId: string, subjectKey: string, kind: string, namespace: string, setId: number): void {
    this.stmt.putSubject.run(clusterId, subjectKey, kind, namespace, setId);
  }

  deleteSubjectOutcomes(clusterId: string, subjectKey: string): void {
    this.stmt.deleteSubject.run(clusterId, subjectKey);
  }

  *allSubjectOutcomes(): Generator<{ clusterId: string; subjectKey: string; namespace: string; codes: OutcomeCodes }> {
    const parsed = new Map<string, OutcomeCodes>(); // each set once: subjects share them (read only)
    for (const r of this.stmt.allSubjects.iterate()) {
      let codes = parsed.get(r.outcomes);
      if (!codes) parsed.set(r.outcomes, (codes = JSON.parse(r.outcomes) as OutcomeCodes));
      yield { clusterId: r.cluster_id, subjectKey: r.subject_key, namespace: r.namespace, codes };
    }
  }

  finding(clusterId: string, controlId: string, subjectKey: string): FindingRow | undefined {
    const r = this.stmt.finding.get(clusterId, controlId, subjectKey);
    return r ? toFinding(r) : undefined;
  }

  /** Findings of a subject that are not resolved (to close them when it disappears). */
  unresolvedForSubject(clusterId: string, subjectKey: string): FindingRow[] {
    return this.stmt.openForSubject.all(clusterId, subjectKey).map(toFinding);
  }

  /** Inserts a finding (no id yet) or updates it (by its id); returns its row's id, which its events name. */
  save(f: FindingRow): number {
    const evidence = JSON.stringify(f.evidence);
    const patch = f.patch ? JSON.stringify(f.patch) : null;
    const risk = f.riskScore ?? -1;
    const factors = f.riskFactors ?? null;
    if (f.id === undefined) {
      const { lastInsertRowid } = this.stmt.insert.run(f.clusterId, f.controlId, f.subjectKey, f.apiVersion, f.kind, f.namespace, f.name, f.status, f.severity,
        f.message, evidence, patch, f.reason, f.firstSeen, f.lastSeen, f.openedAt, f.resolvedAt, f.resourceVersion, risk, factors);
      return Number(lastInsertRowid);
    }
    const { changes } = this.stmt.update.run(f.apiVersion, f.kind, f.namespace, f.name, f.status, f.severity, f.message, evidence, patch, f.reason,
      f.lastSeen, f.openedAt, f.resolvedAt, f.resourceVersion, risk, factors, f.id);
    // An id that names no row (one kept from a unit of work that rolled back) is a bug: say so, rather than write nothing.
    if (changes !== 1) throw new Error(`finding ${f.controlId} ${f.subjectKey}: no stored row has id ${f.id}`);
    return f.id;
  }

  /** A stored finding's risk alone (its subject's context moved). */
  setRisk(f: Pick<FindingRow, 'id' | 'controlId'>, score: number, factorsJson: string): void {
    this.stmt.setRisk.run(score, factorsJson, storedId(f));
  }

  addEvent(f: Pick<FindingRow, 'id' | 'clusterId' | 'controlId' | 'subjectKey'>, e: FindingEvent): void {
    this.stmt.event.run(storedId(f), f.clusterId, f.controlId, f.subjectKey, e.event, e.at, e.resourceVersion, e.cause === undefined ? null : JSON.stringify(e.cause));
  }

  events(clusterId: string, controlId: string, subjectKey: string): FindingEvent[] {
    return this.stmt.events.all(clusterId, controlId, subjectKey).map((r) => ({
      event: r.event,
      at: r.at,
      resourceVersion: r.resource_version,
      cause: r.cause ? (JSON.parse(r.cause) as unknown) : null,
    }));
  }

  /** One page, most severe first, then by control and resource. */
  query(q: FindingQuery): { items: FindingRow[]; nextCursor?: string } {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const add = (sql: string, v: string | number | undefined) => {
      if (v === undefined) return;
      where.push(sql);
      args.push(v);
    };
    add('cluster_id = ?', q.cluster);
    add('namespace = ?', q.namespace);
    add('severity = ?', q.severity);
    add('control_id = ?', q.control);
    add('kind = ?', q.kind);
    add('status = ?', q.status);
    if (q.sort === 'risk') return this.riskPage(q, where, args);
    const rank = "CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END";
    if (q.cursor) {
      const [r, ...rest] = decodeCursor(q.cursor, 6);
      // A non-numeric rank would compare as NULL and silently match nothing.
      if (!/^[0-3]$/.test(r!)) throw new InvalidCursorError(q.cursor);
      where.push(`(${rank}, control_id, cluster_id, namespace, name, subject_key) > (?, ?, ?, ?, ?, ?)`);
      args.push(Number(r), ...rest);
    }
    const sql = `SELECT *, ${rank} AS rank FROM findings ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY rank, control_id, cluster_id, namespace, name, subject_key LIMIT ?`;
    const rows = this.db.prepare<(string | number)[], Row & { rank: number }>(sql).all(...args, q.limit + 1);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    const out: { items: FindingRow[]; nextCursor?: string } = { items: page.map(toFinding) };
    if (rows.length > q.limit && last) {
      out.nextCursor = encodeCursor([String(last.rank), last.control_id, last.cluster_id, last.namespace, last.name, last.subject_key]);
    }
    return out;
  }

  /**
   * Riskiest first: (risk_score, cluster, id) descending, one range of findings_by_risk
   * (ties: the newest finding first); the cursor is that row value.
   */
  private riskPage(q: FindingQuery, where: string[], args: (string | number)[]): { items: FindingRow[]; nextCursor?: string } {
    if (q.cursor) {
      const [score, cluster, id] = decodeCursor(q.cursor, 3);
      if (!/^(-1|\d{1,3})$/.test(score!) || !/^\d{1,15}$/.test(id!)) throw new InvalidCursorError(q.cursor);
      where.push('(risk_score, cluster_id, id) < (?, ?, ?)');
      args.push(Number(score), cluster!, Number(id));
    }
    const sql = `SELECT * FROM findings ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY risk_score DESC, cluster_id DESC, id DESC LIMIT ?`;
    const rows = this.db.prepare<(string | number)[], Row>(sql).all(...args, q.limit + 1);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    const out: { items: FindingRow[]; nextCursor?: string } = { items: page.map(toFinding) };
    if (rows.length > q.limit && last) out.nextCursor = encodeCursor([String(last.risk_score), last.cluster_id, String(last.id)]);
    return out;
  }

  /** A cluster's resolved findings (one range of findings_by_status); open and excepted ones are counted in memory (PostureTallies). */
  countResolved(clusterId: string): number {
    return this.stmt.resolved.get(clusterId)!.n;
  }

  savePosture(clusterId: string, at: number, scope: string, score: number, passed: number, failed: number): void {
    this.db
      .prepare('INSERT OR REPLACE INTO posture_history (cluster_id, at, scope, score, passed, failed) VALUES (?, ?, ?, ?, ?, ?)')
      .run(clusterId, at, scope, score, passed, failed);
  }

  postureHistory(clusterId: string, scope: string, limit: number): { at: number; score: number; passed: number; failed: number }[] {
    return this.db
      .prepare<[string, string, number], { at: number; score: number; passed: number; failed: number }>(
        'SELECT at, score, passed, failed FROM posture_history WHERE cluster_id = ? AND scope = ? ORDER BY at DESC LIMIT ?',
      )
      .all(clusterId, scope, limit)
      .reverse();
  }
}
