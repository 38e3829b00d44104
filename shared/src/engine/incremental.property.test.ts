// The incremental engine's contract, checked on random delta sequences: the outcomes a
// caller maintains from `apply` results always equal a full `evaluateAll` of the objects
// present. Runs ≥ 10,000 deltas in total across the properties below.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CONTROLS } from '../controls/index.js';
import { networkControls } from '../controls/network/index.js';
import { rbacControls } from '../controls/rbac/index.js';
import { identityOf, type KubeObject } from '../model/object.js';
import { evaluateAll, memoryView } from './evaluate.js';
import { IncrementalEngine, type Change, type Dependent, type SubjectResult } from './incremental.js';
import { deltaArb, type DeltaOp } from './testing/arbitraries.js';
import type { ClusterView, Control, EngineConfig, Outcome } from './types.js';

const locOf = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function byStableOrder(outcomes: Outcome[]): Outcome[] {
  return [...outcomes].sort((a, b) => a.controlId.localeCompare(b.controlId));
}

function expectedState(objects: KubeObject[], controls: readonly Control[], config: EngineConfig): Map<string, Outcome[]> {
  const map = new Map<string, Outcome[]>();
  for (const o of evaluateAll(objects, controls, config)) {
    const list = map.get(o.subjectKey);
    if (list) list.push(o);
    else map.set(o.subjectKey, [o]);
  }
  return new Map([...map].map(([k, v]) => [k, byStableOrder(v)]));
}

/** A caller of the engine: a store standing in for SQLite, and outcomes kept per subject. */
class Harness {
  readonly store = new Map<string, KubeObject>();
  readonly state = new Map<string, Outcome[]>();
  private view: ClusterView = memoryView([]);
  readonly engine: IncrementalEngine;
  deltas = 0;

  constructor(
    readonly controls: readonly Control[],
    readonly config: EngineConfig,
    partialResults = false,
  ) {
    const source: ClusterView = { get: (k, n, nm) => this.view.get(k, n, nm), list: (k, n) => this.view.list(k, n) };
    this.engine = new IncrementalEngine({ controls, config, source, partialResults });
  }

  /** Applies ops to the store; returns the engine changes (replacement = delete + upsert). */
  mutate(op: DeltaOp): Change[] {
    const changes: Change[] = [];
    if (op.op === 'upsert') {
      const loc = locOf(op.object);
      const prev = this.store.get(loc);
      if (prev && identityOf(prev) !== identityOf(op.object)) changes.push({ type: 'delete', object: prev });
      this.store.set(loc, op.object);
      changes.push({ type: 'upsert', object: op.object });
    } else if (this.store.size > 0) {
      const victim = [...this.store.values()][op.pick % this.store.size]!;
      this.store.delete(locOf(victim));
      changes.push({ type: 'delete', object: victim });
    }
    this.view = memoryView([...this.store.values()]);
    this.deltas += changes.length;
    return changes;
  }

  record(results: SubjectResult[]): void {
    for (const r of results) {
      if (r.controlIds) {
        partialSeen += 1;
        // Partial: replace just those controls' outcomes.
        const kept = (this.state.get(r.subjectKey) ?? []).filter((o) => !r.controlIds!.includes(o.controlId));
        const merged = byStableOrder([...kept, ...r.outcomes]);
        if (merged.length) this.state.set(r.subjectKey, merged);
        else this.state.delete(r.subjectKey);
      } else if (r.outcomes.length) this.state.set(r.subjectKey, byStableOrder(r.outcomes));
      else this.state.delete(r.subjectKey);
    }
  }

  verify(): void {
    const expected = expectedState([...this.store.values()], this.controls, this.config);
    // Cheap canonical comparison first; the deep diff only to report a mismatch.
    let same = expected.size === this.state.size;
    for (const [key, outcomes] of expected) {
      if (!same) break;
      const got = this.state.get(key);
      same = got !== undefined && JSON.stringify(got) === JSON.stringify(outcomes);
    }
    if (!same) expect(this.state).toEqual(expected);
  }
}

const OWN_CONTROLS = [...rbacControls, ...networkControls];
let totalDeltas = 0;
let partialSeen = 0;

