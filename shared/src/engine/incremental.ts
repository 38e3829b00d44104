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
import { ALL_CONTROLS, getReadKey, listReadKey, lookupReadKey, ReverseIndex, type Dependent, type SubjectLocation } from './reverse-index.js';
import type { ClusterView, Control, EngineConfig, ExemptionFor, LookupIndex, Outcome } from './types.js';

export type { Dependent, SubjectLocation } from './reverse-index.js';

export interface EngineOptions {
  controls: readonly Control[];
  config?: EngineConfig;
  source: ClusterView;
  /** A reason turns a failing outcome into `exempt`; defaults to the built-in exemptions. */
  exemptionFor?: (controlId: string, subject: KubeObject) => string | undefined;
  /**
   * When true, a subject re-evaluated only because something it read changed comes back
   * with the outcomes of just the relation controls concerned, listed in `controlIds`:
   * the caller merges them by control id. Much cheaper when a delta fans out to many
   * subjects (a NetworkPolicy to every pod of its namespace). Default false: every
   * result holds all of its subject's outcomes.
   */
  partialResults?: boolean;
}

/** The complete outcomes of one subject now; empty when the subject is gone. */
export interface SubjectResult {
  subjectKey: string;
  subject: ResourceRef;
  kind: string;
  outcomes: Outcome[];
  /** Present only for partial results: the controls `outcomes` covers; keep the others. */
  controlIds?: string[];
  /** The subject as evaluated: set by `reevaluate(…, { withObjects: true })` (absent when gone). */
  object?: KubeObject;
}

export interface DeferOptions {
  /**
   * Kinds whose state is incomplete right now (an agent is listing them). A relation check
   * that reads one of them on a changed subject has its outcome left out (a partial result),
   * and the subject comes back among the dependents with that check's bit, to `reevaluate`
   * once the kinds are complete. A check that read only complete kinds stands: its outcome
   * depends on nothing else. Needs `partialResults`.
   */
  held?: (kind: string) => boolean;
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
  /** Read keys of the subject being evaluated → controls that read them; reused. */
  private readonly pending = new Map<string, number>();
  private readonly sink: ReadSink;
  /** One bit per relation control, so a read remembers who made it. */
  private readonly controlBits = new Map<Control, number>();
  private readonly partial: boolean;
  /** Lookup indexes checks have used, by kind: a changed object's keys now. */
  private readonly lookupIndexes = new Map<string, Map<string, LookupIndex>>();
  /**
   * Per object (kind, ns, name): the lookup read keys that found it. A change re-evaluates
   * their readers too (the keys it had), as well as the readers of the keys it has now.
   */
  private readonly foundBy = new Map<string, Set<string>>();
  private readonly lookupKeys = new Map<LookupIndex, Map<string, Map<string, string>>>();
  /** While `applyDeferring` holds kinds: which they are, and the controls that read one. */
  private holding: ((kind: string) => boolean) | undefined;
  private heldReads = 0;

