// Profiling entry for risk over a generated cluster:
//   pnpm exec tsx shared/src/risk/testing/profile.ts [objects=100000] [--changes=N]
// Prints the figures of runRiskBench; run with `node --expose-gc --import tsx …` for the tracker's heap.
import { generateObjects } from '../../../../devcluster/src/apiserver/generate.js';
import { runRiskBench } from './risk-bench.js';

const args = process.argv.slice(2);
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 100_000);
const changes = Number(args.find((a) => a.startsWith('--changes='))?.slice(10) ?? 100);
const objects = generateObjects(n, { seed: 7 });
const figures = runRiskBench(objects, changes);
const heapMiB = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
console.log(JSON.stringify({ ...figures, heapMiB }, (_, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 100) / 100 : v), 2));
