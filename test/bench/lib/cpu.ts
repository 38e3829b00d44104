// CPU time a process has used so far (utime + stime from /proc/<pid>/stat): the work it did,
// whatever else ran on the machine meanwhile, so steadier than wall time on a shared host.
import { readFileSync } from 'node:fs';

/** Milliseconds of CPU (clock ticks are 100 Hz on Linux); undefined once the process is gone. */
export function cpuMs(pid: number): number | undefined {
  return statCpuMs(`/proc/${pid}/stat`);
}

/**
 * The same for the process's main thread alone (its task id is the pid): the JavaScript
 * thread, without the worker threads (the collector's WAL checkpointer) and libuv's pool.
 */
export function mainThreadCpuMs(pid: number): number | undefined {
  return statCpuMs(`/proc/${pid}/task/${pid}/stat`);
}

function statCpuMs(path: string): number | undefined {
  try {
    const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