  constructor(opts: EngineOptions) {
    this.byKind = controlsByKind(opts.controls);
    this.config = opts.config ?? {};
    this.source = opts.source;
    this.exemptionFor = 'exemptionFor' in opts ? opts.exemptionFor : defaultExemptionFor(this.config);
    this.partial = opts.partialResults ?? false;
    for (const c of opts.controls) {
      if (c.reads && !this.controlBits.has(c)) {
        const i = this.controlBits.size;
        this.controlBits.set(c, i < 31 ? 1 << i : ALL_CONTROLS);
      }
    }
    const pending = this.pending;
    const bits = this.controlBits;
    let bit = 0;
    const add = (key: string) => void pending.set(key, (pending.get(key) ?? 0) | bit);
    const held = (kind: string) => {
      if (this.holding?.(kind)) this.heldReads |= bit;
    };
    this.sink = {
      onControl: (control) => void (bit = bits.get(control) ?? ALL_CONTROLS),
      onGet: (kind, ns, name) => (held(kind), add(getReadKey(kind, ns, name))),
      onList: (kind, ns) => (held(kind), add(listReadKey(kind, ns))),
      onLookup: (kind, index, key, found) => {
        held(kind);
        const readKey = this.lookupKey(kind, index, key);
        add(readKey);
        let indexes = this.lookupIndexes.get(kind);
        if (!indexes) this.lookupIndexes.set(kind, (indexes = new Map()));
        if (!indexes.has(index.id)) indexes.set(index.id, index);
        for (const o of found) {
          const ref = objectRef(o.kind, o.metadata.namespace, o.metadata.name ?? '');
          let keys = this.foundBy.get(ref);
          if (!keys) this.foundBy.set(ref, (keys = new Set()));
          keys.add(readKey);
        }
      },
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
    // Collect dependents before any re-evaluation rewrites the index.
    const dependents = this.dependentsOf(changes);
    const done = new Set<string>();
    const results = this.evaluateChanges(changes, view, done);
    this.evaluateDependents(dependents.values(), memo, view, done, results);
    return results;
  }

  /**
   * Like `applyBatch`, but the subjects the changes reach only through their reads are
   * returned, not evaluated: the caller passes them to `reevaluate` later, which lets it
   * coalesce those of many batches (a sync that brings NetworkPolicies in several batches
   * then re-evaluates each pod once, not once per batch). Until then their outcomes may
   * be stale. A dependent whose subject is later changed itself needs no re-evaluation.
   */
  applyDeferring(changes: readonly Change[], opts: DeferOptions = {}): { results: SubjectResult[]; dependents: Dependent[] } {
    const view = new GuardedView(new MemoView(this.source));
    const dependents = this.dependentsOf(changes);
    const done = new Set<string>();
    const held: Dependent[] = [];
    const results = this.evaluateChanges(changes, view, done, opts.held && this.partial ? { kinds: opts.held, out: held } : undefined);
    const pending: Dependent[] = [];
    for (const d of dependents.values()) if (!done.has(d.location.subjectKey)) pending.push(d);
    // A held subject was evaluated (so left out above) but for its held checks.
    pending.push(...held);
    return { results, dependents: pending };
  }

  /**
   * Re-evaluates dependents from `applyDeferring` (one entry per subject: merge the masks
   * of repeated ones), as `applyBatch` would have: partially when `partialResults`.
   */
  reevaluate(dependents: Iterable<Dependent>, opts: { withObjects?: boolean } = {}): SubjectResult[] {
    const memo = new MemoView(this.source);
    const results: SubjectResult[] = [];
    this.evaluateDependents(dependents, memo, new GuardedView(memo), new Set(), results, opts.withObjects ?? false);
    return results;
  }


  /** Subjects whose recorded reads the changes match, with the controls concerned. */
  private dependentsOf(changes: readonly Change[]): Map<string, Dependent> {
    const dependents = new Map<string, Dependent>();
    for (const c of changes) {
      const m = c.object.metadata;
      for (const d of this.index.readersOf(c.object.kind, m.namespace, m.name ?? '', this.takeLookupKeys(c.object))) {
        const seen = dependents.get(d.location.subjectKey);
        if (seen) seen.mask |= d.mask;
        else dependents.set(d.location.subjectKey, d);
      }
    }
    return dependents;
  }

  private evaluateChanges(changes: readonly Change[], view: GuardedView, done: Set<string>, hold?: { kinds: (kind: string) => boolean; out: Dependent[] }): SubjectResult[] {
    const last = new Map<string, Change>();
    for (const c of changes) {
      const key = identityOf(c.object);
      last.delete(key);
      last.set(key, c);
    }
    const results: SubjectResult[] = [];
    for (const [key, c] of last) {
      done.add(key);
      if (c.type === 'delete') {
        this.index.remove(key);
        results.push({ subjectKey: key, subject: refOf(c.object), kind: c.object.kind, outcomes: [] });
        continue;
      }
      if (!hold) {
        results.push(resultOf(c.object, this.evaluateWith(c.object, view)));
        continue;
      }
      this.holding = hold.kinds;
      this.heldReads = 0;
      try {
        results.push(this.withoutHeld(c.object, this.evaluateWith(c.object, view), hold.out));
      } finally {
        this.holding = undefined;
      }
    }
    return results;
  }

  /**
   * The outcomes of the checks that read no held kind (partial when some did: those come back
   * as a dependent of the subject, with their bits). Their reads stay recorded.
   */
  private withoutHeld(subject: KubeObject, outcomes: Outcome[], held: Dependent[]): SubjectResult {
    const mask = this.heldReads;
    if (mask === 0) return resultOf(subject, outcomes);
    const stands = (c: Control) => ((this.controlBits.get(c) ?? 0) & mask) === 0;
    const kept = new Set((this.byKind.get(subject.kind) ?? []).filter(stands).map((c) => c.id));
    held.push({ location: locationOf(subject, identityOf(subject)), mask });
    return { ...resultOf(subject, outcomes.filter((o) => kept.has(o.controlId))), controlIds: [...kept] };
  }

  private evaluateDependents(dependents: Iterable<Dependent>, memo: MemoView, view: GuardedView, done: Set<string>, results: SubjectResult[], withObjects = false): void {
    for (const { location: loc, mask } of dependents) {
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
        const r = this.partial && currentKey === loc.subjectKey ? this.reevaluatePartly(current, mask, view) : resultOf(current, this.evaluateWith(current, view));
        if (withObjects) r.object = current;
        results.push(r);
      }
    }
  }

