// `stance scan` streams its input: many documents piped into the real CLI's stdin as they
// are generated, with the child's peak memory read from /proc. The million-document run is
// `pnpm bench scan` (BENCHMARKS.md); here 200,000 documents, which the scan that read
// everything into memory could not do at all (a spread into push() overflowed the stack
// past ~130,000) and would have needed ~1.3 GB for.
import { afterAll, describe, expect, it } from 'vitest';
import { POD_EVERY, startCli, watchPeakRss, writeScanInput, type CliRun } from '../src/harness/index.js';

interface Report {
  findings: { controlId: string; resource: { kind: string; name: string }; location: { file: string; line: number } }[];
  summary: { resources: number; failed: number; score: number };
}

async function scanGenerated(documents: number): Promise<{ run: CliRun; peakMiB: number; podLines: Map<string, number> }> {
  const { child, result } = startCli(['scan', '--format', 'json', '--fail-on', 'none', '-']);
  const peak = watchPeakRss(child.pid!);
  const [{ podLines }, run] = await Promise.all([writeScanInput(child.stdin, documents), result]);
  return { run, peakMiB: peak.stop() / 1024, podLines };
}

describe('stance scan streams its input', () => {
  const figures: string[] = [];
  afterAll(() => console.log(`stance scan peak RSS: ${figures.join(', ')}`));

  it('scans 200,000 documents from stdin in bounded memory, findings and duplicates as before', async () => {
    const small = await scanGenerated(20_000);
    expect(small.run.code).toBe(0);
    const big = await scanGenerated(200_000);
    figures.push(`20k documents ${small.peakMiB.toFixed(0)} MiB`, `200k documents ${big.peakMiB.toFixed(0)} MiB`);

    expect(big.run.code, big.run.stderr.slice(0, 2000)).toBe(0);
    const report = JSON.parse(big.run.stdout) as Report;
    expect(report.summary.resources).toBe(200_000);
    // One privileged Pod every POD_EVERY documents, each found where it starts.
    const privileged = report.findings.filter((f) => f.controlId === 'pod.privileged');
    expect(privileged.map((f) => [f.resource.name, f.location.line])).toEqual([...big.podLines]);
    expect(big.podLines.size).toBe(Math.floor((200_000 - 1) / POD_EVERY));
    expect(report.findings.every((f) => f.resource.kind === 'Pod' && f.location.file === '<stdin>')).toBe(true);
    // The last document repeats the first: the later one is scanned, with a warning.
    expect(big.run.stderr).toContain('"object":"ConfigMap/ns-0/cm-0","first":"<stdin>:2"');
    expect(big.run.stderr).toContain('the same object appears twice; the later one is scanned');

    // Reading everything into memory grew ~6 KB a document: 180,000 more would be ~1 GB more.
    // Streaming, the heap settles at a size that does not follow the input.
    expect(big.peakMiB).toBeLessThan(400);
    expect(big.peakMiB - small.peakMiB).toBeLessThan(200);
  });
});
