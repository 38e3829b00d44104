// How a section reports: a compact table for people and one JSON line for machines
// (`BENCH {...}`), so runs can be compared by grepping the output.
import type { MachineInfo } from './machine.js';

export interface Row {
  metric: string;
  value: string;
  /** The target, when there is one, and whether it was met. */
  target?: string;
  ok?: boolean;
}

export interface SectionReport {
  rows: Row[];
  /** Raw figures (numbers in ms, MiB, objects/s) for the JSON line. */
  data: Record<string, unknown>;
}

export function printTable(title: string, rows: Row[]): void {
  const w0 = Math.max(6, ...rows.map((r) => r.metric.length));
  const w1 = Math.max(5, ...rows.map((r) => r.value.length));
  const line = (a: string, b: string, c: string) => `  ${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`.trimEnd();
  console.log(`\n## ${title}`);
  console.log(line('metric', 'value', 'target'));
  console.log(line('-'.repeat(w0), '-'.repeat(w1), '------'));
  for (const r of rows) console.log(line(r.metric, r.value, r.target ? `${r.target} ${r.ok === undefined ? '' : r.ok ? 'ok' : 'MISSED'}` : ''));
}

export function printJson(section: string, machine: MachineInfo, data: Record<string, unknown>): void {
  console.log(`BENCH ${JSON.stringify({ section, date: machine.date, load: machine.load, ...data })}`);
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
export const s = (n: number) => `${(n / 1000).toFixed(1)} s`;
export const mib = (n: number) => `${n.toFixed(0)} MiB`;
export const num = (n: number) => Math.round(n).toLocaleString('en-US');