  /**
   * The lookup read keys a change to `obj` concerns: those that found it before (forgotten
   * now: the readers are re-evaluated and look it up again) and those it has now.
   */
  private takeLookupKeys(obj: KubeObject): string[] {
    const m = obj.metadata;
    const ref = objectRef(obj.kind, m.namespace, m.name ?? '');
    const keys = [...(this.foundBy.get(ref) ?? [])];
    this.foundBy.delete(ref);
    for (const index of this.lookupIndexes.get(obj.kind)?.values() ?? []) {
      for (const key of index.keysOf(obj)) keys.push(lookupReadKey(obj.kind, index.id, key));
    }
    return keys;
  }

  /**
   * The read key of a lookup, the same string each time: looked up by (index, kind, key)
   * whose strings are usually long-lived, it is hashed once rather than built per read.
   */
  private lookupKey(kind: string, index: LookupIndex, key: string): string {
    let byKind = this.lookupKeys.get(index);
    if (!byKind) this.lookupKeys.set(index, (byKind = new Map()));
    let byKey = byKind.get(kind);
    if (!byKey) byKind.set(kind, (byKey = new Map()));
    let readKey = byKey.get(key);
    if (readKey === undefined) {
      if (byKey.size >= 200_000) byKey.clear(); // bounded; rebuilt as needed
      byKey.set(key, (readKey = lookupReadKey(kind, index.id, key)));
    }
    return readKey;
  }

  /** Subject keys whose recorded reads a change to (kind, ns, name) would affect. */
  dependents(kind: string, namespace: string | undefined, name: string): string[] {
    return this.index.readersOf(kind, namespace, name).map((d) => d.location.subjectKey);
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
    this.index.set(locationOf(subject, key), this.pending);
    return outcomes;
  }

  /** Re-runs only the subject's relation controls in `mask`, keeping the others' reads. */
  private reevaluatePartly(subject: KubeObject, mask: number, view: GuardedView): SubjectResult {
    const key = identityOf(subject);
    const rerun = (this.byKind.get(subject.kind) ?? []).filter((c) => {
      const bit = this.controlBits.get(c);
      return bit !== undefined && (bit & mask) !== 0;
    });
    let rerunMask = 0;
    for (const c of rerun) rerunMask |= this.controlBits.get(c)!;
    this.pending.clear();
    const outcomes = outcomesFor(subject, rerun, this.config, view, this.exemptionFor, this.sink);
    this.index.update(locationOf(subject, key), rerunMask, this.pending);
    return { ...resultOf(subject, outcomes), controlIds: rerun.map((c) => c.id) };
  }
}

function objectRef(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}\u0001${namespace ?? ''}\u0001${name}`;
}

function locationOf(subject: KubeObject, key: string): SubjectLocation {
  const m = subject.metadata;
  return { subjectKey: key, apiVersion: subject.apiVersion, kind: subject.kind, namespace: m.namespace, name: m.name ?? '' };
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
