// The incremental engine: evaluates one subject at a time and remembers, for relation
// checks, which objects each subject read. A delta to X re-evaluates X and exactly the
// subjects whose recorded reads X matches (exact get, namespace list, cluster list),
// re-fetched from the caller's source. Objects and outcomes stay with the caller (SQLite
// in the collector, memory in `stance scan`); the engine holds only the reverse index.
import { identityOf, refOf, type KubeObject, type ResourceRef } from '../model/object.js';
import { defaultExemptionFor } from './default-exemptions.js';
import { controlsByKind, outcomesFor } from './evaluate.js';
import { GuardedView, type ReadSink } from './guarded-view.js';
import { MemoView } from './memo-view.js';
import { getReadKey, listReadKey, ReverseIndex, type SubjectLocation } from './reverse-index.js';
import type { ClusterView, Control, EngineConfig, ExemptionFor, Outcome } from './types.js';

export interface EngineOptions {
  controls: readonly Control[];
  config?: EngineConfig;
  source: ClusterView;
  /** A reason turns a failing outcome into `exempt`; defaults to the built-in exemptions. */
  exemptionFor?: (controlId: string, subject: KubeObject) => string | undefined;
}

/** The complete outcomes of one subject now; empty when the subject is gone. */
export interface SubjectResult {
  subjectKey: string;
  subject: ResourceRef;
  kind: string;
  outcomes: Outcome[];
}

export interface Change {
  type: 'upsert' | 'delete';
  object: KubeObject;
}

export class IncrementalEngine {
  private readonly byKind: Map<string, Control[]>;
  private readonly config: EngineConfig;
  private readonly source: ClusterView;
  private readonly exemptionFor: ExemptionFor | undefined;
  private readonly index = new ReverseIndex();
  /** Read keys of the subject being evaluated; one set, reused. */
  private readonly pending = new Set<string>();
  private readonly sink: ReadSink;

  constructor(opts: EngineOptions) {
    this.byKind = controlsByKind(opts.controls);
    this.config = opts.config ?? {};
    this.source = opts.source;
    this.exemptionFor = 'exemptionFor' in opts ? opts.exemptionFor : defaultExemptionFor(this.config);
    const pending = this.pending;
    this.sink = {
      onGet: (kind, ns, name) => void pending.add(getReadKey(kind, ns, name)),
      onList: (kind, ns) => void pending.add(listReadKey(kind, ns)),
    };
  }

  get stats(): { subjects: number; readKeys: number } {
    return { subjects: this.index.subjects, readKeys: this.index.readKeys };
  }

  /** All controls for the subject's kind; records the reads of its relation checks. */
  evaluate(subject: KubeObject): Outcome[] {
    return this.evaluateWith(subject, new GuardedView(new MemoView(this.source)));
  }

  /** Evaluates many subjects sharing one read cache (initial load, full snapshot). */
  evaluateBatch(subjects: Iterable<KubeObject>): SubjectResult[] {
    const view = new GuardedView(new MemoView(this.source));
    const out: SubjectResult[] = [];
    for (const s of subjects) out.push(resultOf(s, this.evaluateWith(s, view)));
    return out;
  }

  /** Call after the source reflects the change. The result includes the object itself. */
  apply(change: Change): SubjectResult[] {
    return this.applyBatch([change]);
  }

  /**
   * Several changes the source already reflects, evaluated together: each affected subject
   * is evaluated once. For an object changed twice the last change counts.
   */
  applyBatch(changes: readonly Change[]): SubjectResult[] {
    const memo = new MemoView(this.source);
    const view = new GuardedView(memo);
    const last = new Map<string, Change>();
    for (const c of changes) {
      const key = identityOf(c.object);
      last.delete(key);
      last.set(key, c);
    }
    // Collect dependents before any re-evaluation rewrites the index.
    const dependents = new Map<string, SubjectLocation>();
    for (const c of changes) {
      const m = c.object.metadata;
      for (const loc of this.index.readersOf(c.object.kind, m.namespace, m.name ?? '')) dependents.set(loc.subjectKey, loc);
    }
    const results: SubjectResult[] = [];
    const done = new Set<string>();
    for (const [key, c] of last) {
      done.add(key);
      if (c.type === 'delete') {
        this.index.remove(key);
        results.push({ subjectKey: key, subject: refOf(c.object), kind: c.object.kind, outcomes: [] });
      } else {
        results.push(resultOf(c.object, this.evaluateWith(c.object, view)));
      }
    }
    for (const loc of dependents.values()) {
      if (done.has(loc.subjectKey)) continue;
      const current = memo.get(loc.kind, loc.namespace, loc.name);
      const currentKey = current ? identityOf(current) : undefined;
      if (currentKey !== loc.subjectKey) {
        // Gone, or replaced under the same name by an object with another identity.
        done.add(loc.subjectKey);
        this.index.remove(loc.subjectKey);
        results.push({ subjectKey: loc.subjectKey, subject: refOfLocation(loc), kind: loc.kind, outcomes: [] });
      }
      if (current && !done.has(currentKey!)) {
        done.add(currentKey!);
        results.push(resultOf(current, this.evaluateWith(current, view)));
      }
    }
    return results;
  }

  /** Subject keys whose recorded reads a change to (kind, ns, name) would affect. */
  dependents(kind: string, namespace: string | undefined, name: string): string[] {
    return this.index.readersOf(kind, namespace, name).map((l) => l.subjectKey);
  }

  private evaluateWith(subject: KubeObject, view: GuardedView): Outcome[] {
    const controls = this.byKind.get(subject.kind);
    const key = identityOf(subject);
    if (!controls) {
      this.index.remove(key);
      return [];
    }
    this.pending.clear();
    const outcomes = outcomesFor(subject, controls, this.config, view, this.exemptionFor, this.sink);
    const m = subject.metadata;
    this.index.set(
      { subjectKey: key, apiVersion: subject.apiVersion, kind: subject.kind, namespace: m.namespace, name: m.name ?? '' },
      this.pending,
    );
    return outcomes;
  }
}

function resultOf(subject: KubeObject, outcomes: Outcome[]): SubjectResult {
  return { subjectKey: identityOf(subject), subject: refOf(subject), kind: subject.kind, outcomes };
}

function refOfLocation(loc: SubjectLocation): ResourceRef {
  const ref: ResourceRef = { apiVersion: loc.apiVersion, kind: loc.kind, name: loc.name };
  if (loc.namespace !== undefined) ref.namespace = loc.namespace;
  if (loc.subjectKey !== `${loc.kind}/${loc.namespace ?? ''}/${loc.name}`) ref.uid = loc.subjectKey;
  return ref;
}
