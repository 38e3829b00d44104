// The streaming scan (two passes, a spool, only the kinds relation checks and risk read kept
// in memory) against the scan it replaced, on random colliding clusters spread over files
// and stdin: everything in memory, later duplicates replacing earlier ones, `evaluateAll`
// and a full risk evaluation over the lot. Reports (findings with their risk) and every
// outcome must be identical, byte for byte once serialised, and so must the attack paths.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_CONTROLS } from '../controls/index.js';
import { evaluateAll, memoryView } from '../engine/evaluate.js';
import { riskIndexOf } from '../risk/full.js';
import { riskObjectArb } from '../risk/testing/arbitraries.js';
import { identityOf, type KubeObject } from '../model/object.js';
import { reportOf } from './findings.js';
import type { LocatedObject } from './parse.js';
import { readInputs } from './read.js';
import type { LocatedOutcome } from './report.js';
import { runScan } from './run.js';
import { selectControls } from './select.js';

const config = { systemExemptions: true };
/** What a scan without flags runs (controls that need configuration stay off). */
const controls = selectControls(BUILTIN_CONTROLS, {}, config);

/** The in-memory scan as it was before streaming. */
async function reference(inputs: string[], stdin: string) {
  const read = await readInputs(inputs, { stdin: Readable.from([stdin]) });
  const byKey = new Map<string, LocatedObject>();
  for (const located of read.objects) {
    const { object } = located;
    const namespaced = object.metadata.namespace || ['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(object.kind);
    const normalized = namespaced ? object : { ...object, metadata: { ...object.metadata, namespace: 'default' } };
    const key = identityOf(normalized);
    byKey.delete(key);
    byKey.set(key, { ...located, object: normalized });
  }
  const objects = [...byKey.values()].map((l) => l.object);
  const outcomes: LocatedOutcome[] = evaluateAll(objects, controls, config).map((o) => ({ ...o, location: byKey.get(o.subjectKey)!.location }));
  const byId = new Map(controls.map((c) => [c.id, c]));
  const risk = riskIndexOf(memoryView(objects));
  return { report: reportOf(outcomes, byId, read.objects.length, (o) => risk.riskOf(o)), outcomes, attackPaths: risk.attackPaths() };
}

const yamlOf = (objects: KubeObject[]) => objects.map((o) => stringify(o)).join('---\n');

describe('runScan streams and matches the in-memory scan', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'stance-run-prop-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('on random clusters split over files and stdin, spooled in memory or on disk', async () => {
    let run = 0;
    let paths = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(riskObjectArb, fc.integer({ min: 0, max: 3 })), { maxLength: 40 }),
        fc.boolean(),
        async (placed, onDisk) => {
          run++;
          // Part 0 goes to stdin, parts 1–3 to files; objects keep their order within a part.
          const parts = [0, 1, 2, 3].map((p) => placed.filter(([, at]) => at === p).map(([o]) => o));
          const files = await Promise.all(
            parts.slice(1).map(async (objects, i) => {
              const file = path.join(dir, `run${run}-part${i + 1}.yaml`);
              await writeFile(file, yamlOf(objects));
              return file;
            }),
          );
          const inputs = [files[0]!, '-', files[1]!, files[2]!];
          const stdin = yamlOf(parts[0]!);
          const streamed = await runScan({ inputs, stdin: Readable.from([stdin]), catalog: BUILTIN_CONTROLS, spoolMemoryBytes: onDisk ? 0 : undefined });
          const expected = await reference(inputs, stdin);
          expect(JSON.stringify(streamed.report)).toBe(JSON.stringify(expected.report));
          expect(streamed.outcomes).toEqual(expected.outcomes);
          expect(streamed.attackPaths).toEqual(expected.attackPaths);
          paths += expected.attackPaths.length;
        },
      ),
      { numRuns: 150 },
    );
    expect(paths).toBeGreaterThan(20); // the generated clusters do expose workloads
  });
});
