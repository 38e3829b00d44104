// Every subject's stored outcome codes (the subject_outcomes table), also held in memory:
// recording a result needs the subject's previous codes, and reading them per subject was
// a fifth of the findings path at 100k objects. Loaded once at start (with the posture
// tallies), written through to the store. Code sets repeat (most workloads fail the same
// controls): each distinct set is one object here and one row of outcome_sets there, whose
// id is remembered. A unit of work that rolls back undoes what it wrote here too
// (`mark` / `undo`), so memory never runs ahead of the database.
import type { FindingsStore, OutcomeCodes } from './findings-store.js';

export interface StoredCodes {
  codes: Readonly<OutcomeCodes>;
  namespace: string;
}

interface CodeSet {
  codes: Readonly<OutcomeCodes>;
  /** Its outcome_sets row, once known to be committed or written in this unit of work. */
  id?: number;
}

type Undo = { subject: [clusterId: string, subjectKey: string, was: StoredCodes | undefined] } | { set: CodeSet };

export class SubjectCodes {
  private readonly byCluster = new Map<string, Map<string, StoredCodes>>();
  private readonly sets = new Map<string, CodeSet>();
  private journal: Undo[] = [];

  constructor(private readonly store: FindingsStore) {}

  /** At start: a row as stored. */
  load(clusterId: string, subjectKey: string, namespace: string, codes: OutcomeCodes): void {
    this.set(clusterId, subjectKey, { codes: this.intern(JSON.stringify(codes), codes).codes, namespace });
  }

  get(clusterId: string, subjectKey: string): StoredCodes | undefined {
    return this.byCluster.get(clusterId)?.get(subjectKey);
  }

  /** Stores a subject's codes; the same codes in the same namespace (most re-evaluations) write nothing. */
  put(clusterId: string, subjectKey: string, kind: string, namespace: string, codes: OutcomeCodes): void {
    const json = JSON.stringify(codes);
    const set = this.intern(json, codes);
    const stored = this.get(clusterId, subjectKey);
    if (stored?.codes === set.codes && stored.namespace === namespace) return; // stored codes are interned sets
    if (set.id === undefined) {
      set.id = this.store.outcomeSet(json);
      this.journal.push({ set });
    }
    this.store.putSubjectOutcomeSet(clusterId, subjectKey, kind, namespace, set.id);
    this.remember(clusterId, subjectKey);
    this.set(clusterId, subjectKey, { codes: set.codes, namespace });
  }

  delete(clusterId: string, subjectKey: string): void {
    this.store.deleteSubjectOutcomes(clusterId, subjectKey);
    this.remember(clusterId, subjectKey);
    this.byCluster.get(clusterId)?.delete(subjectKey);
  }

  /** Where a unit of work starts. */
  mark(): number {
    return this.journal.length;
  }

  /** The unit of work from `mark` rolled back: restore what it changed. */
  undo(mark: number): void {
    for (let i = this.journal.length - 1; i >= mark; i--) {
      const u = this.journal[i]!;
      if ('set' in u) {
        delete u.set.id; // its row is gone with the transaction
        continue;
      }
      const [clusterId, subjectKey, was] = u.subject;
      if (was) this.set(clusterId, subjectKey, was);
      else this.byCluster.get(clusterId)?.delete(subjectKey);
    }
    this.journal.length = mark;
  }

  /** The outermost unit of work committed: nothing left to undo. */
  settle(): void {
    this.journal = [];
  }

  private remember(clusterId: string, subjectKey: string): void {
    this.journal.push({ subject: [clusterId, subjectKey, this.get(clusterId, subjectKey)] });
  }

  private set(clusterId: string, subjectKey: string, stored: StoredCodes): void {
    let subjects = this.byCluster.get(clusterId);
    if (!subjects) this.byCluster.set(clusterId, (subjects = new Map()));
    subjects.set(subjectKey, stored);
  }

  private intern(json: string, codes: OutcomeCodes): CodeSet {
    let set = this.sets.get(json);
    if (!set) this.sets.set(json, (set = { codes: Object.freeze({ ...codes }) }));
    return set;
  }
}
