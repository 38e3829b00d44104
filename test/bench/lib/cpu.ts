// CPU time a process has used so far (utime + stime from /proc/<pid>/stat): the work it did,
// whatever else ran on the machine meanwhile, so steadier than wall time on a shared host.
import { readFileSync } from 'node:fs';

/** Milliseconds of CPU (clock ticks are 100 Hz on Linux); undefined once the process is gone. */
export function cpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
