// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by
// file, highest first. `pnpm exec tsx shared/src/engine/testing/cpuprofile-summary.ts FILE [top=40]`
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: cpuprofile-summary.ts FILE [top]');
const top = Number(topArg) || 40;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
let total = 0;
const byFn = new Map<string, number>();
const byFile = new Map<string, number>();
for (const [id, us] of selfUs) {
  const f = byId.get(id)!.callFrame;
  total += us;
  const short = f.url.replace(/^.*\/work\/main\//, '');
  const fn = `${f.functionName || '(anonymous)'}  ${short}:${f.lineNumber + 1}`;
  byFn.set(fn, (byFn.get(fn) ?? 0) + us);
  byFile.set(short || '(native)', (byFile.get(short || '(native)') ?? 0) + us);
}
const print = (title: string, m: Map<string, number>) => {
  console.log(`\n## ${title} (total ${(total / 1000).toFixed(0)} ms)`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
  }
};
print('self time by function', byFn);
print('self time by file', byFile);
