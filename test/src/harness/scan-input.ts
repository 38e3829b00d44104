// Large `stance scan` inputs made on the fly, and a child's peak memory: for the streaming
// scan's e2e test and its benchmark. Documents are small ConfigMaps (a kind no relation
// check reads, so nothing of them needs to stay in memory) with a privileged Pod every
// POD_EVERY documents (a kind relation checks read, and a finding each).
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';

export const POD_EVERY = 10_000;

export interface GeneratedScanInput {
  /** Documents written, the repeated first one included. */
  documents: number;
  /** Line each privileged Pod starts on, by name. */
  podLines: Map<string, number>;
}

function configMap(i: number, label = ''): string {
  return `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ns-${i % 50}${label}\ndata:\n  key: value-${i}\n`;
}

function pod(i: number): string {
  return `---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-${i}\n  namespace: ns-${i % 50}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext: {privileged: true}\n`;
}

/**
 * Writes `documents` documents to `out` (honouring backpressure) and ends it; the last one
 * repeats the first with a label, so one duplicate is reported and the later one scanned.
 */
export async function writeScanInput(out: Writable, documents: number): Promise<GeneratedScanInput> {
  const podLines = new Map<string, number>();
  let line = 1;
  let buffer = '';
  const add = (doc: string) => {
    buffer += doc;
    line += doc.split('\n').length - 1;
  };
  for (let i = 0; i < documents - 1; i++) {
    if (i % POD_EVERY === POD_EVERY - 1) {
      podLines.set(`pod-${i}`, line + 1);
      add(pod(i));
    } else {
      add(configMap(i));
    }
    if (buffer.length >= 256 * 1024) {
      const flushed = out.write(buffer);
      buffer = '';
      if (!flushed) await once(out, 'drain');
    }
  }
  add(configMap(0, '\n  labels: {copy: "yes"}'));
  await new Promise<void>((resolve, reject) => out.end(buffer, () => resolve()).once('error', reject));
  return { documents, podLines };
}

/** Samples a process's peak resident memory (VmHWM, KiB) until `stop`; the highest value read. */
export function watchPeakRss(pid: number, everyMs = 50): { stop(): number } {
  let peak = 0;
  const sample = () => {
    try {
      const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]));
    } catch {
      // exited
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}
