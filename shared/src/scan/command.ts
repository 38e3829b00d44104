// `stance scan` as a command: flags to options, progress on a terminal, the report to
// stdout or --output, and the exit code (0 clean, 1 failed at or above --fail-on,
// 2 unusable input or configuration). The report is built whole before anything is
// written, so a failing scan never leaves half a document on stdout.
import { writeFile } from 'node:fs/promises';
import { ConfigError } from '../config/errors.js';
import { parseEnum } from '../config/values.js';
import { SEVERITIES, type Severity } from '../engine/types.js';
import { formatReport, REPORT_FORMATS, summaryLine, type ReportFormat } from '../report/index.js';
import { InputError } from './errors.js';
import type { ReadProgress } from './read.js';
import { runScan } from './run.js';

export interface ScanFlags {
  format?: string;
  output?: string;
  failOn?: string;
  control?: string[];
  framework?: string[];
  severity?: string;
  customControls?: string[];
  allowedRegistries?: string;
  /** commander's `--no-exemptions` sets this to false. */
  exemptions?: boolean;
  namespace?: string;
}

export interface ScanIO {
  stdout: NodeJS.WriteStream | (NodeJS.WritableStream & { isTTY?: boolean });
  stderr: NodeJS.WriteStream | (NodeJS.WritableStream & { isTTY?: boolean });
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

export const FAIL_ON = [...SEVERITIES, 'none'] as const;

/** Splits repeatable, comma-separated flag values: `--control a,b --control c`. */
export function listValues(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

function formatFor(flags: ScanFlags, io: ScanIO): ReportFormat {
  if (flags.format) return parseEnum('--format', flags.format, REPORT_FORMATS);
  if (flags.output) {
    // Guess from the file name; JSON unless it says otherwise.
    const out = flags.output.toLowerCase();
    if (out.endsWith('.sarif') || out.endsWith('.sarif.json')) return 'sarif';
    if (out.endsWith('.xml')) return 'junit';
    if (out.endsWith('.txt')) return 'table';
    return 'json';
  }
  return io.stdout.isTTY ? 'table' : 'json';
}

/** A line on a terminal's stderr, redrawn at most every 100 ms (and for the last file). */
function progressReporter(io: ScanIO): ((p: ReadProgress) => void) | undefined {
  if (!io.stderr.isTTY) return undefined;
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 100 && p.files < p.totalFiles) return;
    last = now;
    io.stderr.write(`\r\x1b[Kreading ${p.files}/${p.totalFiles} files, ${p.objects} objects`);
  };
}

/** Runs the scan; returns the exit code. */
export async function scanCommand(inputs: string[], flags: ScanFlags, io: ScanIO): Promise<number> {
  const progress = progressReporter(io);
  try {
    const format = formatFor(flags, io);
    const failOn = parseEnum('--fail-on', flags.failOn ?? 'high', FAIL_ON);
    const minSeverity = flags.severity ? parseEnum<Severity>('--severity', flags.severity, SEVERITIES) : undefined;
    const result = await runScan({
      inputs,
      stdin: io.stdin,
      controls: listValues(flags.control),
      frameworks: listValues(flags.framework),
      customControlPaths: flags.customControls ?? [],
      allowedRegistries: listValues(flags.allowedRegistries ? [flags.allowedRegistries] : []),
      exemptions: flags.exemptions !== false,
      defaultNamespace: flags.namespace,
      minSeverity,
      onProgress: progress,
    });
    if (progress) io.stderr.write('\r\x1b[K');

    const color = format === 'table' && !flags.output && Boolean(io.stdout.isTTY) && !io.env.NO_COLOR;
    const width = !flags.output && io.stdout.isTTY ? (io.stdout as NodeJS.WriteStream).columns : undefined;
    const text = formatReport(result, format, { color, width });
    if (flags.output) {
      await writeFile(flags.output, text).catch((err: NodeJS.ErrnoException) => {
        throw new ConfigError('--output', `cannot write ${flags.output}: ${err.code ?? err.message}`);
      });
      if (io.stderr.isTTY) io.stderr.write(`${summaryLine(result)}\nreport written to ${flags.output}\n`);
    } else {
      io.stdout.write(text);
    }

    if (failOn === 'none') return 0;
    const threshold = SEVERITIES.indexOf(failOn);
    return result.report.findings.some((f) => SEVERITIES.indexOf(f.severity) <= threshold) ? 1 : 0;
  } catch (err) {
    if (progress) io.stderr.write('\r\x1b[K');
    if (err instanceof InputError || err instanceof ConfigError) {
      io.stderr.write(`stance: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
