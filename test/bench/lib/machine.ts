// What the figures were measured on: printed at the top of every run, and recorded with
// each section's JSON line, because the machine is shared and its load varies.
import { cpus, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  load: [number, number, number];
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  const [l1, l5, l15] = loadavg();
  return {
    date: new Date().toISOString(),
    cpu: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    load: [round2(l1!), round2(l5!), round2(l15!)],
  };
}

export function loadNow(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

const round2 = (n: number) => Math.round(n * 100) / 100;
