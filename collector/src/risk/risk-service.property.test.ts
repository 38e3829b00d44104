// The collector's risk path against a full evaluation, on random delta sequences through
// the real pipeline, findings service and SQLite: after each batch of changes every
// unresolved finding's stored risk and the attack paths equal a full risk evaluation of
// what is stored. This covers what the shared property test cannot: the kept lookup
// indexes, the findings scheduler's coalescing and deferral, scoring as rows are written
// and the re-scoring of the linked objects reported.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { riskDeltaArb } from '@stance/shared/risk/testing/arbitraries';
import type { IngestOp } from '../ingest/pipeline.js';
import { RiskTestCollector } from './testing/risk-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'stance-risk-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
let deltas = 0;
let pathsSeen = 0;

describe('collector risk ≡ full risk evaluation on random delta sequences', () => {
  it('batches of changes, each checked once settled', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(riskDeltaArb, { minLength: 1, maxLength: 5 }), { minLength: 5, maxLength: 25 }), async (batches) => {
        const c = new RiskTestCollector(join(dir, `db-${++fileNo}.sqlite`));
        try {
          for (const batch of batches) {
            const ops: IngestOp[] = [];
            for (const d of batch) {
              if (d.op === 'upsert') ops.push(...c.upsert(d.object));
              else {
                const victim = c.pick(d.pick);
                if (victim) ops.push(...c.remove(victim));
              }
            }
            deltas += batch.length;
            await c.send(ops);
            const m = c.mismatches();
            expect(m).toEqual({ findings: [], paths: undefined });
            pathsSeen += c.risk.attackPaths('c1').length;
          }
        } finally {
          c.close();
        }
      }),
      { numRuns: 60, seed: 21, endOnFailure: true } // shrinking these sequences takes minutes: the first failure is reported as found,
    );
  }, 120_000);

  it('saw enough deltas and attack paths', () => {
    console.log(`${deltas} deltas, ${pathsSeen} attack paths checked`);
    expect(deltas).toBeGreaterThan(500);
    expect(pathsSeen).toBeGreaterThan(20);
  });
});
