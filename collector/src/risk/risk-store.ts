// SQL of the risk layer: the findings of a subject and their stored risk, writing a new
// score, and the subjects on a path.
import type { Severity } from '@stance/shared/engine/index';
import type { Db } from '../store/database.js';

/** An unresolved finding, as much of it as scoring needs. */
export interface ScoredFinding {
  clusterId: string;
  controlId: string;
  subjectKey: string;
  kind: string;
  namespace: string;
  name: string;
  severity: Severity;
  status: 'open' | 'excepted';
  /** As stored: -1 until first scored. */
  riskScore: number;
  riskFactors: string | null;
}

interface Row {
  cluster_id: string;
  control_id: string;
  subject_key: string;
  kind: string;
  namespace: string;
  name: string;
  severity: Severity;
  status: 'open' | 'excepted';
  risk_score: number;
  risk_factors: string | null;
}

const COLUMNS = 'cluster_id, control_id, subject_key, kind, namespace, name, severity, status, risk_score, risk_factors';

const toScored = (r: Row): ScoredFinding => ({
  clusterId: r.cluster_id,
  controlId: r.control_id,
  subjectKey: r.subject_key,
  kind: r.kind,
  namespace: r.namespace,
  name: r.name,
  severity: r.severity,
  status: r.status,
  riskScore: r.risk_score,
  riskFactors: r.risk_factors,
});

export class RiskStore {
  private readonly stmt;

  constructor(private readonly db: Db) {
    this.stmt = {
      uids: db.prepare<[string, string, string, string], { uid: string }>(
        'SELECT uid FROM resources INDEXED BY resources_by_kind WHERE cluster_id = ? AND kind = ? AND namespace = ? AND name = ?',
      ),
      ofSubject: db.prepare<[string, string], Row>(`SELECT ${COLUMNS} FROM findings WHERE cluster_id = ? AND subject_key = ? AND status != 'resolved'`),
      // Keyset pages over a cluster's unresolved findings, a subject's together (findings_key).
      unresolved: db.prepare<[string, string, string, number], Row>(
        `SELECT ${COLUMNS} FROM findings INDEXED BY findings_key WHERE cluster_id = ? AND (subject_key, control_id) > (?, ?) AND status != 'resolved'
         ORDER BY subject_key, control_id LIMIT ?`,
      ),
      setRisk: db.prepare<[number, string, string, string, string]>(
        "UPDATE findings SET risk_score = ?, risk_factors = ? WHERE cluster_id = ? AND control_id = ? AND subject_key = ? AND status != 'resolved'",
      ),
    };
  }

  /** Uids stored under a name (one, or none; two only across a replacement mid-batch). */
  uidsOf(clusterId: string, kind: string, namespace: string | undefined, name: string): string[] {
    return this.stmt.uids.all(clusterId, kind, namespace ?? '', name).map((r) => r.uid);
  }

  /** The unresolved findings of a subject. */
  ofSubject(clusterId: string, subjectKey: string): ScoredFinding[] {
    return this.stmt.ofSubject.all(clusterId, subjectKey).map(toScored);
  }

  /** Up to `limit` unresolved findings of the cluster after (subjectKey, controlId), in that order. */
  unresolvedAfter(clusterId: string, after: { subjectKey: string; controlId: string }, limit: number): ScoredFinding[] {
    return this.stmt.unresolved.all(clusterId, after.subjectKey, after.controlId, limit).map(toScored);
  }

  /** Writes the score (and the factors as JSON) of an unresolved finding; a resolved one keeps the risk it had. */
  setRisk(f: Pick<ScoredFinding, 'clusterId' | 'controlId' | 'subjectKey'>, score: number, factorsJson: string): void {
    this.stmt.setRisk.run(score, factorsJson, f.clusterId, f.controlId, f.subjectKey);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
