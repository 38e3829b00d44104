// `stance scan` of BENCH_SCAN_DOCUMENTS (default 1,000,000) small documents piped into its
// stdin as they are generated (test/src/harness/scan-input.ts): wall time and the child's
// peak RSS. The e2e test (test/e2e/scan-stream.test.ts) runs 200,000 on CI.
import { startCli, watchPeakRss, writeScanInput } from '../../src/harness/index.js';
import type { BenchSection } from '../lib/context.js';
import { mib, num, s } from '../lib/report.js';

const TARGET_PEAK_MIB = 400;

export const scan: BenchSection = {
  name: 'scan',
  title: '`stance scan` streaming its input',
  async run(ctx) {
    const documents = Number(process.env.BENCH_SCAN_DOCUMENTS ?? 1_000_000);
    const started = performance.now();
    const { child, result } = startCli(['scan', '--format', 'json', '--fail-on', 'none', '-'], ctx.run);
    const peak = watchPeakRss(child.pid!);
    const [, run] = await Promise.all([writeScanInput(child.stdin, documents), result]);
    const elapsedMs = performance.now() - started;
    const peakMiB = peak.stop() / 1024;
    if (run.code !== 0) throw new Error(`stance scan exited ${run.code}: ${run.stderr.slice(0, 500)}`);
    const report = JSON.parse(run.stdout) as { findings: unknown[]; summary: { resources: number } };
    if (report.summary.resources !== documents) throw new Error(`scanned ${report.summary.resources} of ${documents} documents`);
    return {
      rows: [
        { metric: 'documents (stdin)', value: num(documents) },
        { metric: 'wall time', value: `${s(elapsedMs)}, ${num(Math.round(documents / (elapsedMs / 1000)))} documents/s` },
        { metric: 'peak RSS (VmHWM)', value: mib(peakMiB), target: `< ${TARGET_PEAK_MIB} MiB`, ok: peakMiB < TARGET_PEAK_MIB },
        { metric: 'findings', value: num(report.findings.length) },
      ],
      data: { documents, elapsedMs: Math.round(elapsedMs), peakMiB: Math.round(peakMiB), findings: report.findings.length },
    };
  },
};