function sequenceProperty(controls: readonly Control[], numRuns: number, seed: number) {
  fc.assert(
    fc.property(fc.array(deltaArb, { minLength: 1, maxLength: 120, size: 'max' }), fc.boolean(), fc.boolean(), (ops, exemptionsOn, partial) => {
      const h = new Harness(controls, { systemExemptions: exemptionsOn }, partial);
      for (const op of ops) {
        // Changes are applied one by one, each after the store reflects all of them so
        // far — the order a replace (delete old identity, upsert new) reaches the engine.
        for (const change of h.mutate(op)) h.record(h.engine.apply(change));
        h.verify();
      }
      totalDeltas += h.deltas;
    }),
    { numRuns, seed },
  );
}

/**
 * Batches through `applyDeferring` (holding the kinds given), the dependents kept as a
 * caller keeps them (one entry per subject, masks merged, dropped once the subject is
 * evaluated) and re-evaluated after each batch that says `drain`, and at the end.
 */
function runDeferring(h: Harness, batches: readonly { ops: DeltaOp[]; held?: ReadonlySet<string>; drain: boolean }[]): void {
  const pending = new Map<string, Dependent>();
  for (const { ops, held, drain } of batches) {
    const { results, dependents } = h.engine.applyDeferring(ops.flatMap((op) => h.mutate(op)), held ? { held: (k) => held.has(k) } : {});
    h.record(results);
    for (const r of results) pending.delete(r.subjectKey);
    for (const d of dependents) {
      const seen = pending.get(d.location.subjectKey);
      if (seen) seen.mask |= d.mask;
      else pending.set(d.location.subjectKey, { ...d });
    }
    if (drain) {
      h.record(h.engine.reevaluate(pending.values()));
      pending.clear();
      h.verify();
    }
  }
  h.record(h.engine.reevaluate(pending.values()));
  h.verify();
  totalDeltas += h.deltas;
}

describe('IncrementalEngine ≡ evaluateAll on random delta sequences', () => {
  it('with the RBAC and network controls', () => {
    sequenceProperty(OWN_CONTROLS, 100, 1);
  });

  it('with all built-in controls', () => {
    sequenceProperty(BUILTIN_CONTROLS, 45, 2);
  });

  it('with batched changes (applyBatch)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(deltaArb, { minLength: 1, maxLength: 6 }), { minLength: 10, maxLength: 25 }), fc.boolean(), (batches, partial) => {
        const h = new Harness(OWN_CONTROLS, {}, partial);
        for (const batch of batches) {
          const changes = batch.flatMap((op) => h.mutate(op));
          h.record(h.engine.applyBatch(changes));
          h.verify();
        }
        totalDeltas += h.deltas;
      }),
      { numRuns: 100, seed: 3 },
    );
  });

  it('with deferred dependents (applyDeferring, then reevaluate at random points)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(deltaArb, { minLength: 1, maxLength: 6 }), fc.boolean()), { minLength: 10, maxLength: 25 }),
        fc.boolean(),
        (batches, partial) => runDeferring(new Harness(BUILTIN_CONTROLS, {}, partial), batches.map(([ops, drain]) => ({ ops, drain }))),
      ),
      { numRuns: 60, seed: 4 },
    );
  });

  it('with held kinds (relation checks reading a kind being listed wait, then reevaluate)', () => {
    const readKinds = [...new Set(BUILTIN_CONTROLS.flatMap((c) => c.reads ?? []))];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(deltaArb, { minLength: 1, maxLength: 6 }), fc.subarray(readKinds), fc.boolean()), { minLength: 10, maxLength: 25 }),
        // What the collector does while an agent lists `held`; `drain`: the listings end.
        (batches) => runDeferring(new Harness(BUILTIN_CONTROLS, {}, true), batches.map(([ops, held, drain]) => ({ ops, held: new Set(held), drain }))),
      ),
      { numRuns: 60, seed: 5 },
    );
  });

  it('ran at least 10,000 deltas in total', () => {
    console.log(`${totalDeltas} deltas, ${partialSeen} partial results`);
    expect(totalDeltas).toBeGreaterThanOrEqual(10_000);
    expect(partialSeen).toBeGreaterThan(1000); // partial results were exercised
  });
});
