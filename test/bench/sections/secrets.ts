// The credential rules in memory, as the collector runs them at ingest (secretReason on every
// ConfigMap value and env value): throughput on realistic values, and the slowest adversarial
// value (issue 9: bounded work for every input), as values per second and MB/s. No stack.
import { secretReason } from '@stance/shared/secrets/index';
import { adversarialInputs } from '@stance/shared/secrets/testing/adversarial';
import { realisticValues, type NamedValue } from '@stance/shared/secrets/testing/corpus';
import { FULL_SIZE, timeInput, timeMs } from '@stance/shared/secrets/testing/linearity';
import type { BenchSection } from '../lib/context.js';
import { ms, num, type Row } from '../lib/report.js';

const REALISTIC_VALUES = 200_000;
const MIN_REALISTIC_MS = 2000;
/** Env-sized values: most of what the collector judges. */
const SHORT_BYTES = 200;
/** Every value of 1 MiB judged within 0.5 s (MB = 10^6 bytes; values are ASCII here). */
const TARGET_WORST_MBPS = 2;
const TARGET_RATIO = 3;
const MB = 1_000_000;

/** Judges every value, over and over for at least MIN_REALISTIC_MS. */
function throughput(values: readonly NamedValue[]) {
  const bytes = values.reduce((n, v) => n + v.value.length, 0);
  let flagged = 0;
  for (const v of values) if (secretReason(v.name, v.value)) flagged += 1; // warm-up, and what it finds
  let passes = 0;
  const t = performance.now();
  while (performance.now() - t < MIN_REALISTIC_MS) {
    for (const v of values) secretReason(v.name, v.value);
    passes += 1;
  }
  const elapsed = (performance.now() - t) / 1000;
  return {
    values: values.length,
    meanBytes: bytes / values.length,
    flagged,
    valuesPerSecond: (values.length * passes) / elapsed,
    mbPerSecond: (bytes * passes) / MB / elapsed,
  };
}

function worst() {
  const judge = (value: string) => secretReason('DB_PASSWORD', value);
  const inputs = adversarialInputs();
  for (const input of inputs) judge(input.make(4096));
  // Each input's 1 MiB time is the median of three runs.
  const timed = inputs.map((input) => {
    const value = input.make(FULL_SIZE);
    const runs = [timeMs(judge, value), timeMs(judge, value), timeMs(judge, value)].sort((a, b) => a - b);
    return { input, fullMs: runs[1]! };
  });
  timed.sort((a, b) => b.fullMs - a.fullMs);
  const slowest = timed[0]!;
  // The slowest few again at both sizes, for the growth ratio.
  const ratios = timed.slice(0, 5).map((t) => timeInput(judge, t.input));
  return {
    inputs: inputs.length,
    slowest: slowest.input.label,
    slowestRule: slowest.input.ruleId,
    slowestMs: slowest.fullMs,
    valuesPerSecond: 1000 / slowest.fullMs,
    mbPerSecond: FULL_SIZE / MB / (slowest.fullMs / 1000),
    medianMs: timed[timed.length >> 1]!.fullMs,
    worstRatio: Math.max(...ratios.map((r) => r.ratio)),
  };
}

export const secrets: BenchSection = {
  name: 'secrets',
  title: 'Credential rules (in memory, secretReason as at ingest)',
  async run() {
    const values = realisticValues(REALISTIC_VALUES);
    const r = throughput(values);
    const short = throughput(values.filter((v) => v.value.length <= SHORT_BYTES));
    const w = worst();
    const rows: Row[] = [
      { metric: `realistic values (${num(r.values)}, mean ${num(r.meanBytes)} B, ${num(r.flagged)} flagged)`, value: `${num(r.valuesPerSecond)} values/s, ${r.mbPerSecond.toFixed(0)} MB/s` },
      { metric: `of which short values (≤ ${SHORT_BYTES} B: ${num(short.values)}, ${num(short.flagged)} flagged)`, value: `${num(short.valuesPerSecond)} values/s, ${short.mbPerSecond.toFixed(0)} MB/s` },
      { metric: `adversarial 1 MiB values (${w.inputs}): median`, value: ms(w.medianMs) },
      { metric: `worst value: ${w.slowest} (${w.slowestRule})`, value: `${ms(w.slowestMs)}: ${w.valuesPerSecond.toFixed(1)} values/s, ${w.mbPerSecond.toFixed(1)} MB/s`, target: `≥ ${TARGET_WORST_MBPS} MB/s`, ok: w.mbPerSecond >= TARGET_WORST_MBPS },
      { metric: 'slowest 5: t(1 MiB) / t(0.5 MiB), worst', value: `×${w.worstRatio.toFixed(2)}`, target: `< ${TARGET_RATIO}`, ok: w.worstRatio < TARGET_RATIO },
    ];
    return { rows, data: { realistic: r, short, worst: w } };
  },
};
