// `tsx test/bench/lib/profile-summary.ts FILE.cpuprofile [N] [--from=S] [--to=S] [--under=FN] [--timeline]`:
// self time per function and per package, and total time (self + callees) per function,
// the quick look that says where a process spends its time. --from/--to keep the samples
// between S seconds after the profile started (e.g. the sync, or the findings drain);
// --under keeps the samples with a function named FN on the stack; --timeline prints the
// busy share of each second, to find those phases.
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const [file, top = '30'] = args.filter((a) => !a.startsWith('--'));
if (!file) throw new Error('usage: profile-summary FILE.cpuprofile [N] [--from=S] [--to=S] [--timeline]');
const from = Number(option('from') ?? 0) * 1e6;
const to = Number(option('to') ?? Infinity) * 1e6;
const under = option('under');
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

function onStack(id: number, fn: string): boolean {
  for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) if (byId.get(n)!.callFrame.functionName === fn) return true;
  return false;
}

const IDLE = new Set(['(idle)', '(program)', '(garbage collector)']);
const self = new Map<number, number>();
const perSecond: { busy: number; all: number }[] = [];
let at = 0;
p.samples.forEach((id, i) => {
  const us = p.timeDeltas[i] ?? 0;
  at += us;
  const second = Math.floor(at / 1e6);
  const slot = (perSecond[second] ??= { busy: 0, all: 0 });
  slot.all += us;
  if (byId.get(id)!.callFrame.functionName !== '(idle)') slot.busy += us;
  if (at >= from && at < to && (!under || onStack(id, under))) self.set(id, (self.get(id) ?? 0) + us);
});
const total = [...self.values()].reduce((a, b) => a + b, 0);

const where = (cf: Node['callFrame']) =>
  cf.url.replace(/^file:\/\//, '').replace(/.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '').replace('/work/main/', '');
const nameOf = (cf: Node['callFrame']) => `${cf.functionName || '(anonymous)'}  ${where(cf)}:${cf.lineNumber + 1}`;

const fn = new Map<string, number>();
const pkg = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, us] of self) {
  const cf = byId.get(id)!.callFrame;
  const w = where(cf);
  const key = nameOf(cf);
  fn.set(key, (fn.get(key) ?? 0) + us);
  const pk = w.startsWith('@') ? w.split('/').slice(0, 2).join('/') : w.includes('/') ? w.split('/').slice(0, w.startsWith('node:') ? 1 : 2).join('/') : cf.functionName || w || '(native)';
  pkg.set(pk, (pkg.get(pk) ?? 0) + us);
  // Total time: every distinct function on the sample's stack gets the sample once.
  const seen = new Set<string>();
  for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
    const name = nameOf(byId.get(n)!.callFrame);
    if (IDLE.has(byId.get(n)!.callFrame.functionName) || seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + us);
  }
}
const show = (title: string, m: Map<string, number>) => {
  console.log(`\n${title} (total ${(total / 1e6).toFixed(1)} s)`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(`${(us / 1e3).toFixed(0).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
};
if (args.includes('--timeline')) {
  console.log('\nbusy share per second (not idle)');
  console.log(perSecond.map((s, i) => `${i}:${s ? Math.round((100 * s.busy) / Math.max(1, s.all)) : 0}`).join(' '));
}
show('by package', pkg);
show('by function (self)', fn);
show('by function (total: self + callees)', inclusive);
