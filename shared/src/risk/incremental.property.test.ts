// The RiskTracker's contract, checked on random delta sequences: the workload contexts it
// keeps equal a full evaluation of the objects present, and a caller that refreshes the
// risk of only the objects each change reports holds the same facts as a full evaluation
// of every object. Runs ≥ 5,000 deltas in total. The batched runs also run the context
// beside the built-in controls with partial results and random kinds held by a listing
// (how the collector's findings engine runs it).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CONTROLS } from '../controls/index.js';
import { memoryView } from '../engine/evaluate.js';
import type { Change, Dependent } from '../engine/incremental.js';
import { identityOf, refOf } from '../model/object.js';
import { riskIndexOf } from './full.js';
import { refKey } from './risk-index.js';
import { RISK_READS } from './context.js';
import { riskDeltaArb, type RiskDeltaOp } from './testing/arbitraries.js';
import { locOf, RiskHarness } from './testing/harness.js';
import type { Facts, ObjectRef } from './types.js';

let totalDeltas = 0;
let pathsSeen = 0;

function verify(h: RiskHarness): void {
  const full = riskIndexOf(memoryView([...h.store.values()]));
  const got = Object.fromEntries([...h.tracker.index.entries()].map(([k, c]) => [k, JSON.stringify(c)]));
  const want = Object.fromEntries([...full.entries()].map(([k, c]) => [k, JSON.stringify(c)]));
  expect(got).toEqual(want);
  const wantFacts = new Map<string, Facts>();
  for (const o of h.store.values()) {
    const f = full.factsOf({ subjectKey: identityOf(o), subject: refOf(o) });
    if (Object.keys(f).length) wantFacts.set(locOf(o), f);
  }
  expect(Object.fromEntries(h.kept)).toEqual(Object.fromEntries(wantFacts));
  pathsSeen += full.attackPaths().length;
}

/** The changes an op makes to the store (a replacement is delete + upsert). */
function changesOf(h: RiskHarness, op: RiskDeltaOp): Change[] {
  if (op.op === 'upsert') {
    const prev = h.store.get(locOf(op.object));
    const out: Change[] = prev && identityOf(prev) !== identityOf(op.object) ? [{ type: 'delete', object: prev }] : [];
    h.store.set(locOf(op.object), op.object);
    return [...out, { type: 'upsert', object: op.object }];
  }
  if (h.store.size === 0) return [];
  const victim = [...h.store.values()][op.pick % h.store.size]!;
  h.store.delete(locOf(victim));
  return [{ type: 'delete', object: victim }];
}

describe('RiskTracker ≡ full risk evaluation on random delta sequences', () => {
  it('one change at a time', () => {
    fc.assert(
      fc.property(fc.array(riskDeltaArb, { minLength: 1, maxLength: 80, size: 'max' }), (ops) => {
        const h = new RiskHarness();
        for (const op of ops) {
          if (op.op === 'upsert') h.upsert(op.object);
          else if (h.store.size > 0) h.delete([...h.store.values()][op.pick % h.store.size]!);
          totalDeltas += 1;
          verify(h);
        }
      }),
      { numRuns: 100, seed: 13 },
    );
  });

  it('batched, and with deferred dependents re-evaluated at random points', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(riskDeltaArb, { minLength: 1, maxLength: 6 }), fc.boolean(), fc.subarray([...RISK_READS])), { minLength: 5, maxLength: 20 }), fc.boolean(), fc.boolean(), (batches, defer, beside) => {
        const h = new RiskHarness([], beside ? { controls: BUILTIN_CONTROLS, partialResults: true } : {});
        const pending = new Map<string, Dependent>();
        const refresh = (refs: ObjectRef[]) => h.refresh(refs);
        for (const [batch, drain, listing] of batches) {
          const changes = batch.flatMap((op) => changesOf(h, op));
          h.view = memoryView([...h.store.values()]);
          totalDeltas += changes.length;
          // Changed objects are evaluated anew by the caller: their risk with them.
          refresh(changes.map((c) => refOf(c.object)));
          if (!defer) {
            refresh(h.tracker.applyBatch(changes));
            verify(h);
            continue;
          }
          // Kinds an agent is listing hold the checks that read them (partial results only).
          const held = new Set<string>(listing);
          const { changed, dependents } = h.tracker.applyDeferring(changes, beside ? { held: (k) => held.has(k) } : {});
          refresh(changed);
          for (const c of changes) pending.delete(identityOf(c.object));
          for (const d of dependents) {
            const seen = pending.get(d.location.subjectKey);
            if (seen) seen.mask |= d.mask;
            else pending.set(d.location.subjectKey, { ...d });
          }
          if (drain) {
            refresh(h.tracker.reevaluate(pending.values()));
            pending.clear();
            verify(h);
          }
        }
        refresh(h.tracker.reevaluate(pending.values()));
        verify(h);
      }),
      { numRuns: 150, seed: 14 },
    );
  });

  it('ran at least 5,000 deltas, with attack paths among them', () => {
    console.log(`${totalDeltas} deltas, ${pathsSeen} attack paths checked`);
    expect(totalDeltas).toBeGreaterThanOrEqual(5_000);
    expect(pathsSeen).toBeGreaterThan(500);
  });
});
