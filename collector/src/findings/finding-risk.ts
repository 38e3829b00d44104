// What the findings layer needs of risk (collector/src/risk implements it): the internal
// `risk.context` check to run beside the controls in each cluster's engine (one reverse
// index for both), the contexts recorded from each engine call, each finding's risk
// worked out when its row is written, and the stored findings of linked objects whose
// risk moved re-scored in the same unit of work.
import type { Control, Severity, SubjectResult } from '@stance/shared/engine/index';

/** A finding's risk as stored: the score and the factors as JSON. */
export interface StoredRisk {
  score: number;
  factors: string;
}

export interface SubjectRef {
  kind: string;
  namespace?: string;
  name: string;
}

export interface FindingRisk {
  /** The internal check for this cluster's engine (never reported, never exempted). */
  control(clusterId: string): Control;
  /**
   * After an engine call: records the contexts it computed and removes the check's outcomes
   * and id from the results (in place). Call before recording the results.
   */
  record(clusterId: string, results: SubjectResult[]): void;
  /** The risk of the subject's failing findings, by severity (its facts worked out once). */
  scorer(clusterId: string, subjectKey: string, subject: SubjectRef): (severity: Severity) => StoredRisk;
  /**
   * After the results are recorded: re-scores the stored unresolved findings of the objects
   * whose risk moved, but for the subjects in `written` (evaluated in full just now).
   */
  rescore(clusterId: string, written: ReadonlySet<string>): void;
  /** The unit of work committed (true) or was rolled back (its re-scoring is redone later). */
  settle(committed: boolean): void;
}
