// Profiling entry for the rule engine over a generated cluster:
//   pnpm exec tsx shared/src/engine/testing/profile.ts [objects=100000] [--partial] [--no-all] [--changes=N]
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx shared/src/engine/testing/profile.ts 100000
// then summarise the .cpuprofile with `pnpm exec tsx shared/src/engine/testing/cpuprofile-summary.ts FILE`.
// The generator is the test API server's (the same clusters the benchmarks sync).
import { generateObjects } from '../../../../devcluster/src/apiserver/generate.js';
import { runEngineBench } from './engine-bench.js';

const args = process.argv.slice(2);
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 100_000);
const objects = generateObjects(n, { seed: 7 });
const changes = Number(args.find((a) => a.startsWith('--changes='))?.slice(10) ?? NaN);
const counts = Number.isFinite(changes) ? { podChanges: changes * 4, policyChanges: changes, bindingChanges: changes } : {};
const figures = runEngineBench(objects, { partialResults: args.includes('--partial'), skipEvaluateAll: args.includes('--no-all'), ...counts });
console.log(JSON.stringify(figures, (_, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 100) / 100 : v), 2));
